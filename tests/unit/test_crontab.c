/*
 * Unit tests for scan/crontab: environment lines and variables set for
 * one job in system and user crontabs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan/crontab.h"
#include "envtest.h"

struct cron_case {
	bool system;
	struct env_case c;
};

static const struct cron_case cases[] = {
	{ false, { "PYTHONPATH=/opt/a\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, ENV_COMMAND_SCOPED, 1, false } },
	{ false, { "PYTHONPATH = \"/opt/a\"\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, 0, 1, false } },
	{ false, { "PYTHONPATH='/a b'\n", "PYTHONPATH", "/a b", 0, 0, 1, false } },
	{ false, { "PYTHONPATH=$HOME/x\n", "PYTHONPATH", "$HOME/x", 0, 0, 1, false } },
	{ false, { "* * * * * PYTHONPATH=/j python3 job.py\n", "PYTHONPATH", "/j", ENV_COMMAND_SCOPED | ENV_EXPORTED, 0, 1, false } },
	{ true, { "* * * * * root PYTHONPATH=/j python3 job.py\n", "PYTHONPATH", "/j", ENV_COMMAND_SCOPED, 0, 1, false } },
	{ true, { "@reboot root cd /x && PYTHONSTARTUP=/s python3\n", "PYTHONSTARTUP", "/s", ENV_COMMAND_SCOPED, 0, 1, false } },
	{ false, { "B=/b\n0 1 * * * export PYTHONPATH=$B/lib; python3 x\n", "PYTHONPATH", "/b/lib", ENV_COMMAND_SCOPED, 0, 2, false } },
	{ false, { "# PYTHONPATH=/c\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ false, { "MYPYTHONPATH=/x\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ false, { "* * * * * echo x %PYTHONPATH=/stdin\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ true, { "* * * * * PYTHONPATH=/user-field python3\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
};

static void
test_crontab_forms(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env_list list;

		env_list_init(&list);
		assert_int_equal(crontab_parse(cases[i].c.text, strlen(cases[i].c.text), cases[i].system,
					       NULL, &list), 0);
		env_check_case(&list, &cases[i].c);
		env_list_free(&list);
	}
}

static void
test_short_job_reported(void **state)
{
	static const char text[] = "* * *\nPYTHONPATH=/ok\n";
	struct env_list list;

	(void)state;
	env_list_init(&list);
	assert_int_equal(crontab_parse(text, sizeof(text) - 1, false, NULL, &list), 0);
	assert_true(env_has_diag(&list, 1));
	assert_non_null(env_find(&list, "PYTHONPATH"));
	assert_int_equal(env_find(&list, "PYTHONPATH")->line, 2);
	env_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crontab_forms),
		cmocka_unit_test(test_short_job_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
