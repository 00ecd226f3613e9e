#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "python/pth.h"

struct addsitedir_case {
	const char *line;
	const char *expected; /* NULL when no directory can be read off the line */
};

static void
addsitedir_path_table(void **state)
{
	static const struct addsitedir_case cases[] = {
		{ "import site; site.addsitedir('/opt/x')", "/opt/x" },
		{ "import site; site.addsitedir( \"/opt/y\" , set())", "/opt/y" },
		{ "from site import addsitedir; addsitedir(r'/opt/a\\b')", "/opt/a\\b" },
		{ "import site; site.addsitedir('/opt/asd\\x36')", "/opt/asd6" },
		{ "import site; site.addsitedir('/opt/\\u00e9\\101\\\\')", "/opt/\xc3\xa9" "A\\" },
		{ "import site; site.addsitedir('/opt/\\q')", "/opt/\\q" },
		{ "import site; site.addsitedir('/opt/\\N{DIGIT SIX}')", NULL },
		{ "import site; site.addsitedir('/opt/\\x0')", NULL },
		{ "import site; site.addsitedir('/opt/\\0')", NULL },
		{ "import site; site.addsitedir(path)", NULL },
		{ "import site; site.readdsitedir('/opt/z')", NULL },
		{ "import site; site.addsitedir('/opt/unterminated)", NULL },
	};
	char out[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool found = pth_addsitedir_path((const uint8_t *)cases[i].line, strlen(cases[i].line),
						 out, sizeof(out), &n);

		if (!cases[i].expected) {
			assert_false(found);
			continue;
		}
		assert_true(found);
		assert_int_equal(n, strlen(cases[i].expected));
		assert_string_equal(out, cases[i].expected);
	}
}

static void
addsitedir_path_too_long(void **state)
{
	static const char line[] = "import site; site.addsitedir('/opt/0123456789')";
	char out[8];
	size_t n;

	(void)state;
	assert_false(pth_addsitedir_path((const uint8_t *)line, sizeof(line) - 1, out, sizeof(out), &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addsitedir_path_table),
		cmocka_unit_test(addsitedir_path_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
