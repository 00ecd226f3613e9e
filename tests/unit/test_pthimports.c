/*
 * Unit tests for python/pthimports: the modules an executable .pth line
 * imports, as the scan looks them up beside the .pth file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "python/pthimports.h"

struct names_case {
	const char *line;
	const char *want[4]; /* NULL-terminated */
};

static const struct names_case cases[] = {
	{ "import helper; helper.run()\n", { "helper", NULL } },
	{ "import os, boot_helper as b; b.run()", { "os", "boot_helper", NULL } },
	{ "import\tpkg.sub.mod, other", { "pkg", "other", NULL } },
	{ "import a as x , b", { "a", "b", NULL } },
	/* setuptools' line: os, then the __import__ with a literal name. */
	{ "import os; var = 'X'; enabled and __import__('_distutils_hack').add_shim(); ",
	  { "os", "_distutils_hack", NULL } },
	{ "import sys;__import__(\"evil.pkg\")", { "sys", "evil", NULL } },
	/* A computed name is not followed. */
	{ "import sys;__import__(name)", { "sys", NULL } },
	{ "import 9bad", { NULL } },
	{ "import", { NULL } },
	/* Without a blank after "import" the line is not executable. */
	{ "importos", { NULL } },
	{ "from x import y", { NULL } },
};

static void
test_imported_names_cases(void **state)
{
	char names[PTH_IMPORT_NAMES_MAX][PTH_IMPORT_NAME_MAX];
	size_t i, k, count, want;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct names_case *c = &cases[i];

		print_message("line: %s\n", c->line);
		count = pth_imported_names((const uint8_t *)c->line, strlen(c->line), names);
		for (want = 0; c->want[want]; want++)
			;
		assert_int_equal(count, want);
		for (k = 0; k < count; k++)
			assert_string_equal(names[k], c->want[k]);
	}
}

/* More names than fit are dropped, and a name too long to store is skipped. */
static void
test_imported_names_caps(void **state)
{
	char names[PTH_IMPORT_NAMES_MAX][PTH_IMPORT_NAME_MAX];
	char line[1024];
	size_t count;

	(void)state;
	strcpy(line, "import a, b, c, d, e, f, g, h, i, j");
	count = pth_imported_names((const uint8_t *)line, strlen(line), names);
	assert_int_equal(count, PTH_IMPORT_NAMES_MAX);
	assert_string_equal(names[PTH_IMPORT_NAMES_MAX - 1], "h");

	strcpy(line, "import ");
	memset(line + 7, 'x', PTH_IMPORT_NAME_MAX);
	strcpy(line + 7 + PTH_IMPORT_NAME_MAX, ", short");
	count = pth_imported_names((const uint8_t *)line, strlen(line), names);
	assert_int_equal(count, 1);
	assert_string_equal(names[0], "short");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imported_names_cases),
		cmocka_unit_test(test_imported_names_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
