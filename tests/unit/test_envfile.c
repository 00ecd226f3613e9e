/*
 * Unit tests for scan/envfile: systemd EnvironmentFile= and
 * environment.d files, /etc/environment and pam_env.conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan/envfile.h"
#include "envtest.h"

static const struct env_context ctx = { "/home/u", "u", "/bin/bash", NULL, NULL, NULL };

enum format { SYSTEMD, ENVD, PAM_ENV, PAM_CONF };

struct format_case {
	enum format format;
	struct env_case c;
};

static const struct format_case cases[] = {
	{ SYSTEMD, { "PYTHONPATH=/opt/a\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, 0, 1, false } },
	{ SYSTEMD, { "  PYTHONPATH = /opt/a  \n", "PYTHONPATH", "/opt/a", 0, 0, 1, false } },
	{ SYSTEMD, { "PYTHONPATH=\"/a b\"\n", "PYTHONPATH", "/a b", 0, 0, 1, false } },
	{ SYSTEMD, { "PYTHONPATH='/a $b'\n", "PYTHONPATH", "/a $b", 0, 0, 1, false } },
	{ SYSTEMD, { "PYTHONPATH=\"\\$x\\\"\\q\"\n", "PYTHONPATH", "$x\"\\q", 0, 0, 1, false } },
	{ SYSTEMD, { "PYTHONPATH=/a\\\n/b\n", "PYTHONPATH", "/a/b", 0, 0, 1, false } },
	{ SYSTEMD, { "PYTHONPATH=\"/a\n/b\"\n", "PYTHONPATH", "/a\n/b", 0, 0, 1, false } },
	{ SYSTEMD, { "PYTHONPATH=$HOME/x\n", "PYTHONPATH", "$HOME/x", 0, 0, 1, false } },
	{ SYSTEMD, { "# c\n; c\nPYTHONPATH=/x\n", "PYTHONPATH", "/x", 0, 0, 3, false } },
	{ SYSTEMD, { "#PYTHONPATH=/commented\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ SYSTEMD, { "; PYTHONPATH=/commented\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ SYSTEMD, { "# comment \\\nPYTHONPATH=/continued-comment\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ SYSTEMD, { "MYPYTHONPATH=/x\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ ENVD, { "PYTHONPATH=$HOME/x\n", "PYTHONPATH", "/home/u/x", ENV_EXPORTED, 0, 1, false } },
	{ ENVD, { "B=/b\nPYTHONPATH=${B}/x\n", "PYTHONPATH", "/b/x", 0, 0, 2, false } },
	{ ENVD, { "B=/b\nPYTHONPATH=${B:-/d}\n", "PYTHONPATH", "/b", 0, 0, 2, false } },
	{ ENVD, { "B=\nPYTHONPATH=${B:-/d}\n", "PYTHONPATH", "/d", 0, 0, 2, false } },
	{ ENVD, { "B=/b\nPYTHONPATH=${B:+/alt}\n", "PYTHONPATH", "/alt", 0, 0, 2, false } },
	{ ENVD, { "B=\nPYTHONPATH=/x${B:+/alt}\n", "PYTHONPATH", "/x", 0, 0, 2, false } },
	{ ENVD, { "PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}/x\n", "PYTHONPATH", "/x", ENV_APPENDS_INHERITED, 0, 1, false } },
	{ ENVD, { "PYTHONPATH=$UNKNOWN/x\n", "PYTHONPATH", NULL, 0, 0, 1, false } },
	{ PAM_ENV, { "PYTHONPATH=/opt/a\n", "PYTHONPATH", "/opt/a", ENV_EXPORTED, 0, 1, false } },
	{ PAM_ENV, { "export PYTHONPATH=\"/opt/a\"\n", "PYTHONPATH", "/opt/a", 0, 0, 1, false } },
	{ PAM_ENV, { "PYTHONPATH=/opt/a#comment\n", "PYTHONPATH", "/opt/a", 0, 0, 1, false } },
	{ PAM_ENV, { "PYTHONPATH=$HOME/x\n", "PYTHONPATH", "$HOME/x", 0, 0, 1, false } },
	{ PAM_ENV, { "#PYTHONPATH=/commented\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ PAM_ENV, { "MYPYTHONPATH=/x\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ PAM_CONF, { "PYTHONPATH DEFAULT=/d\n", "PYTHONPATH", "/d", ENV_EXPORTED, 0, 1, false } },
	{ PAM_CONF, { "PYTHONPATH DEFAULT=@{HOME}/lib\n", "PYTHONPATH", "/home/u/lib", 0, 0, 1, false } },
	{ PAM_CONF, { "PYTHONPATH DEFAULT=/d OVERRIDE=/o\n", "PYTHONPATH", "/o", 0, 0, 1, false } },
	{ PAM_CONF, { "PYTHONPATH DEFAULT=\"/a b\"\n", "PYTHONPATH", "/a b", 0, 0, 1, false } },
	{ PAM_CONF, { "B DEFAULT=/b\nPYTHONPATH OVERRIDE=${B}/x\n", "PYTHONPATH", "/b/x", 0, 0, 2, false } },
	{ PAM_CONF, { "PYTHONPATH DEFAULT=\\@{HOME}\n", "PYTHONPATH", "@{HOME}", 0, 0, 1, false } },
	{ PAM_CONF, { "PYTHONPATH DEFAULT=@{PAM_RHOST}\n", "PYTHONPATH", NULL, 0, 0, 1, false } },
	{ PAM_CONF, { "PYTHONPATH \\\n DEFAULT=/cont\n", "PYTHONPATH", "/cont", 0, 0, 1, false } },
	{ PAM_CONF, { "PYTHONPATH=/plain\n", "PYTHONPATH", "/plain", 0, 0, 1, false } },
	{ PAM_CONF, { "#PYTHONPATH DEFAULT=/commented\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
	{ PAM_CONF, { "MYPYTHONPATH DEFAULT=/x\n", "PYTHONPATH", NULL, 0, 0, 0, true } },
};

static int
parse(enum format format, const char *text, size_t len, struct env_list *list)
{
	env_list_init(list);
	switch (format) {
	case SYSTEMD:
		return envfile_parse_systemd(text, len, list);
	case ENVD:
		return envfile_parse_envd(text, len, &ctx, list);
	case PAM_ENV:
		return envfile_parse_pam_env(text, len, list);
	case PAM_CONF:
		return envfile_parse_pam_conf(text, len, &ctx, list);
	}
	return -1;
}

static void
test_formats(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env_list list;

		print_message("format %d\n", (int)cases[i].format);
		assert_int_equal(parse(cases[i].format, cases[i].c.text, strlen(cases[i].c.text), &list), 0);
		env_check_case(&list, &cases[i].c);
		env_list_free(&list);
	}
}

static void
test_bad_lines_resume(void **state)
{
	static const char systemd_text[] = "noequals\n1BAD=x\nA=\"open\nPYTHONPATH=/later\n";
	static const char pam_text[] = "noequals\nBAD KEY=x\nPYTHONPATH=/ok\x00x\n";
	static const char conf_text[] = "X JUNK=1\nY DEFAULT=\"open\nPYTHONPATH DEFAULT=/ok\n";
	struct env_list list;

	(void)state;
	/* An unclosed quote in a systemd file runs to the end of the file. */
	assert_int_equal(parse(SYSTEMD, systemd_text, sizeof(systemd_text) - 1, &list), 0);
	assert_true(env_has_diag(&list, 1));
	assert_true(env_has_diag(&list, 2));
	assert_true(env_has_diag(&list, 3));
	env_list_free(&list);

	assert_int_equal(parse(PAM_ENV, pam_text, sizeof(pam_text) - 1, &list), 0);
	assert_true(env_has_diag(&list, 1));
	assert_true(env_has_diag(&list, 2));
	assert_true(env_has_diag(&list, 3));
	assert_non_null(env_find(&list, "PYTHONPATH"));
	assert_string_equal(env_find(&list, "PYTHONPATH")->value, "/okx");
	env_list_free(&list);

	assert_int_equal(parse(PAM_CONF, conf_text, sizeof(conf_text) - 1, &list), 0);
	assert_true(env_has_diag(&list, 1));
	assert_true(env_has_diag(&list, 2));
	assert_non_null(env_find(&list, "PYTHONPATH"));
	env_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_bad_lines_resume),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
