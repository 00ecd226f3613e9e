/*
 * Unit tests for scan/shellenv: the assignment forms of sh, bash and zsh
 * start-up files, their scope, and what stays unresolved.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan/shellenv.h"
#include "envtest.h"

#define TOP (ENV_CONDITIONAL | ENV_IN_FUNCTION | ENV_COMMAND_SCOPED | ENV_SUBSHELL)

static const char *
home_of(const char *user, const void *arg)
{
	(void)arg;
	return strcmp(user, "alice") == 0 ? "/home/alice" : NULL;
}

static const struct env_context ctx = { "/home/u", "u", "/bin/bash", home_of, NULL, NULL };

static void
parse(const char *text, struct env_list *list)
{
	env_list_init(list);
	assert_int_equal(shellenv_parse(text, strlen(text), &ctx, 0, list), 0);
}

static const struct env_case cases[] = {
	/* forms that set an exported variable */
	{ "export PYTHONPATH=/opt/a\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, TOP, 1, false },
	{ "PYTHONPATH=/opt/a; export PYTHONPATH\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, TOP, 1, false },
	{ "PYTHONPATH=/opt/a\nexport PYTHONPATH\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, TOP, 1, false },
	{ "export PYTHONPATH\nPYTHONPATH=/later\n", "PYTHONPATH", "/later", ENV_EXPORTED, TOP, 2, false },
	{ "declare -x PYTHONSTARTUP=/s.py\n", "PYTHONSTARTUP", "/s.py", ENV_EXPORTED, TOP, 1, false },
	{ "typeset -x PYTHONHOME=/h\n", "PYTHONHOME", "/h", ENV_EXPORTED, TOP, 1, false },
	{ "builtin export PYTHONHOME=/h\n", "PYTHONHOME", "/h", ENV_EXPORTED, TOP, 1, false },
	{ "command export PYTHONHOME=/h\n", "PYTHONHOME", "/h", ENV_EXPORTED, TOP, 1, false },
	{ "declare -gx PYTHONHOME=/h\n", "PYTHONHOME", "/h", ENV_EXPORTED, TOP, 1, false },
	{ "export -n X=1\n", "X", "1", 0, ENV_EXPORTED, 1, false },
	{ "set -a\nPYTHONPATH=/all\n", "PYTHONPATH", "/all", ENV_EXPORTED, TOP, 2, false },
	{ "  export   PYTHONPATH=/opt/a   # trailing comment\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, 0, 1, false },
	/* forms that do not export */
	{ "PYTHONPATH=/opt/a\n", "PYTHONPATH", "/opt/a", 0, ENV_EXPORTED | TOP, 1, false },
	{ "readonly PYTHONPATH=/r\n", "PYTHONPATH", "/r", 0, ENV_EXPORTED, 1, false },
	{ "declare PYTHONPATH=/d\n", "PYTHONPATH", "/d", 0, ENV_EXPORTED, 1, false },
	/* quoting and escapes */
	{ "export PYTHONPATH='/a b/$X'\n", "PYTHONPATH", "/a b/$X", ENV_EXPORTED, 0, 1, false },
	{ "export PYTHONPATH=\"/a \\\"q\\\" \\$X \\\\\"\n", "PYTHONPATH", "/a \"q\" $X \\", 0, 0, 1, false },
	{ "export PYTHONPATH=/a\\ b\n", "PYTHONPATH", "/a b", 0, 0, 1, false },
	{ "export PYTHONPATH=/a\"/b\"'/c'\n", "PYTHONPATH", "/a/b/c", 0, 0, 1, false },
	{ "export PYTHONPATH=$'/a\\tb'\n", "PYTHONPATH", "/a\tb", 0, 0, 1, false },
	{ "export PYTHONPATH=\"/multi\nline\"\n", "PYTHONPATH", "/multi\nline", 0, 0, 1, false },
	/* expansion */
	{ "BASE=/opt\nexport PYTHONPATH=$BASE/lib\n", "PYTHONPATH", "/opt/lib", 0, 0, 2, false },
	{ "BASE=/opt\nexport PYTHONPATH=${BASE}/lib\n", "PYTHONPATH", "/opt/lib", 0, 0, 2, false },
	{ "export PYTHONSTARTUP=$HOME/.s.py\n", "PYTHONSTARTUP", "/home/u/.s.py", 0, 0, 1, false },
	{ "export PYTHONSTARTUP=/home/$USER/s.py\n", "PYTHONSTARTUP", "/home/u/s.py", 0, 0, 1, false },
	{ "export PYTHONSTARTUP=~/.s.py\n", "PYTHONSTARTUP", "/home/u/.s.py", 0, 0, 1, false },
	{ "export PYTHONSTARTUP=~alice/.s.py\n", "PYTHONSTARTUP", "/home/alice/.s.py", 0, 0, 1, false },
	{ "export PYTHONSTARTUP=~nobody/.s.py\n", "PYTHONSTARTUP", NULL, 0, 0, 1, false },
	{ "export PYTHONSTARTUP='~/.s.py'\n", "PYTHONSTARTUP", "~/.s.py", 0, 0, 1, false },
	{ "export PYTHONPATH=/a:~/lib\n", "PYTHONPATH", "/a:/home/u/lib", 0, 0, 1, false },
	{ "export PYTHONPATH=${UNSET_HERE:-/def}\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "D=\nexport PYTHONPATH=${D:-/def}\n", "PYTHONPATH", "/def", 0, 0, 2, false },
	{ "D=/set\nexport PYTHONPATH=${D:-/def}\n", "PYTHONPATH", "/set", 0, 0, 2, false },
	{ "D=/set\nexport PYTHONPATH=${D:+/alt}\n", "PYTHONPATH", "/alt", 0, 0, 2, false },
	{ "D=/set\nexport PYTHONPATH=${D#/}\n", "PYTHONPATH", NULL, 0, 0, 2, false },
	{ "export PYTHONPATH=\"$PYTHONPATH:/new\"\n", "PYTHONPATH", ":/new", ENV_APPENDS_INHERITED, 0, 1, false },
	{ "export PYTHONPATH=\"${PYTHONPATH:+$PYTHONPATH:}/new\"\n", "PYTHONPATH", "/new", ENV_APPENDS_INHERITED, 0, 1, false },
	{ "PYTHONPATH=/a\nPYTHONPATH=\"$PYTHONPATH:/b\"\n", "PYTHONPATH", "/a:/b", 0, ENV_APPENDS_INHERITED, 2, false },
	{ "PYTHONPATH=/a\nPYTHONPATH+=:/b\n", "PYTHONPATH", "/a:/b", 0, 0, 2, false },
	{ "export PYTHONPATH=$OTHER/lib\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "unset D\nexport PYTHONPATH=/x$D\n", "PYTHONPATH", "/x", 0, 0, 2, false },
	/* code that only running the shell could resolve */
	{ "export PYTHONPATH=$(cat /etc/pp)\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "export PYTHONPATH=`cat /etc/pp`\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "export PYTHONPATH=/v$((1+2))\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "export PYTHONPATH=$1\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	{ "export PYTHONPATH=(a b)\n", "PYTHONPATH", NULL, 0, 0, 1, false },
	/* continuation keeps the first line's number */
	{ "export \\\n PYTHONPATH=/a\\\n/b\n", "PYTHONPATH", "/a/b", ENV_EXPORTED, 0, 1, false },
	/* scope */
	{ "if [ -d /x ]; then\n  export PYTHONPATH=/x\nfi\n", "PYTHONPATH", "/x", ENV_CONDITIONAL, ENV_IN_FUNCTION, 2, false },
	{ "case $TERM in\n xterm*) export PYTHONPATH=/x ;;\n *) ;;\nesac\n", "PYTHONPATH", "/x", ENV_CONDITIONAL, 0, 2, false },
	{ "for d in a b; do\n export PYTHONPATH=/x\ndone\n", "PYTHONPATH", "/x", ENV_CONDITIONAL, 0, 2, false },
	{ "[ -d /x ] && export PYTHONPATH=/x\n", "PYTHONPATH", "/x", ENV_CONDITIONAL, 0, 1, false },
	{ "[ -d /x ] ||\n export PYTHONPATH=/x\n", "PYTHONPATH", "/x", ENV_CONDITIONAL, 0, 2, false },
	{ "export PYTHONPATH=/x && true\n", "PYTHONPATH", "/x", 0, TOP, 1, false },
	{ "f() {\n  export PYTHONPATH=/f\n}\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION, ENV_FUNCTION_CALLED, 2, false },
	{ "function f {\n  export PYTHONPATH=/f\n}\nf\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION | ENV_FUNCTION_CALLED | ENV_CONDITIONAL, 0, 2, false },
	{ "function f() {\n  export PYTHONPATH=/f\n}\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION, ENV_FUNCTION_CALLED, 2, false },
	{ "f()\n{\n  export PYTHONPATH=/f\n}\ng() { f; }\ng\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION | ENV_FUNCTION_CALLED, 0, 3, false },
	{ "f() {\n  export PYTHONPATH=/f\n}\nPROMPT_COMMAND=\"f; history -a\"\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION | ENV_FUNCTION_CALLED, 0, 2, false },
	{ "f() {\n  export PYTHONPATH=/f\n}\ntrap 'f' DEBUG\n", "PYTHONPATH", "/f", ENV_FUNCTION_CALLED, 0, 2, false },
	{ "f() {\n  export PYTHONPATH=/f\n}\n# f\necho ff\n", "PYTHONPATH", "/f", ENV_IN_FUNCTION, ENV_FUNCTION_CALLED, 2, false },
	{ "f() { local PYTHONPATH=/l; }\nf\n", "PYTHONPATH", "/l", ENV_LOCAL, ENV_EXPORTED, 1, false },
	{ "(export PYTHONPATH=/sub)\n", "PYTHONPATH", "/sub", ENV_SUBSHELL, 0, 1, false },
	{ "echo x | export PYTHONPATH=/pipe\n", "PYTHONPATH", "/pipe", ENV_SUBSHELL, 0, 1, false },
	{ "PYTHONPATH=/cmd python3 job.py\n", "PYTHONPATH", "/cmd", ENV_COMMAND_SCOPED | ENV_EXPORTED, 0, 1, false },
	{ "env -u X PYTHONPATH=/cmd python3\n", "PYTHONPATH", "/cmd", ENV_COMMAND_SCOPED | ENV_EXPORTED, 0, 1, false },
	/* eval of static text is read; eval of command output is not */
	{ "eval 'export PYTHONPATH=/ev'\n", "PYTHONPATH", "/ev", ENV_EXPORTED, TOP, 1, false },
	{ "eval \"export PYTHONPATH=$HOME/ev\"\n", "PYTHONPATH", "/home/u/ev", ENV_EXPORTED, 0, 1, false },
	{ "B=/b\neval export PYTHONPATH=\\$B/ev\n", "PYTHONPATH", "/b/ev", 0, 0, 2, false },
	{ "[ -d /x ] && eval 'export PYTHONPATH=/ev'\n", "PYTHONPATH", "/ev", ENV_CONDITIONAL, 0, 1, false },
	{ "f() { eval 'export PYTHONPATH=/ev'; }\n", "PYTHONPATH", "/ev", ENV_IN_FUNCTION, ENV_FUNCTION_CALLED, 1, false },
	{ "eval \"eval 'export PYTHONPATH=/deep'\"\n", "PYTHONPATH", "/deep", 0, 0, 1, false },
	{ "eval \"$(cat /etc/pp)\"\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "N=\"\n\n\n\"\neval \"$N export PYTHONPATH=/lines\"\n", "PYTHONPATH", "/lines", 0, 0, 5, false },
	/* look-alikes that must not be reported */
	{ "# export PYTHONPATH=/commented\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "export MYPYTHONPATH=/x\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "echo PYTHONPATH=/x\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "echo 'export PYTHONPATH=/x'\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "cat <<EOF\nexport PYTHONPATH=/heredoc\nEOF\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "cat <<-'EOF'\n\texport PYTHONPATH=/heredoc\n\tEOF\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "echo x > PYTHONPATH=/redirect\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "\"PYTHONPATH=/quoted\"\n", "PYTHONPATH", NULL, 0, 0, 0, true },
};

static void
test_assignment_forms(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env_list list;

		parse(cases[i].text, &list);
		env_check_case(&list, &cases[i]);
		env_list_free(&list);
	}
}

static void
test_source_lines(void **state)
{
	static const char text[] =
		"source ~/.bashrc.d/a.sh\n"
		". \"$HOME/b.sh\"\n"
		". $(dirname $0)/c.sh\n"
		"f() { . /etc/inner.sh; }\n";
	struct env_list list;

	(void)state;
	parse(text, &list);
	assert_int_equal(list.count, 4);
	assert_int_equal(list.items[0].kind, ENV_SOURCE);
	assert_string_equal(list.items[0].name, "source");
	assert_string_equal(list.items[0].value, "/home/u/.bashrc.d/a.sh");
	assert_int_equal(list.items[0].line, 1);
	assert_string_equal(list.items[1].name, ".");
	assert_string_equal(list.items[1].value, "/home/u/b.sh");
	assert_string_equal(list.items[1].raw, "\"$HOME/b.sh\"");
	assert_null(list.items[2].value);
	assert_non_null(list.items[2].unresolved);
	assert_string_equal(list.items[2].raw, "$(dirname $0)/c.sh");
	assert_true(list.items[3].flags & ENV_IN_FUNCTION);
	assert_string_equal(list.items[3].function, "f");
	env_list_free(&list);
}

static void
test_unknown_home_unresolved(void **state)
{
	struct env_list list;
	const struct env_item *it;

	(void)state;
	env_list_init(&list);
	assert_int_equal(shellenv_parse("export PYTHONSTARTUP=~/.s.py\n", 29, NULL, 0, &list), 0);
	it = env_find(&list, "PYTHONSTARTUP");
	assert_non_null(it);
	assert_null(it->value);
	assert_non_null(it->unresolved);
	assert_string_equal(it->raw, "~/.s.py");
	env_list_free(&list);
}

static void
test_bad_lines_resume(void **state)
{
	static const char text[] =
		"export A='unterminated\n"
		"export PYTHONPATH=/after\n"
		"export B=\"x\0y\"\n"
		"export C=\xff\xfe\n";
	struct env_list list;
	const struct env_item *it;

	(void)state;
	env_list_init(&list);
	assert_int_equal(shellenv_parse(text, sizeof(text) - 1, &ctx, 0, &list), 0);
	assert_true(env_has_diag(&list, 1));
	it = env_find(&list, "PYTHONPATH");
	assert_non_null(it);
	assert_string_equal(it->value, "/after");
	assert_int_equal(it->line, 2);
	assert_true(env_has_diag(&list, 3));
	it = env_find(&list, "B");
	assert_non_null(it);
	assert_string_equal(it->value, "xy");
	assert_true(env_has_diag(&list, 4));
	assert_non_null(env_find(&list, "C"));
	env_list_free(&list);
}

static void
test_overlong_line_skipped(void **state)
{
	size_t n = ENV_LINE_MAX + 100;
	char *text = malloc(n + 64);
	struct env_list list;
	int len;

	(void)state;
	assert_non_null(text);
	memcpy(text, "export X=", 9);
	memset(text + 9, 'a', n - 9);
	len = snprintf(text + n, 64, "\nexport PYTHONPATH=/ok\n");
	assert_true(len > 0);
	env_list_init(&list);
	assert_int_equal(shellenv_parse(text, n + (size_t)len, &ctx, 0, &list), 0);
	assert_true(env_has_diag(&list, 1));
	assert_null(env_find(&list, "X"));
	assert_non_null(env_find(&list, "PYTHONPATH"));
	assert_int_equal(env_find(&list, "PYTHONPATH")->line, 2);
	env_list_free(&list);
	free(text);
}

static void
test_deep_nesting_capped(void **state)
{
	struct env_list list;
	char text[4096];
	size_t pos = 0, i;
	const struct env_item *it;

	(void)state;
	for (i = 0; i < SHELL_NESTING_MAX + 10; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "{ ");
	pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "export PYTHONPATH=/deep; ");
	for (i = 0; i < SHELL_NESTING_MAX + 10; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "}; ");
	assert_true(pos < sizeof(text));
	env_list_init(&list);
	assert_int_equal(shellenv_parse(text, pos, &ctx, 0, &list), 0);
	it = env_find(&list, "PYTHONPATH");
	assert_non_null(it);
	assert_true(it->flags & ENV_CONDITIONAL);
	assert_true(list.ndiags > 0);
	env_list_free(&list);
}

static void
test_item_cap(void **state)
{
	size_t n = ENV_ITEMS_MAX + 10, i, pos = 0;
	char *text = malloc(n * 8);
	struct env_list list;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++) {
		memcpy(text + pos, "A=1\n", 4);
		pos += 4;
	}
	env_list_init(&list);
	assert_int_equal(shellenv_parse(text, pos, &ctx, 0, &list), -E2BIG);
	assert_int_equal(list.count, ENV_ITEMS_MAX);
	assert_true(list.truncated);
	env_list_free(&list);
	free(text);
}

static void
test_total_value_bytes_capped(void **state)
{
	size_t big = 60 * 1024, i, pos = 0, copies = ENV_TOTAL_MAX / big + 10;
	char *text = malloc(big + 16 + copies * 8);
	struct env_list list;

	(void)state;
	assert_non_null(text);
	memcpy(text, "X=", 2);
	memset(text + 2, 'a', big);
	pos = 2 + big;
	text[pos++] = '\n';
	for (i = 0; i < copies; i++) {
		memcpy(text + pos, "Y=$X\n", 5);
		pos += 5;
	}
	env_list_init(&list);
	assert_int_equal(shellenv_parse(text, pos, &ctx, 0, &list), 0);
	assert_int_equal(list.count, copies + 1);
	assert_non_null(list.items[1].value);
	assert_null(list.items[copies].value);
	assert_non_null(list.items[copies].unresolved);
	assert_true(list.bytes <= ENV_TOTAL_MAX);
	env_list_free(&list);
	free(text);
}

static void
test_python_var_names(void **state)
{
	static const char *const yes[] = {
		"PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONWARNINGS",
		"PYTHONINSPECT", "PYTHONPYCACHEPREFIX", "PYTHONEXECUTABLE", "PYTHONBREAKPOINT",
		"PYTHON_FROZEN_MODULES",
	};
	static const char *const no[] = {
		"MYPYTHONPATH", "PYTHONPATH_", "pythonpath", "PYTHONPAT", "PYTHONNOUSERSITE", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(env_is_python_var(yes[i], strlen(yes[i])));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(env_is_python_var(no[i], strlen(no[i])));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assignment_forms),
		cmocka_unit_test(test_source_lines),
		cmocka_unit_test(test_unknown_home_unresolved),
		cmocka_unit_test(test_bad_lines_resume),
		cmocka_unit_test(test_overlong_line_skipped),
		cmocka_unit_test(test_deep_nesting_capped),
		cmocka_unit_test(test_item_cap),
		cmocka_unit_test(test_total_value_bytes_capped),
		cmocka_unit_test(test_python_var_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
