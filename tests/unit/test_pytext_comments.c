#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "python/pytext.h"

struct strip_case {
	const char *source;
	const char *expected;
};

static void
strip_comments_table(void **state)
{
	static const struct strip_case cases[] = {
		{ "x = 1  # os.system('x')\ny = 2\n", "x = 1  \ny = 2\n" },
		{ "s = '# not a comment'\n", "s = '# not a comment'\n" },
		{ "s = \"a\\\"# b\" # c\n", "s = \"a\\\"# b\" \n" },
		{ "d = '''\n# kept\n''' # gone\n", "d = '''\n# kept\n''' \n" },
		{ "r = r'\\'#x' #y\n", "r = r'\\'#x' \n" },
		{ "# only\r\nz\n", "\r\nz\n" },
		{ "u = 'open\n# after", "u = 'open\n" },
		{ "", "" },
		{ "L = f\"{'\"'}\"  # os.system('x')\n", "L = f\"{'\"'}\"  \n" },
		{ "v = f'{x:{w}}' # c\n", "v = f'{x:{w}}' \n" },
		{ "v = f'{{#}}' # c\n", "v = f'{{#}}' \n" },
		{ "v = f'''{\nx # inside a field\n}''' # c\n", "v = f'''{\nx \n}''' \n" },
		{ "v = f'{d[\"k\"]!r:>{n}}' # c\n", "v = f'{d[\"k\"]!r:>{n}}' \n" },
		{ "elif x: pass # c\n", "elif x: pass \n" },
		{ "v = f\"{n:=#06x}\" # c\n", "v = f\"{n:=#06x}\" \n" },
	};
	uint8_t out[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = py_strip_comments((const uint8_t *)cases[i].source, strlen(cases[i].source), out);
		assert_int_equal(n, strlen(cases[i].expected));
		assert_memory_equal(out, cases[i].expected, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strip_comments_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
