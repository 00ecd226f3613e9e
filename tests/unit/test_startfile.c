/*
 * Unit tests for python/startfile: PEP 829 .start files as Lib/site.py on
 * CPython main reads them: utf-8-sig, str.splitlines(), comments, and the
 * pkgutil.resolve_name(strict=True) entry point form.
 * NOTE: no installed interpreter here reads .start files (3.15 is
 * unreleased), so these cases follow the site.py source, not a run.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "python/startfile.h"

static struct startfile
parse(const char *text, size_t len)
{
	struct startfile s;

	assert_int_equal(startfile_parse((const uint8_t *)text, len, &s), 0);
	return s;
}

static void
test_entries_and_comments(void **state)
{
	static const char text[] = "# comment\npkg.mod:init\n\n   \n  other:setup.run  \n  # indented comment\n";
	struct startfile s = parse(text, sizeof(text) - 1);

	(void)state;
	assert_false(s.decode_error);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.entries[0].line, 2);
	assert_string_equal(s.entries[0].text, "pkg.mod:init");
	assert_true(s.entries[0].valid);
	assert_int_equal(s.entries[1].line, 5);
	assert_string_equal(s.entries[1].text, "other:setup.run");
	assert_true(s.entries[1].valid);
	startfile_free(&s);
}

struct valid_case {
	const char *text;
	bool valid;
};

static void
test_entry_forms(void **state)
{
	static const struct valid_case cases[] = {
		{ "a:b", true },
		{ "a.b.c:d.e", true },
		{ "_priv:_f", true },
		{ "m2:f3", true },
		{ "caf\xc3\xa9:run", true },
		{ "pkg.mod", false },          /* strict: the callable is required */
		{ "pkg.mod:", false },
		{ ":func", false },
		{ "a:b:c", false },
		{ "1pkg:f", false },            /* a word must not start with a digit */
		{ "pkg.2mod:f", false },
		{ "pkg:f.9", false },
		{ "pkg..mod:f", false },
		{ "pkg.:f", false },
		{ ".pkg:f", false },
		{ "pkg:f.", false },
		{ "pkg mod:f", false },
		{ "pkg:f()", false },
		{ "import os; os.system('x')", false },
		{ "pkg-name:f", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = startfile_entry_valid((const uint8_t *)cases[i].text,
						 strlen(cases[i].text));

		if (got != cases[i].valid)
			fail_msg("case '%s': got %d", cases[i].text, got);
	}
}

static void
test_malformed_entries_kept(void **state)
{
	static const char text[] = "good:f\nbad\nimport os\n";
	struct startfile s = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(s.count, 3);
	assert_true(s.entries[0].valid);
	assert_false(s.entries[1].valid);
	assert_string_equal(s.entries[1].text, "bad");
	assert_false(s.entries[2].valid);
	startfile_free(&s);
}

static void
test_bom_and_crlf(void **state)
{
	static const char text[] = "\xef\xbb\xbf" "a:b\r\nc:d\re:f";
	struct startfile s = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(s.count, 3);
	assert_string_equal(s.entries[0].text, "a:b");
	assert_true(s.entries[0].valid);
	assert_int_equal(s.entries[1].line, 2);
	assert_int_equal(s.entries[2].line, 3);
	assert_string_equal(s.entries[2].text, "e:f");
	startfile_free(&s);
}

static void
test_splitlines_breaks(void **state)
{
	/* \f, \x1c and U+2028 end lines for str.splitlines(). */
	static const char text[] = "a:b\fc:d\x1c" "e:f\xe2\x80\xa8g:h";
	struct startfile s = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(s.count, 4);
	assert_string_equal(s.entries[3].text, "g:h");
	assert_int_equal(s.entries[3].line, 4);
	startfile_free(&s);
}

static void
test_decode_error_skips_file(void **state)
{
	static const char text[] = "a:b\n\xff\n";
	struct startfile s = parse(text, sizeof(text) - 1);

	(void)state;
	assert_true(s.decode_error);
	assert_int_equal(s.count, 0);
	assert_null(s.entries);
	startfile_free(&s);
}

static void
test_nul_in_entry(void **state)
{
	static const char text[] = "a:b\0x\n";
	struct startfile s = parse(text, sizeof(text) - 1);

	(void)state;
	assert_true(s.has_nul);
	assert_int_equal(s.count, 1);
	assert_false(s.entries[0].valid);
	startfile_free(&s);
}

static void
test_second_bom_is_text(void **state)
{
	/* utf-8-sig removes one BOM; a second one is U+FEFF, which is not whitespace. */
	static const char text[] = "\xef\xbb\xbf\xef\xbb\xbf" "a:b\n";
	struct startfile s = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(s.count, 1);
	assert_false(s.entries[0].valid);
	startfile_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_and_comments),
		cmocka_unit_test(test_entry_forms),
		cmocka_unit_test(test_malformed_entries_kept),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_splitlines_breaks),
		cmocka_unit_test(test_decode_error_skips_file),
		cmocka_unit_test(test_nul_in_entry),
		cmocka_unit_test(test_second_bom_is_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
