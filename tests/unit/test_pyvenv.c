/*
 * Unit tests for python/pyvenv: key and value rules of site.venv() and
 * getpath.py, and the pyvenv.cfg that a real "python -m venv" writes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "python/pyvenv.h"

static struct pyvenv_cfg
parse(const char *text, size_t len)
{
	struct pyvenv_cfg cfg;

	assert_int_equal(pyvenv_parse((const uint8_t *)text, len, &cfg), 0);
	return cfg;
}

static void
test_typical_venv(void **state)
{
	static const char text[] =
		"home = /usr/bin\n"
		"include-system-site-packages = false\n"
		"version = 3.11.2\n"
		"executable = /usr/bin/python3.11\n"
		"command = /usr/bin/python3 -m venv /tmp/v\n";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_string_equal(cfg.home, "/usr/bin");
	assert_int_equal(cfg.home_line, 1);
	assert_false(cfg.system_site);
	assert_true(cfg.system_site_set);
	assert_int_equal(cfg.system_site_line, 2);
	assert_string_equal(cfg.version, "3.11.2");
	assert_int_equal(cfg.version_line, 3);
	assert_string_equal(cfg.executable, "/usr/bin/python3.11");
	assert_string_equal(cfg.command, "/usr/bin/python3 -m venv /tmp/v");
	assert_int_equal(cfg.command_line, 5);
	assert_null(cfg.prompt);
	assert_int_equal(cfg.bad_lines, 0);
	assert_false(cfg.decode_error);
	pyvenv_cfg_free(&cfg);
}

static void
test_missing_keys(void **state)
{
	struct pyvenv_cfg cfg = parse("prompt = x\n", 11);

	(void)state;
	assert_null(cfg.home);
	assert_null(cfg.version);
	assert_null(cfg.executable);
	assert_null(cfg.command);
	assert_true(cfg.system_site); /* site.py defaults to "true" */
	assert_false(cfg.system_site_set);
	assert_string_equal(cfg.prompt, "x");
	pyvenv_cfg_free(&cfg);

	cfg = parse("", 0);
	assert_true(cfg.system_site);
	assert_null(cfg.home);
	pyvenv_cfg_free(&cfg);
}

struct system_site_case {
	const char *text;
	bool expected;
};

static void
test_system_site_values(void **state)
{
	static const struct system_site_case cases[] = {
		{ "include-system-site-packages = true", true },
		{ "include-system-site-packages = True", true },
		{ "include-system-site-packages = TRUE", true },
		{ "include-system-site-packages=  tRuE \t", true },
		{ "include-system-site-packages = false", false },
		{ "include-system-site-packages = 0", false },
		{ "include-system-site-packages = 1", false },
		{ "include-system-site-packages = yes", false },
		{ "include-system-site-packages = true # comment", false },
		{ "include-system-site-packages =", false },
		{ "INCLUDE-System-Site-Packages = true", true },
		/* U+212A KELVIN SIGN lower-cases to 'k' in Python. */
		{ "include-system-site-pac\xe2\x84\xaa" "ages = false", false },
		/* No '=': not a key line at all, so the default stays. */
		{ "include-system-site-packages false", true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pyvenv_cfg cfg = parse(cases[i].text, strlen(cases[i].text));

		if (cfg.system_site != cases[i].expected)
			fail_msg("case %zu '%s': got %d", i, cases[i].text, cfg.system_site);
		pyvenv_cfg_free(&cfg);
	}
}

static void
test_last_system_site_wins(void **state)
{
	static const char text[] = "include-system-site-packages = false\n"
				   "include-system-site-packages = true\n";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_true(cfg.system_site);
	assert_int_equal(cfg.system_site_line, 2);
	pyvenv_cfg_free(&cfg);
}

static void
test_first_home_wins(void **state)
{
	static const char text[] = "home = /first\nHOME = /second\n";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_string_equal(cfg.home, "/first");
	assert_int_equal(cfg.home_line, 1);
	assert_int_equal(cfg.home_count, 2);
	pyvenv_cfg_free(&cfg);
}

static void
test_line_breaks(void **state)
{
	static const char text[] = "home = /a\r\nversion = 3.9.1\rprompt = p\n\nexecutable=/b";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_string_equal(cfg.home, "/a");
	assert_string_equal(cfg.version, "3.9.1");
	assert_int_equal(cfg.version_line, 2);
	assert_string_equal(cfg.prompt, "p");
	assert_int_equal(cfg.prompt_line, 3);
	assert_string_equal(cfg.executable, "/b");
	assert_int_equal(cfg.executable_line, 5);
	pyvenv_cfg_free(&cfg);
}

static void
test_split_at_first_equals(void **state)
{
	static const char text[] = "  Home\t=  /opt/py=3/bin  \n";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_string_equal(cfg.home, "/opt/py=3/bin");
	pyvenv_cfg_free(&cfg);
}

static void
test_unicode_whitespace_stripped(void **state)
{
	/* U+00A0 and U+3000 are str.isspace(); U+FEFF (a BOM) is not. */
	static const char text[] = "home =\xc2\xa0/x\xe3\x80\x80\n";
	static const char bom[] = "\xef\xbb\xbfhome = /y\n";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_string_equal(cfg.home, "/x");
	pyvenv_cfg_free(&cfg);

	cfg = parse(bom, sizeof(bom) - 1);
	assert_null(cfg.home);
	pyvenv_cfg_free(&cfg);
}

static void
test_version_info_fallback(void **state)
{
	static const char virtualenv[] = "version_info = 3.12.1.final.0\n";
	static const char both[] = "version_info = 3.12.1.final.0\nversion = 3.12.1\n";
	struct pyvenv_cfg cfg = parse(virtualenv, sizeof(virtualenv) - 1);

	(void)state;
	assert_string_equal(cfg.version, "3.12.1.final.0");
	assert_int_equal(cfg.version_line, 1);
	pyvenv_cfg_free(&cfg);

	cfg = parse(both, sizeof(both) - 1);
	assert_string_equal(cfg.version, "3.12.1");
	assert_int_equal(cfg.version_line, 2);
	pyvenv_cfg_free(&cfg);
}

static void
test_nul_lines_counted(void **state)
{
	static const char text[] = "home = /a\0b\nversion = 3.8.0\n";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_null(cfg.home);
	assert_int_equal(cfg.bad_lines, 1);
	assert_string_equal(cfg.version, "3.8.0");
	pyvenv_cfg_free(&cfg);
}

static void
test_hostile_bytes(void **state)
{
	static const char text[] = "home = /x\xff\x1b[31m\n";
	struct pyvenv_cfg cfg = parse(text, sizeof(text) - 1);

	(void)state;
	assert_true(cfg.decode_error);
	assert_string_equal(cfg.home, "/x\xff\x1b[31m");
	pyvenv_cfg_free(&cfg);
}

static void
test_getpath_limit(void **state)
{
	size_t len = PYVENV_GETPATH_MAX_BYTES;
	char *big = malloc(len);
	struct pyvenv_cfg cfg;

	(void)state;
	assert_non_null(big);
	memset(big, '#', len);
	cfg = parse(big, len);
	assert_true(cfg.over_getpath_limit);
	pyvenv_cfg_free(&cfg);
	cfg = parse(big, len - 1);
	assert_false(cfg.over_getpath_limit);
	pyvenv_cfg_free(&cfg);
	free(big);
}

/* A pyvenv.cfg written by a real interpreter's venv module. */
static void
test_real_venv(void **state)
{
	static const char python[] = "/usr/bin/python3.11";
	char dir[] = "/tmp/test_pyvenv.XXXXXX", cmd[512], path[256];
	struct pyvenv_cfg cfg;
	uint8_t buf[4096];
	size_t len;
	FILE *f;
	int n;

	(void)state;
	if (access(python, X_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	n = snprintf(cmd, sizeof(cmd), "%s -m venv --without-pip %s/v", python, dir);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	assert_int_equal(system(cmd), 0);
	n = snprintf(path, sizeof(path), "%s/v/pyvenv.cfg", dir);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	f = fopen(path, "rb");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);

	assert_int_equal(pyvenv_parse(buf, len, &cfg), 0);
	assert_string_equal(cfg.home, "/usr/bin");
	assert_false(cfg.system_site);
	assert_true(cfg.system_site_set);
	assert_non_null(cfg.version);
	assert_memory_equal(cfg.version, "3.11.", 5);
	pyvenv_cfg_free(&cfg);

	n = snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typical_venv),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_system_site_values),
		cmocka_unit_test(test_last_system_site_wins),
		cmocka_unit_test(test_first_home_wins),
		cmocka_unit_test(test_line_breaks),
		cmocka_unit_test(test_split_at_first_equals),
		cmocka_unit_test(test_unicode_whitespace_stripped),
		cmocka_unit_test(test_version_info_fallback),
		cmocka_unit_test(test_nul_lines_counted),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_getpath_limit),
		cmocka_unit_test(test_real_venv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
