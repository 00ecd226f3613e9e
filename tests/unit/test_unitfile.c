/*
 * Unit tests for scan/unitfile: Environment= and EnvironmentFile= in
 * systemd units and drop-ins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan/unitfile.h"
#include "envtest.h"

static const struct env_context ctx = { "/root", "root", NULL, NULL, NULL, NULL };

static const struct env_case cases[] = {
	{ "[Service]\nEnvironment=PYTHONPATH=/opt/a\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, 0, 2, false },
	{ "[Service]\nEnvironment = PYTHONPATH=/opt/a\n", "PYTHONPATH", "/opt/a", 0, 0, 2, false },
	{ "[Service]\nEnvironment=\"PYTHONPATH=/a b\" X=1\n", "PYTHONPATH", "/a b", 0, 0, 2, false },
	{ "[Service]\nEnvironment=X=1 PYTHONPATH='/a b'\n", "PYTHONPATH", "/a b", 0, 0, 2, false },
	{ "[Service]\nEnvironment=PYTHONPATH=/a\\x41\n", "PYTHONPATH", "/aA", 0, 0, 2, false },
	{ "[Service]\nEnvironment=X=1 \\\n  PYTHONPATH=/cont\n", "PYTHONPATH", "/cont", 0, 0, 2, false },
	{ "[Service]\nEnvironment=X=1 \\\n# note\n  PYTHONPATH=/cont\n", "PYTHONPATH", "/cont", 0, 0, 2, false },
	{ "[Service]\nEnvironment=PYTHONSTARTUP=%h/s.py\n", "PYTHONSTARTUP", "/root/s.py", 0, 0, 2, false },
	{ "[Service]\nEnvironment=PYTHONSTARTUP=/%%/s.py\n", "PYTHONSTARTUP", "/%/s.py", 0, 0, 2, false },
	{ "[Service]\nEnvironment=PYTHONSTARTUP=/%i/s.py\n", "PYTHONSTARTUP", NULL, 0, 0, 2, false },
	{ "[Service]\nEnvironment=PYTHONPATH=$HOME\n", "PYTHONPATH", "$HOME", 0, 0, 2, false },
	{ "[Socket]\nEnvironment=PYTHONPATH=/s\n", "PYTHONPATH", "/s", 0, 0, 2, false },
	{ "[Manager]\nDefaultEnvironment=\"PYTHONPATH=/m\"\n", "PYTHONPATH", "/m", 0, 0, 2, false },
	{ "[Manager]\nManagerEnvironment=PYTHONPATH=/m\n", "PYTHONPATH", "/m", 0, 0, 2, false },
	/* look-alikes */
	{ "[Service]\n#Environment=PYTHONPATH=/c\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "[Service]\n;Environment=PYTHONPATH=/c\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "[Unit]\nEnvironment=PYTHONPATH=/wrong-section\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "[Service]\nEnvironment=MYPYTHONPATH=/x\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "[Service]\nEnvironment=PYTHONPATH=/x\nEnvironment=\n", "PYTHONPATH", NULL, 0, 0, 0, true },
	{ "[Service]\nExecStart=/bin/sh -c 'PYTHONPATH=/x'\n", "PYTHONPATH", NULL, 0, 0, 0, true },
};

static void
test_environment_lines(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env_list list;

		env_list_init(&list);
		assert_int_equal(unitfile_parse(cases[i].text, strlen(cases[i].text), &ctx, &list), 0);
		env_check_case(&list, &cases[i]);
		env_list_free(&list);
	}
}

static void
test_environment_file(void **state)
{
	static const char text[] =
		"[Service]\n"
		"EnvironmentFile=-/etc/default/app\n"
		"EnvironmentFile=/etc/app.env\n"
		"EnvironmentFile=/etc/%i.env\n";
	struct env_list list;

	(void)state;
	env_list_init(&list);
	assert_int_equal(unitfile_parse(text, sizeof(text) - 1, &ctx, &list), 0);
	assert_int_equal(list.count, 3);
	assert_int_equal(list.items[0].kind, ENV_FILE_REF);
	assert_string_equal(list.items[0].value, "/etc/default/app");
	assert_string_equal(list.items[0].raw, "-/etc/default/app");
	assert_true(list.items[0].flags & ENV_OPTIONAL);
	assert_int_equal(list.items[0].line, 2);
	assert_string_equal(list.items[1].value, "/etc/app.env");
	assert_false(list.items[1].flags & ENV_OPTIONAL);
	assert_null(list.items[2].value);
	assert_non_null(list.items[2].unresolved);
	env_list_free(&list);
}

static void
test_bad_words_reported(void **state)
{
	static const char text[] =
		"[Service]\n"
		"Environment=notanassignment\n"
		"Environment=\"X=open\n"
		"Environment=PYTHONPATH=/after\n";
	struct env_list list;

	(void)state;
	env_list_init(&list);
	assert_int_equal(unitfile_parse(text, sizeof(text) - 1, &ctx, &list), 0);
	assert_true(env_has_diag(&list, 2));
	assert_true(env_has_diag(&list, 3));
	assert_non_null(env_find(&list, "PYTHONPATH"));
	assert_int_equal(env_find(&list, "PYTHONPATH")->line, 4);
	env_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment_lines),
		cmocka_unit_test(test_environment_file),
		cmocka_unit_test(test_bad_words_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
