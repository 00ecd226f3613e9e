#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/escape.h"
#include "core/utf8.h"

struct escape_case {
	const char *input;
	size_t len;
	const char *expected;
};

static void
escape_table(void **state)
{
	static const struct escape_case cases[] = {
		{ "import os", 9, "import os" },
		{ "a\\b", 3, "a\\\\b" },
		{ "a\nb\r\t\f\v", 7, "a\\nb\\r\\t\\f\\v" },
		{ "\x1b[31m", 5, "\\x1b[31m" },
		{ "\x7f", 1, "\\x7f" },
		{ "nul\0x", 5, "nul\\x00x" },
		{ "\xff\xfe", 2, "\\xff\\xfe" },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
		{ "\xe2\x80\xa8", 3, "\\u2028" },
		{ "\xe2\x80\xae", 3, "\\u202e" },
		{ "\xef\xbb\xbfimport", 9, "\\ufeffimport" },
		{ "\xc2\x85", 2, "\\u0085" },
		{ "\xd8\x9c", 2, "\\u061c" },
		{ "\xe1\xa0\x8e", 3, "\\u180e" },
		{ "\xe3\x85\xa4", 3, "\\u3164" },
		{ "\xef\xb8\x8f", 3, "\\ufe0f" },
		{ "\xf3\xa0\x81\x81", 4, "\\U000e0041" },
		{ "\xd8\x80", 2, "\\u0600" },
		{ "\xe2\xa0\x80", 3, "\\u2800" },
		{ "\xf0\x9d\x85\xb3", 4, "\\U0001d173" },
		{ "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" }, /* an encoded surrogate is invalid */
		{ "\xc0\xaf", 2, "\\xc0\\xaf" },          /* overlong '/' */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb;
		int truncated = 0;

		strbuf_init(&sb, 1024);
		assert_int_equal(escape_bytes(&sb, cases[i].input, cases[i].len, &truncated), 0);
		assert_int_equal(truncated, 0);
		assert_string_equal(sb.data, cases[i].expected);
		strbuf_free(&sb);
	}
}

static void
escape_truncates_whole_units(void **state)
{
	struct strbuf sb;
	int truncated = 0;

	(void)state;
	strbuf_init(&sb, 5);
	assert_int_equal(escape_bytes(&sb, "ab\ncd", 5, &truncated), 0);
	assert_int_equal(truncated, 1);
	assert_string_equal(sb.data, "ab\\nc");
	strbuf_free(&sb);
}

static void
names_sort_by_code_point(void **state)
{
	(void)state;
	assert_true(utf8_compare_names((const uint8_t *)"B.pth", 5, (const uint8_t *)"a.pth", 5) < 0);
	assert_true(utf8_compare_names((const uint8_t *)".x", 2, (const uint8_t *)"B", 1) < 0);
	/* U+E000 (EE 80 80) sorts after an undecodable byte (U+DCFF) but before U+10000. */
	assert_true(utf8_compare_names((const uint8_t *)"\xff", 1, (const uint8_t *)"\xee\x80\x80", 3) < 0);
	assert_true(utf8_compare_names((const uint8_t *)"\xed\x9f\xbf", 3, (const uint8_t *)"\x80", 1) < 0);
	assert_int_equal(utf8_compare_names((const uint8_t *)"a", 1, (const uint8_t *)"a", 1), 0);
	assert_true(utf8_compare_names((const uint8_t *)"a", 1, (const uint8_t *)"ab", 2) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_table),
		cmocka_unit_test(escape_truncates_whole_units),
		cmocka_unit_test(names_sort_by_code_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
