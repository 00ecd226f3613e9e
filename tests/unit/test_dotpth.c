/*
 * Unit tests for python/dotpth: the ._pth line rules of getpath.py
 * (CPython 3.11-3.13): comments, stripping, "import site" and other
 * import lines, NUL truncation and the 32 KiB limit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "python/dotpth.h"

static struct dotpth
parse(const char *text, size_t len)
{
	struct dotpth p;

	assert_int_equal(dotpth_parse((const uint8_t *)text, len, &p), 0);
	return p;
}

static void
assert_entry(const struct dotpth *p, size_t i, enum dotpth_entry_kind kind, long line,
	     const char *text)
{
	assert_true(i < p->count);
	assert_int_equal(p->entries[i].kind, kind);
	assert_int_equal(p->entries[i].line, line);
	assert_string_equal(p->entries[i].text, text);
}

static void
test_embeddable_layout(void **state)
{
	/* The shape of python311._pth in the Windows embeddable package. */
	static const char text[] = "python311.zip\r\n.\r\n\r\n# Uncomment to run site.main() automatically\r\n#import site\r\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(p.count, 2);
	assert_entry(&p, 0, DOTPTH_PATH, 1, "python311.zip");
	assert_entry(&p, 1, DOTPTH_PATH, 2, ".");
	assert_false(p.import_site);
	dotpth_free(&p);
}

static void
test_import_site(void **state)
{
	static const char text[] = "lib\n  import site  # enable\nimport  site\nimport sitecustomize\nimport\tsite\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_true(p.import_site);
	assert_int_equal(p.count, 5);
	assert_entry(&p, 0, DOTPTH_PATH, 1, "lib");
	assert_entry(&p, 1, DOTPTH_IMPORT_SITE, 2, "import site");
	/* Two spaces: not "import site", but starts with "import ". */
	assert_entry(&p, 2, DOTPTH_IMPORT_OTHER, 3, "import  site");
	assert_entry(&p, 3, DOTPTH_IMPORT_OTHER, 4, "import sitecustomize");
	/* A tab is not the space getpath.py looks for, so this is a path. */
	assert_entry(&p, 4, DOTPTH_PATH, 5, "import\tsite");
	dotpth_free(&p);
}

static void
test_comment_anywhere(void **state)
{
	static const char text[] = "a#b\n#c\n   # d\nx # y # z\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(p.count, 2);
	assert_entry(&p, 0, DOTPTH_PATH, 1, "a");
	assert_entry(&p, 1, DOTPTH_PATH, 4, "x");
	dotpth_free(&p);
}

static void
test_import_site_case(void **state)
{
	static const char text[] = "Import site\nIMPORT SITE\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_false(p.import_site);
	assert_entry(&p, 0, DOTPTH_PATH, 1, "Import site");
	assert_entry(&p, 1, DOTPTH_PATH, 2, "IMPORT SITE");
	dotpth_free(&p);
}

static void
test_only_newline_splits(void **state)
{
	/* getpath's readlines() splits on '\n' only; a lone '\r' stays inside. */
	static const char text[] = "a\rimport site\nb\r\r\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_false(p.import_site);
	assert_int_equal(p.count, 2);
	assert_entry(&p, 0, DOTPTH_PATH, 1, "a\rimport site");
	assert_entry(&p, 1, DOTPTH_PATH, 2, "b");
	dotpth_free(&p);
}

static void
test_bom_blocks_import_site(void **state)
{
	static const char text[] = "\xef\xbb\xbfimport site\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_false(p.import_site);
	assert_entry(&p, 0, DOTPTH_PATH, 1, "\xef\xbb\xbfimport site");
	dotpth_free(&p);
}

static void
test_nul_truncates(void **state)
{
	static const char text[] = "lib\nimport site\0\nhidden\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_true(p.truncated_at_nul);
	assert_true(p.bad_bytes);
	assert_true(p.import_site);
	assert_int_equal(p.count, 2);
	dotpth_free(&p);
}

static void
test_invalid_utf8_kept(void **state)
{
	static const char text[] = "dir\xff\n";
	struct dotpth p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_true(p.bad_bytes);
	assert_false(p.truncated_at_nul);
	assert_entry(&p, 0, DOTPTH_PATH, 1, "dir\xff");
	dotpth_free(&p);
}

static void
test_empty_and_blank(void **state)
{
	struct dotpth p = parse("", 0);

	(void)state;
	assert_int_equal(p.count, 0);
	assert_null(p.entries);
	dotpth_free(&p);
	p = parse(" \t\n\n\xe3\x80\x80\n", 7);
	assert_int_equal(p.count, 0);
	dotpth_free(&p);
}

static void
test_size_limits(void **state)
{
	size_t len = 2 * DOTPTH_MAX_ENTRIES + 2, i;
	char *big = malloc(len);
	struct dotpth p;

	(void)state;
	assert_non_null(big);
	for (i = 0; i + 1 < len; i += 2) {
		big[i] = 'a';
		big[i + 1] = '\n';
	}
	/* One entry more than the cap. */
	assert_int_equal(dotpth_parse((const uint8_t *)big, len, &p), -E2BIG);
	assert_int_equal(p.count, 0);
	assert_null(p.entries);

	p = parse(big, 2 * DOTPTH_MAX_ENTRIES);
	assert_int_equal(p.count, DOTPTH_MAX_ENTRIES);
	assert_true(p.over_getpath_limit);
	dotpth_free(&p);

	p = parse(big, DOTPTH_GETPATH_MAX_BYTES - 1);
	assert_false(p.over_getpath_limit);
	dotpth_free(&p);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embeddable_layout),
		cmocka_unit_test(test_import_site),
		cmocka_unit_test(test_comment_anywhere),
		cmocka_unit_test(test_import_site_case),
		cmocka_unit_test(test_only_newline_splits),
		cmocka_unit_test(test_bom_blocks_import_site),
		cmocka_unit_test(test_nul_truncates),
		cmocka_unit_test(test_invalid_utf8_kept),
		cmocka_unit_test(test_empty_and_blank),
		cmocka_unit_test(test_size_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
