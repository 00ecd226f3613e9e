/*
 * Unit tests for scan/fishenv: `set` options, list joining, quoting and
 * scope in fish start-up files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan/fishenv.h"
#include "envtest.h"

static const struct env_context ctx = { "/home/u", "u", "/usr/bin/fish", NULL, NULL, NULL };

static const struct env_case cases[] = {
	{ "set -gx PYTHONPATH /opt/a\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, ENV_CONDITIONAL, 1, false },
	{ "set -x PYTHONSTARTUP ~/s.py\n", "PYTHONSTARTUP", "/home/u/s.py", ENV_EXPORTED, 0, 1, false },
	{ "set -Ux PYTHONHOME /h\n", "PYTHONHOME", "/h", ENV_EXPORTED | ENV_UNIVERSAL, 0, 1, false },
	{ "set --export --global PYTHONUSERBASE '/u b'\n", "PYTHONUSERBASE", "/u b", ENV_EXPORTED, 0, 1, false },
	{ "set -g PYTHONPATH /notexported\n", "PYTHONPATH", "/notexported", 0, ENV_EXPORTED, 1, false },
	{ "set -gx PYTHONPATH /a /b\n", "PYTHONPATH", "/a:/b", ENV_EXPORTED, 0, 1, false },
	{ "set -gx PYTHONWARNINGS a b\n", "PYTHONWARNINGS", "a b", ENV_EXPORTED, 0, 1, false },
	{ "set -gx PYTHONPATH /a\nset -ga PYTHONPATH /b\n", "PYTHONPATH", "/a:/b", ENV_EXPORTED, 0, 2, false },
	{ "set -gx PYTHONPATH /a\nset -gp PYTHONPATH /b\n", "PYTHONPATH", "/b:/a", ENV_EXPORTED, 0, 2, false },
	{ "set -gx --append PYTHONPATH /b\n", "PYTHONPATH", "/b", ENV_APPENDS_INHERITED, 0, 1, false },
	{ "set -gx PYTHONPATH \"$HOME/lib\"\n", "PYTHONPATH", "/home/u/lib", 0, 0, 1, false },
	{ "set -gx PYTHONPATH {$HOME}/lib\n", "PYTHONPATH", "/home/u/lib", 0, 0, 1, false },
	{ "set -gx PYTHONPATH /a\\ b\n", "PYTHONPATH", "/a b", 0, 0, 1, false },
	{ "set -gx PYTHONPATH 'it\\'s'\n", "PYTHONPATH", "it's", 0, 0, 1, false },
	{ "set -gx PYTHONPATH (cat /etc/pp)\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "set -gx PYTHONPATH $OTHER\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "set -gx PYTHONPATH /a/*\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "set -gx PYTHONPATH /{a,b}\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "set -l PYTHONPATH /local\n", "PYTHONPATH", "/local", ENV_LOCAL, 0, 1, false },
	{ "export PYTHONPATH=/e\n", "PYTHONPATH", "/e", ENV_EXPORTED, 0, 1, false },
	{ "PYTHONPATH=/cmd python3 x.py 2>/dev/null\n", "PYTHONPATH", "/cmd", ENV_COMMAND_SCOPED, 0, 1, false },
	{ "if status is-interactive\n  set -gx PYTHONPATH /i\nend\n", "PYTHONPATH", "/i", ENV_CONDITIONAL, 0, 2, false },
	{ "test -d /x; and set -gx PYTHONPATH /x\n", "PYTHONPATH", "/x", ENV_CONDITIONAL, 0, 1, false },
	{ "test -d /x && set -gx PYTHONPATH /x\n", "PYTHONPATH", "/x", ENV_CONDITIONAL, 0, 1, false },
	{ "function f\n  set -gx PYTHONPATH /f\nend\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION, ENV_FUNCTION_CALLED, 2, false },
	{ "function f\n  set -gx PYTHONPATH /f\nend\nf\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION | ENV_FUNCTION_CALLED, 0, 2, false },
	{ "function f\n  set -gx PYTHONPATH /f\nend\nbind \\cx f\n", "PYTHONPATH", "/f", ENV_FUNCTION_CALLED, 0, 2, false },
	{ "function f --on-event fish_prompt\n  set -gx PYTHONPATH /f\nend\n", "PYTHONPATH", "/f", ENV_FUNCTION_CALLED, 0, 2, false },
	{ "set -gx PYTHONPATH /a \\\n  /b\n", "PYTHONPATH", "/a:/b", 0, 0, 1, false },
	/* look-alikes */
	{ "# set -gx PYTHONPATH /c\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "set -gx MYPYTHONPATH /x\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "set -e PYTHONPATH\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "set -q PYTHONPATH\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "echo set -gx PYTHONPATH /x\n", "PYTHONPATH", NULL, 0, 0, 0, true },
};

static void
test_set_forms(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env_list list;

		env_list_init(&list);
		assert_int_equal(fishenv_parse(cases[i].text, strlen(cases[i].text), &ctx, &list), 0);
		env_check_case(&list, &cases[i]);
		env_list_free(&list);
	}
}

static void
test_source_and_bad_quote(void **state)
{
	static const char text[] =
		"source ~/.config/fish/extra.fish\n"
		"set -gx A \"unterminated\n"
		"set -gx PYTHONPATH /after\n";
	struct env_list list;
	const struct env_item *it;

	(void)state;
	env_list_init(&list);
	assert_int_equal(fishenv_parse(text, sizeof(text) - 1, &ctx, &list), 0);
	assert_int_equal(list.items[0].kind, ENV_SOURCE);
	assert_string_equal(list.items[0].value, "/home/u/.config/fish/extra.fish");
	assert_true(env_has_diag(&list, 2));
	it = env_find(&list, "PYTHONPATH");
	assert_non_null(it);
	assert_string_equal(it->value, "/after");
	assert_int_equal(it->line, 3);
	assert_null(env_find(&list, "A"));
	env_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_forms),
		cmocka_unit_test(test_source_and_bad_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
