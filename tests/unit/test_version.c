/* Unit tests for python/version: the per-release rule table and version text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "python/version.h"

#define A 0xA
#define B 0xB
#define RC 0xC

#define LOCALE PTH_DECODE_LOCALE_STREAM
#define SIG    PTH_DECODE_UTF8_SIG

struct rules_case {
	const char *name;
	uint32_t version;
	bool skip_hidden;
	bool split_all_breaks;
	bool start_files;
	enum pth_decode decode;
};

static const struct rules_case rules_cases[] = {
	{"2.7.18 bytes", PYVER(2, 7, 18), false, false, false, PTH_DECODE_BYTES},
	{"3.0.1 locale stream", PYVER(3, 0, 1), false, false, false, LOCALE},
	{"3.6.15 no hidden rule", PYVER(3, 6, 15), false, false, false, LOCALE},
	{"3.7.17 never skips hidden", PYVER(3, 7, 17), false, false, false, LOCALE},
	{"3.8.18 reads hidden", PYVER(3, 8, 18), false, false, false, LOCALE},
	{"3.8.19 skips hidden", PYVER(3, 8, 19), true, false, false, LOCALE},
	{"3.9.0 reads hidden", PYVER(3, 9, 0), false, false, false, LOCALE},
	{"3.9.18 reads hidden", PYVER(3, 9, 18), false, false, false, LOCALE},
	{"3.9.19 skips hidden", PYVER(3, 9, 19), true, false, false, LOCALE},
	{"3.10.13 reads hidden", PYVER(3, 10, 13), false, false, false, LOCALE},
	{"3.10.14 skips hidden", PYVER(3, 10, 14), true, false, false, LOCALE},
	{"3.11.2 reads hidden", PYVER(3, 11, 2), false, false, false, LOCALE},
	{"3.11.7 reads hidden", PYVER(3, 11, 7), false, false, false, LOCALE},
	{"3.11.8 skips hidden", PYVER(3, 11, 8), true, false, false, LOCALE},
	{"3.12.0a1 reads hidden", PYVER_PRE(3, 12, 0, A, 1), false, false, false, LOCALE},
	{"3.12.1 reads hidden", PYVER(3, 12, 1), false, false, false, LOCALE},
	{"3.12.2 skips hidden", PYVER(3, 12, 2), true, false, false, LOCALE},
	{"3.12.3 universal newlines", PYVER(3, 12, 3), true, false, false, LOCALE},
	{"3.12.4 splitlines utf-8-sig", PYVER(3, 12, 4), true, true, false, SIG},
	{"3.12.9 splitlines utf-8-sig", PYVER(3, 12, 9), true, true, false, SIG},
	{"3.13.0a1 reads hidden", PYVER_PRE(3, 13, 0, A, 1), false, false, false, LOCALE},
	{"3.13.0a2 reads hidden", PYVER_PRE(3, 13, 0, A, 2), false, false, false, LOCALE},
	{"3.13.0a3 skips hidden", PYVER_PRE(3, 13, 0, A, 3), true, false, false, LOCALE},
	{"3.13.0a6 locale stream", PYVER_PRE(3, 13, 0, A, 6), true, false, false, LOCALE},
	{"3.13.0b1 plain utf-8", PYVER_PRE(3, 13, 0, B, 1), true, true, false, PTH_DECODE_UTF8},
	{"3.13.0b2 utf-8-sig", PYVER_PRE(3, 13, 0, B, 2), true, true, false, SIG},
	{"3.13.0rc2 utf-8-sig", PYVER_PRE(3, 13, 0, RC, 2), true, true, false, SIG},
	{"3.13.0 final", PYVER(3, 13, 0), true, true, false, SIG},
	{"3.14.0 like 3.13", PYVER(3, 14, 0), true, true, false, SIG},
	{"3.14.255 no start files", PYVER(3, 14, 255), true, true, false, SIG},
	{"3.15.0a1 start files", PYVER_PRE(3, 15, 0, A, 1), true, true, true, SIG},
	{"3.20.0 start files", PYVER(3, 20, 0), true, true, true, SIG},
	{"level below alpha", PYVER_PRE(3, 9, 0, 0, 0), false, false, false, LOCALE},
};

static void
test_rules_for_release(void **state)
{
	const struct rules_case *c = *state;
	struct pth_rules r;

	pth_rules_for(c->version, &r);
	assert_int_equal(r.skip_hidden, c->skip_hidden);
	assert_int_equal(r.split_all_breaks, c->split_all_breaks);
	assert_int_equal(r.start_files, c->start_files);
	assert_int_equal(r.decode, c->decode);
}

struct parse_case {
	const char *text;
	int rc;
	uint32_t lo, hi;
};

static const struct parse_case parse_cases[] = {
	{"3", 0, PYVER_PRE(3, 0, 0, A, 0), PYVER(3, 255, 255)},
	{"2.7", 0, PYVER_PRE(2, 7, 0, A, 0), PYVER(2, 7, 255)},
	{"3.11", 0, PYVER_PRE(3, 11, 0, A, 0), PYVER(3, 11, 255)},
	{"3.11.7", 0, PYVER(3, 11, 7), PYVER(3, 11, 7)},
	{"3.13.0", 0, PYVER(3, 13, 0), PYVER(3, 13, 0)},
	{"3.13.0a3", 0, PYVER_PRE(3, 13, 0, A, 3), PYVER_PRE(3, 13, 0, A, 3)},
	{"3.13.0b1", 0, PYVER_PRE(3, 13, 0, B, 1), PYVER_PRE(3, 13, 0, B, 1)},
	{"3.13.0rc2", 0, PYVER_PRE(3, 13, 0, RC, 2), PYVER_PRE(3, 13, 0, RC, 2)},
	{"3.13.0c2", 0, PYVER_PRE(3, 13, 0, RC, 2), PYVER_PRE(3, 13, 0, RC, 2)},
	{"3.13.0b", 0, PYVER_PRE(3, 13, 0, B, 0), PYVER_PRE(3, 13, 0, B, 15)},
	{"3.255.255", 0, PYVER(3, 255, 255), PYVER(3, 255, 255)},
	{"", -EINVAL, 0, 0},
	{"0.1", -EINVAL, 0, 0},
	{"3.", -EINVAL, 0, 0},
	{"3..1", -EINVAL, 0, 0},
	{".3", -EINVAL, 0, 0},
	{"3.256", -EINVAL, 0, 0},
	{"3.0011", -EINVAL, 0, 0},
	{"3.11.7.1", -EINVAL, 0, 0},
	{"3.11.7+", -EINVAL, 0, 0},
	{"3.11.7 ", -EINVAL, 0, 0},
	{"3.13.0b16", -EINVAL, 0, 0},
	{"3.13.0d1", -EINVAL, 0, 0},
	{"3.13.0r1", -EINVAL, 0, 0},
	{"3.13.0b1x", -EINVAL, 0, 0},
	{"-3", -EINVAL, 0, 0},
	{"python3", -EINVAL, 0, 0},
};

static void
test_pyver_parse_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		uint32_t lo = 1, hi = 1;
		int rc = pyver_parse(c->text, strlen(c->text), &lo, &hi);

		if (rc != c->rc || (rc == 0 && (lo != c->lo || hi != c->hi)))
			print_message("pyver_parse(\"%s\") is wrong\n", c->text);
		assert_int_equal(rc, c->rc);
		if (c->rc != 0)
			continue;
		assert_int_equal(lo, c->lo);
		assert_int_equal(hi, c->hi);
	}
}

/* The length argument bounds the parse: no NUL is needed or read. */
static void
test_pyver_parse_length_bound(void **state)
{
	static const char text[] = {'3', '.', '1', '1', '.', '7', 'x'};
	uint32_t lo, hi;

	assert_int_equal(pyver_parse(text, 6, &lo, &hi), 0);
	assert_int_equal(lo, PYVER(3, 11, 7));
	assert_int_equal(hi, PYVER(3, 11, 7));
	assert_int_equal(pyver_parse(text, sizeof(text), &lo, &hi), -EINVAL);
}

struct format_case {
	uint32_t version;
	const char *text;
};

static const struct format_case format_cases[] = {
	{PYVER(2, 7, 18), "2.7.18"},
	{PYVER(3, 11, 7), "3.11.7"},
	{PYVER_PRE(3, 13, 0, A, 3), "3.13.0a3"},
	{PYVER_PRE(3, 13, 0, B, 1), "3.13.0b1"},
	{PYVER_PRE(3, 13, 0, RC, 2), "3.13.0rc2"},
	{PYVER_PRE(255, 255, 255, RC, 15), "255.255.255rc15"},
};

static void
test_pyver_format_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
		char buf[16];
		uint32_t lo, hi;

		assert_string_equal(pyver_format(format_cases[i].version, buf, sizeof(buf)),
				    format_cases[i].text);
		assert_int_equal(pyver_parse(buf, strlen(buf), &lo, &hi), 0);
		assert_int_equal(lo, format_cases[i].version);
	}
}

static void
test_pyver_format_short_buffer(void **state)
{
	char buf[6];

	memset(buf, 'x', sizeof(buf));
	assert_ptr_equal(pyver_format(PYVER(3, 11, 7), buf, sizeof(buf)), buf);
	assert_string_equal(buf, "");
	assert_string_equal(pyver_format(PYVER(3, 1, 2), buf, sizeof(buf)), "3.1.2");
}

/* Parses text into a range and returns how many distinct rule sets it spans. */
static size_t
rules_in(const char *text, struct pth_rules *out, uint32_t *examples, size_t max)
{
	uint32_t lo, hi;

	assert_int_equal(pyver_parse(text, strlen(text), &lo, &hi), 0);
	return pth_rules_in_range(lo, hi, out, examples, max);
}

static void
test_range_exact_release(void **state)
{
	struct pth_rules out[16], want;
	uint32_t ex[16];

	assert_int_equal(rules_in("3.13.0", out, ex, 16), 1);
	pth_rules_for(PYVER(3, 13, 0), &want);
	assert_true(pth_rules_equal(&out[0], &want));
	assert_int_equal(ex[0], PYVER(3, 13, 0));
}

static void
test_range_311_two_sets(void **state)
{
	struct pth_rules out[16];
	uint32_t ex[16];

	assert_int_equal(rules_in("3.11", out, ex, 16), 2);
	assert_false(out[0].skip_hidden);
	assert_int_equal(ex[0], PYVER_PRE(3, 11, 0, A, 0));
	assert_true(out[1].skip_hidden);
	assert_int_equal(ex[1], PYVER_PRE(3, 11, 8, A, 0));
}

static void
test_range_312_three_sets(void **state)
{
	struct pth_rules out[16];
	uint32_t ex[16];

	assert_int_equal(rules_in("3.12", out, ex, 16), 3);
	assert_int_equal(ex[0], PYVER_PRE(3, 12, 0, A, 0));
	assert_int_equal(ex[1], PYVER_PRE(3, 12, 2, A, 0));
	assert_int_equal(ex[2], PYVER_PRE(3, 12, 4, A, 0));
	assert_true(out[2].split_all_breaks);
	assert_int_equal(out[2].decode, SIG);
}

static void
test_range_313_four_sets(void **state)
{
	struct pth_rules out[16];
	uint32_t ex[16];

	assert_int_equal(rules_in("3.13", out, ex, 16), 4);
	assert_int_equal(ex[0], PYVER_PRE(3, 13, 0, A, 0));
	assert_int_equal(ex[1], PYVER_PRE(3, 13, 0, A, 3));
	assert_int_equal(ex[2], PYVER_PRE(3, 13, 0, B, 1));
	assert_int_equal(out[2].decode, PTH_DECODE_UTF8);
	assert_int_equal(ex[3], PYVER_PRE(3, 13, 0, B, 2));
	assert_int_equal(out[3].decode, SIG);
}

/* Every range yields sets that are distinct and agree with pth_rules_for(). */
static void
test_range_everything(void **state)
{
	struct pth_rules out[16], r;
	uint32_t ex[16];
	size_t n, i, j;

	n = pth_rules_in_range(PYVER_ANY_LO, PYVER_ANY_HI, out, ex, 16);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		pth_rules_for(ex[i], &r);
		assert_true(pth_rules_equal(&r, &out[i]));
		for (j = 0; j < i; j++)
			assert_false(pth_rules_equal(&out[i], &out[j]));
	}
	assert_int_equal(out[0].decode, PTH_DECODE_BYTES);
	assert_true(out[n - 1].start_files);
}

static void
test_range_cap_and_empty(void **state)
{
	struct pth_rules out[2];

	assert_int_equal(pth_rules_in_range(PYVER_ANY_LO, PYVER_ANY_HI, out, NULL, 2), 2);
	assert_int_equal(pth_rules_in_range(PYVER(3, 12, 0), PYVER(3, 11, 0), out, NULL, 2), 0);
	assert_int_equal(pth_rules_in_range(PYVER_ANY_LO, PYVER_ANY_HI, out, NULL, 0), 0);
}

int
main(void)
{
	enum { NRULES = sizeof(rules_cases) / sizeof(rules_cases[0]) };
	struct CMUnitTest rules_tests[NRULES];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pyver_parse_table),
		cmocka_unit_test(test_pyver_parse_length_bound),
		cmocka_unit_test(test_pyver_format_table),
		cmocka_unit_test(test_pyver_format_short_buffer),
		cmocka_unit_test(test_range_exact_release),
		cmocka_unit_test(test_range_311_two_sets),
		cmocka_unit_test(test_range_312_three_sets),
		cmocka_unit_test(test_range_313_four_sets),
		cmocka_unit_test(test_range_everything),
		cmocka_unit_test(test_range_cap_and_empty),
	};
	size_t i;
	int failed;

	for (i = 0; i < NRULES; i++) {
		rules_tests[i] = (struct CMUnitTest){
			.name = rules_cases[i].name,
			.test_func = test_rules_for_release,
			.initial_state = (void *)(uintptr_t)&rules_cases[i],
		};
	}
	failed = _cmocka_run_group_tests("pth_rules_for", rules_tests, NRULES, NULL, NULL);
	failed += cmocka_run_group_tests_name("version", tests, NULL, NULL);
	return failed != 0;
}
