#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hunt/kql.h"

#define TICKS_PER_DAY (INT64_C(86400) * KQL_TICKS_PER_SECOND)
#define TICKS_PER_HOUR (INT64_C(3600) * KQL_TICKS_PER_SECOND)

/* The first and last instants Kusto datetimes can hold. */
#define TICKS_0001 INT64_C(-621355968000000000)
#define TICKS_9999_END INT64_C(2534023007999999999)

struct operator_case {
	const char *l;
	const char *r;
	bool expected;
};

static void
check_operator(const char *name, bool (*op)(const char *, size_t, const char *, size_t),
               const struct operator_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct operator_case *c = &cases[i];
		bool got = op(c->l, strlen(c->l), c->r, strlen(c->r));

		if (got != c->expected)
			print_error("'%s' %s '%s': expected %d\n", c->l, name, c->r, c->expected);
		assert_int_equal(got, c->expected);
	}
}

#define CHECK_OPERATOR(name, op, cases) \
	check_operator(name, op, cases, sizeof(cases) / sizeof(cases[0]))

static void
has_matches_whole_terms(void **state)
{
	static const struct operator_case cases[] = {
		/* Windows installs: "Python311" and "Lib" are separate terms. */
		{ "C:\\Users\\x\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\site-packages",
		  "lib\\python", false },
		{ "C:\\Users\\x\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\site-packages",
		  "site-packages", true },
		{ "C:\\Python311\\Lib\\site-packages\\evil.pth", "lib\\site-packages", true },
		{ "C:\\Python311\\Lib\\site-packages\\evil.pth", "lib\\python", false },
		{ "C:\\Users\\u\\AppData\\Roaming\\Python\\Python311\\site-packages\\usercustomize.py",
		  "lib\\python", false },
		{ "C:\\Users\\u\\AppData\\Roaming\\Python\\Python311\\site-packages\\usercustomize.py",
		  "site-packages", true },
		/* Linux installs: "python3" is one term, so "lib/python" ends mid-term. */
		{ "/usr/lib/python3.11/site-packages/x.pth", "lib/python", false },
		{ "/usr/lib/python3.11/site-packages/x.pth", "site-packages", true },
		{ "/usr/lib/python3/dist-packages/x.pth", "dist-packages", true },
		{ "/usr/lib/python3/dist-packages/x.pth", "lib/python", false },
		{ "/home/u/.local/lib/python3.12/site-packages/usercustomize.py", "lib/python", false },
		{ "/opt/lib/python/x.pth", "lib/python", true },
		{ "/opt/lib/python", "lib/python", true },
		{ "/opt/mylib/python/x.pth", "lib/python", false },
		{ "lib/python", "lib/python", true },
		/* ASCII case folding on both sides. */
		{ "C:\\LIB\\PYTHON\\x.pth", "lib\\python", true },
		{ "C:\\lib\\python\\x.pth", "LIB\\PYTHON", true },
		{ "C:\\LIB\\PYTHON3\\x.pth", "lib\\python", false },
		/* Examples from the Kusto documentation. */
		{ "KustoExplorerQueryRun", "Explorer", false },
		{ "North America", "america", true },
		{ "North America", "amer", false },
		{ "North America", "North America", true },
		{ "North America", "th Am", false },
		/* Only ASCII letters and digits make terms, so '_' and '-' are both separators. */
		{ "a\\site_packages", "site-packages", false },
		{ "a\\site_packages", "site", true },
		{ "a\\site-packages", "packages", true },
		/* Registry keys as Defender writes them. */
		{ "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment",
		  "Environment", true },
		{ "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment",
		  "System\\CurrentControlSet", false },
		{ "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Control", "System\\CurrentControlSet", true },
		{ "HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Environment", "Environment", true },
		{ "HKEY_CURRENT_USER\\EnvironmentX", "Environment", false },
		{ "EnvironmentX", "Environment", false },
		{ "XEnvironment", "Environment", false },
		/* A right side that starts or ends with a separator needs no boundary there. */
		{ "xsite-packages", "-packages", true },
		{ "abc.pthx", ".pth", false },
		{ "abc.pth", ".pth", true },
		{ "ab/cd", "/", true },
		/* An occurrence that fails the boundary test does not hide a later one. */
		{ "python3 python", "python", true },
		{ "lib/python3/lib/python/x", "lib/python", true },
		/* Empty sides. */
		{ "abc", "", false },
		{ "", "", false },
		{ "", "a", false },
		{ "ab", "abc", false },
	};

	(void)state;
	CHECK_OPERATOR("has", kql_has, cases);
}

/*
 * kql_has treats bytes of 0x80 and above as separators, since the Kusto
 * reference does not say whether non-ASCII letters are alphanumeric. So
 * "é" (C3 A9) splits "caféx" into the terms "caf" and "x".
 */
static void
has_treats_non_ascii_as_separator(void **state)
{
	static const struct operator_case cases[] = {
		{ "caf\xc3\xa9x", "caf", true },
		{ "caf\xc3\xa9x", "x", true },
		{ "caf\xc3\xa9x", "caf\xc3\xa9x", true },
		{ "\xc3\xa9t\xc3\xa9", "t", true },
		{ "caf\xc3\xa9x", "cafe", false },
		{ "/home/J\xc3\xb6rg/lib/python/x.pth", "lib/python", true },
	};

	(void)state;
	CHECK_OPERATOR("has", kql_has, cases);
}

static void
contains_matches_substrings(void **state)
{
	static const struct operator_case cases[] = {
		{ "/usr/lib/python3.11/site-packages/x.pth", "lib/python", true },
		{ "/usr/lib/python3.11/site-packages/x.pth", "LIB/PYTHON", true },
		{ "KustoExplorerQueryRun", "explorer", true },
		{ "North America", "amer", true },
		{ "a\\site_packages", "site-packages", false },
		{ "abc", "", true },
		{ "", "", true },
		{ "", "a", false },
		{ "ab", "abc", false },
		{ "aab", "ab", true },
	};

	(void)state;
	CHECK_OPERATOR("contains", kql_contains, cases);
}

static void
endswith_tests_suffix(void **state)
{
	static const struct operator_case cases[] = {
		{ "evil.pth", ".pth", true },
		{ "EVIL.PTH", ".pth", true },
		{ "evil.pth", ".PTH", true },
		{ "evil.pth.bak", ".pth", false },
		{ "evil.pthx", ".pth", false },
		{ ".pth", ".pth", true },
		{ "pth", ".pth", false },
		{ "evil.pth", "", true },
		{ "", "", true },
		{ "", ".pth", false },
	};

	(void)state;
	CHECK_OPERATOR("endswith", kql_endswith, cases);
}

static void
equals_ci_folds_ascii_only(void **state)
{
	static const struct operator_case cases[] = {
		{ "sitecustomize.py", "sitecustomize.py", true },
		{ "SiteCustomize.PY", "sitecustomize.py", true },
		{ "sitecustomize.py", "sitecustomize.pyc", false },
		{ "sitecustomize.pyc", "sitecustomize.py", false },
		{ "PYTHONSTARTUP", "pythonstartup", true },
		{ "PYTHONSTARTUP ", "pythonstartup", false },
		{ "LIB\\PYTHON", "lib\\python", true },
		{ "", "", true },
		{ "", "a", false },
		/* "É" (C3 89) and "é" (C3 A9) differ because only ASCII letters fold. */
		{ "\xc3\x89", "\xc3\xa9", false },
		{ "caf\xc3\x89", "CAF\xc3\x89", true },
		/* '@' (0x40) and '`' (0x60) sit next to the letters but do not fold. */
		{ "@", "`", false },
		{ "[", "{", false },
	};

	(void)state;
	CHECK_OPERATOR("=~", kql_equals_ci, cases);
}

static void
case_folding_is_ascii_only(void **state)
{
	(void)state;
	assert_false(kql_contains("\xc3\x89t\xc3\xa9", 6, "\xc3\xa9t\xc3\xa9", 6));
	assert_false(kql_endswith("caf\xc3\x89", 5, "\xc3\xa9", 2));
	assert_false(kql_has("x \xc3\x89 y", 6, "\xc3\xa9", 2));
	assert_true(kql_has("x \xc3\xa9 y", 6, "\xc3\xa9", 2));
}

/* The lengths bound every read: bytes past them must not change results. */
static void
operators_stop_at_length(void **state)
{
	(void)state;
	assert_true(kql_has("site-packagesX", 13, "site-packages", 13));
	assert_false(kql_has("site-packages", 12, "site-packages", 13));
	assert_true(kql_has("lib/python3", 10, "lib/python", 10));
	assert_true(kql_equals_ci("site.pyc", 7, "SITE.PY", 7));
	assert_true(kql_endswith("x.pthx", 5, ".PTH", 4));
	assert_false(kql_contains("abc", 2, "bc", 2));
	assert_true(kql_contains(NULL, 0, NULL, 0));
	assert_false(kql_has(NULL, 0, NULL, 0));
	assert_true(kql_endswith(NULL, 0, NULL, 0));
	assert_true(kql_equals_ci(NULL, 0, NULL, 0));
}

struct datetime_case {
	const char *text;
	kql_ticks ticks;
};

/* Expected ticks were computed with CPython 3.11's datetime module. */
static const struct datetime_case valid_datetimes[] = {
	{ "2023-10-18T14:37:28.2012261Z", INT64_C(16976398482012261) },
	{ "2023-10-18T14:37:28.201226Z", INT64_C(16976398482012260) },
	{ "2023-10-18T14:37:28.2Z", INT64_C(16976398482000000) },
	{ "2023-10-18T14:37:28Z", INT64_C(16976398480000000) },
	{ "2023-10-18T14:37:28", INT64_C(16976398480000000) },
	{ "2023-10-18 14:37:28", INT64_C(16976398480000000) },
	{ "2023-10-18T14:37:28.0000000Z", INT64_C(16976398480000000) },
	{ "2023-10-18T14:37:28+00:00", INT64_C(16976398480000000) },
	{ "2023-10-18T14:37:28-00:00", INT64_C(16976398480000000) },
	{ "2023-10-18T14:37:28-05:30", INT64_C(16976596480000000) },
	{ "2023-10-18T14:37:28+05:30", INT64_C(16976200480000000) },
	{ "  2023-10-18T14:37:28Z  ", INT64_C(16976398480000000) },
	/* Forms without seconds or time, from the Kusto datetime reference. */
	{ "2023-10-18T14:37", INT64_C(16976398480000000) - 28 * KQL_TICKS_PER_SECOND },
	{ "2023-10-18 14:37Z", INT64_C(16976398480000000) - 28 * KQL_TICKS_PER_SECOND },
	{ "2023-10-18T14:37+01:00", INT64_C(16976398480000000) - 28 * KQL_TICKS_PER_SECOND - TICKS_PER_HOUR },
	{ "2023-10-18", INT64_C(16975872000000000) },
	{ "2023-10-18 ", INT64_C(16975872000000000) },
	{ "2024-02-29T23:59:59.9999999Z", INT64_C(17092511999999999) },
	{ "2000-02-29T00:00:00Z", INT64_C(9517824000000000) },
	{ "1900-03-01T00:00:00Z", INT64_C(-22038912000000000) },
	{ "1970-01-01T00:00:00Z", 0 },
	{ "1970-01-01T00:00:00.0000001Z", 1 },
	{ "1969-12-31T23:59:59.9999999Z", -1 },
	{ "0001-01-01T00:00:00Z", TICKS_0001 },
	{ "9999-12-31T23:59:59.9999999Z", TICKS_9999_END },
	/* The Log Analytics portal's US form. */
	{ "5/25/2023, 4:32:49.469 AM", INT64_C(16849891694690000) },
	{ "5/25/2023, 4:32:49.469 PM", INT64_C(16849891694690000) + 12 * TICKS_PER_HOUR },
	{ "05/25/2023, 04:32:49.469 AM", INT64_C(16849891694690000) },
	{ "5/25/2023, 4:32:49.4690000 AM", INT64_C(16849891694690000) },
	{ "5/25/2023, 4:32:49.4690001 AM", INT64_C(16849891694690001) },
	{ "5/25/2023, 4:32:49 AM", INT64_C(16849891690000000) },
	{ "12/31/2023, 12:00:00 AM", INT64_C(17039808000000000) },
	{ "12/31/2023, 12:00:00 PM", INT64_C(17040240000000000) },
	{ "12/31/2023, 11:59:59 PM", INT64_C(17039808000000000) + TICKS_PER_DAY - KQL_TICKS_PER_SECOND },
	{ "2/29/2024, 1:00:00 am", INT64_C(17091648000000000) + TICKS_PER_HOUR },
	{ " 12/31/2023, 12:00:00 AM ", INT64_C(17039808000000000) },
};

static void
datetime_parses_valid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_datetimes) / sizeof(valid_datetimes[0]); i++) {
		const struct datetime_case *c = &valid_datetimes[i];
		kql_ticks got = INT64_MIN;
		int rc = kql_parse_datetime(c->text, strlen(c->text), &got);

		if (rc != 0 || got != c->ticks)
			print_error("datetime '%s'\n", c->text);
		assert_int_equal(rc, 0);
		assert_int_equal(got, c->ticks);
	}
}

static void
datetime_rejects_invalid(void **state)
{
	static const char *const cases[] = {
		"",
		"   ",
		"2023-10-18T",
		"2023-10-18Z",
		"2023-10-18T14",
		"2023-10-18T14:",
		"2023-10-18T14:37:",
		"2023-10-18T14:37.5",
		"2023-10-18T14:37:28.",
		"2023-10-18T14:37:28.20122612Z",
		"2023-10-18T14:37:28Zjunk",
		"2023-10-18T14:37:28Z Z",
		"2023-10-18T14:37:28 Z",
		"2023-10-18t14:37:28z",
		"2023-10-18X14:37:28Z",
		"2023-10-18T14:37:28+05",
		"2023-10-18T14:37:28+0530",
		"2023-10-18T14:37:28+24:00",
		"2023-10-18T14:37:28+05:60",
		"2023-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z",
		"2024-02-30T00:00:00Z",
		"2023-04-31T00:00:00Z",
		"2023-13-01T00:00:00Z",
		"2023-00-01T00:00:00Z",
		"2023-01-00T00:00:00Z",
		"2023-01-32T00:00:00Z",
		"2023-10-18T24:00:00Z",
		"2023-10-18T23:60:00Z",
		"2016-12-31T23:59:60Z",
		"0000-12-31T00:00:00Z",
		"10000-01-01T00:00:00Z",
		"-2023-10-18T14:37:28Z",
		"+2023-10-18T14:37:28Z",
		"2023-1-18T14:37:28Z",
		"2023-10-8T14:37:28Z",
		"2023-10-18T4:37:28Z",
		"2023-10-18T14:37:28.-1Z",
		/* An offset that moves the time out of 0001..9999. */
		"0001-01-01T00:00:00+00:01",
		"9999-12-31T23:59:59-00:01",
		/* US portal form. */
		"5/25/2023, 4:32:49.469",
		"5/25/2023 4:32:49.469 AM",
		"5/25/2023,4:32:49.469 AM",
		"5/25/2023, 4:32:49.469AM",
		"5/25/2023, 4:32:49.46912345 AM",
		"5/25/2023, 0:32:49 AM",
		"5/25/2023, 13:32:49 PM",
		"5/25/2023, 4:60:49 AM",
		"5/25/2023, 4:32:60 AM",
		"5/25/2023, 4:32 AM",
		"5/25/2023, 4:32:49 XM",
		"5/25/2023, 4:32:49 AMX",
		"2/29/2023, 4:32:49 AM",
		"13/25/2023, 4:32:49 AM",
		"5/32/2023, 4:32:49 AM",
		"5/25/23, 4:32:49 AM",
		"123/25/2023, 4:32:49 AM",
		"5/25/0000, 4:32:49 AM",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kql_ticks got = 12345;
		int rc = kql_parse_datetime(cases[i], strlen(cases[i]), &got);

		if (rc != -EINVAL)
			print_error("datetime '%s' was accepted\n", cases[i]);
		assert_int_equal(rc, -EINVAL);
	}
}

static void
datetime_stops_at_length(void **state)
{
	kql_ticks got = 0;

	(void)state;
	assert_int_equal(kql_parse_datetime("2023-10-18T14:37:28Zjunk", 20, &got), 0);
	assert_int_equal(got, INT64_C(16976398480000000));
	assert_int_equal(kql_parse_datetime("2023-10-18T14:37:28.5", 19, &got), 0);
	assert_int_equal(got, INT64_C(16976398480000000));
	assert_int_equal(kql_parse_datetime("2023-10-18T14:37:2", 18, &got), -EINVAL);
	assert_int_equal(kql_parse_datetime(NULL, 0, &got), -EINVAL);
}

static void
datetime_formats_kusto_text(void **state)
{
	static const struct datetime_case cases[] = {
		{ "2023-10-18T14:37:28.2012261Z", INT64_C(16976398482012261) },
		{ "2023-10-18T14:37:28.201226Z", INT64_C(16976398482012260) },
		{ "2023-10-18T14:37:28.2Z", INT64_C(16976398482000000) },
		{ "2023-10-18T14:37:28Z", INT64_C(16976398480000000) },
		{ "2023-05-25T04:32:49.469Z", INT64_C(16849891694690000) },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01T00:00:00.0000001Z", 1 },
		{ "1969-12-31T23:59:59.9999999Z", -1 },
		{ "1969-12-31T23:59:59Z", -KQL_TICKS_PER_SECOND },
		{ "1969-12-31T00:00:00Z", -TICKS_PER_DAY },
		{ "1969-12-30T23:59:59.9999999Z", -TICKS_PER_DAY - 1 },
		{ "1900-03-01T00:00:00Z", INT64_C(-22038912000000000) },
		{ "2024-02-29T23:59:59.9999999Z", INT64_C(17092511999999999) },
		{ "0001-01-01T00:00:00Z", TICKS_0001 },
		{ "0001-01-01T00:00:00.0000001Z", TICKS_0001 + 1 },
		{ "9999-12-31T23:59:59.9999999Z", TICKS_9999_END },
		{ "9999-12-31T00:00:00Z", TICKS_9999_END + 1 - TICKS_PER_DAY },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[KQL_DATETIME_MAX];
		size_t n = kql_format_datetime(cases[i].ticks, buf, sizeof(buf));

		assert_int_equal(n, strlen(cases[i].text));
		assert_string_equal(buf, cases[i].text);
	}
}

static void
datetime_format_rejects_out_of_range(void **state)
{
	char buf[KQL_DATETIME_MAX];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(kql_format_datetime(TICKS_0001 - 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(kql_format_datetime(TICKS_9999_END + 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(kql_format_datetime(INT64_MIN, buf, sizeof(buf)), 0);
	assert_int_equal(kql_format_datetime(INT64_MAX, buf, sizeof(buf)), 0);
}

static void
datetime_format_needs_room(void **state)
{
	char buf[KQL_DATETIME_MAX];

	(void)state;
	/* "1970-01-01T00:00:00Z" is 20 bytes and needs 21 with its NUL. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(kql_format_datetime(0, buf, 20), 0);
	assert_string_equal(buf, "");
	assert_int_equal(kql_format_datetime(0, buf, 21), 20);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(kql_format_datetime(1, buf, 28), 0);
	assert_int_equal(kql_format_datetime(1, buf, 29), 28);
	assert_string_equal(buf, "1970-01-01T00:00:00.0000001Z");
	assert_int_equal(kql_format_datetime(0, NULL, 0), 0);
}

static void
datetime_round_trips(void **state)
{
	static const kql_ticks samples[] = {
		0, 1, -1, 9, 10, -10, KQL_TICKS_PER_SECOND - 1, -KQL_TICKS_PER_SECOND + 1,
		TICKS_PER_DAY, -TICKS_PER_DAY, TICKS_PER_DAY - 1, -TICKS_PER_DAY + 1,
		TICKS_0001, TICKS_0001 + 1, TICKS_0001 + TICKS_PER_DAY - 1,
		TICKS_9999_END, TICKS_9999_END - 1, TICKS_9999_END - TICKS_PER_DAY,
		INT64_C(16976398482012261), INT64_C(-22038912000000001), INT64_C(951782399999999),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char buf[KQL_DATETIME_MAX];
		kql_ticks back = 0;
		size_t n = kql_format_datetime(samples[i], buf, sizeof(buf));

		assert_true(n > 0);
		assert_int_equal(kql_parse_datetime(buf, n, &back), 0);
		assert_int_equal(back, samples[i]);
	}
}

static int64_t
test_days_in_month(int64_t year, int64_t month)
{
	static const int64_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/*
 * Walks every day from 0001-01-01 to 9999-12-31 with a plain calendar
 * counter: each midnight must parse to exactly one day after the previous
 * one and format back to the same text.
 */
static void
datetime_every_day_is_one_day_apart(void **state)
{
	int64_t year, month, day;
	kql_ticks expected = TICKS_0001;

	(void)state;
	for (year = 1; year <= 9999; year++) {
		for (month = 1; month <= 12; month++) {
			for (day = 1; day <= test_days_in_month(year, month); day++) {
				char text[] = "0000-00-00T00:00:00Z";
				char buf[KQL_DATETIME_MAX];
				kql_ticks got = 0;

				text[0] = (char)('0' + year / 1000);
				text[1] = (char)('0' + year / 100 % 10);
				text[2] = (char)('0' + year / 10 % 10);
				text[3] = (char)('0' + year % 10);
				text[5] = (char)('0' + month / 10);
				text[6] = (char)('0' + month % 10);
				text[8] = (char)('0' + day / 10);
				text[9] = (char)('0' + day % 10);
				assert_int_equal(kql_parse_datetime(text, sizeof(text) - 1, &got), 0);
				assert_int_equal(got, expected);
				assert_int_equal(kql_format_datetime(got, buf, sizeof(buf)), sizeof(text) - 1);
				assert_string_equal(buf, text);
				expected += TICKS_PER_DAY;
			}
		}
	}
	assert_int_equal(expected, TICKS_9999_END + 1);
}

struct timespan_case {
	const char *text;
	kql_ticks ticks;
};

static void
timespan_parses_valid(void **state)
{
	static const struct timespan_case cases[] = {
		{ "24h", 24 * TICKS_PER_HOUR },
		{ "1.5h", INT64_C(5400) * KQL_TICKS_PER_SECOND },
		{ "30m", INT64_C(1800) * KQL_TICKS_PER_SECOND },
		{ "7d", 7 * TICKS_PER_DAY },
		{ "10s", 10 * KQL_TICKS_PER_SECOND },
		{ "0.1s", KQL_TICKS_PER_SECOND / 10 },
		{ "100ms", KQL_TICKS_PER_SECOND / 10 },
		{ "10microsecond", 100 },
		{ "10microseconds", 100 },
		{ "1tick", 1 },
		{ "5ticks", 5 },
		{ "2day", 2 * TICKS_PER_DAY },
		{ "2days", 2 * TICKS_PER_DAY },
		{ "1hour", TICKS_PER_HOUR },
		{ "3hours", 3 * TICKS_PER_HOUR },
		{ "1minute", 60 * KQL_TICKS_PER_SECOND },
		{ "2minutes", 120 * KQL_TICKS_PER_SECOND },
		{ "1second", KQL_TICKS_PER_SECOND },
		{ "2seconds", 2 * KQL_TICKS_PER_SECOND },
		{ "1millisecond", 10000 },
		{ "2milliseconds", 20000 },
		{ "0d", 0 },
		{ "0.0h", 0 },
		{ "007h", 7 * TICKS_PER_HOUR },
		{ "1.25h", 75 * INT64_C(60) * KQL_TICKS_PER_SECOND },
		{ "0.0000001s", 1 },
		/* Fractions finer than a tick are truncated toward zero. */
		{ "0.00000019s", 1 },
		{ "0.5tick", 0 },
		{ "1.9999999999999999999999999tick", 1 },
		{ "9223372036854775807tick", INT64_MAX },
		{ "10675199d", INT64_C(9223371936000000000) },
		{ "10675199.11d", INT64_C(9223372031040000000) },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kql_ticks got = INT64_MIN;
		int rc = kql_parse_timespan(cases[i].text, strlen(cases[i].text), &got);

		if (rc != 0 || got != cases[i].ticks)
			print_error("timespan '%s'\n", cases[i].text);
		assert_int_equal(rc, 0);
		assert_int_equal(got, cases[i].ticks);
	}
}

static void
timespan_rejects_invalid(void **state)
{
	static const char *const cases[] = {
		"",
		"h",
		"1",
		"1x",
		"-1h",
		"+1h",
		"1.h",
		".5h",
		"1..5h",
		"1.5.5h",
		"1 h",
		" 1h",
		"1h ",
		"1H",
		"1D",
		"1Ms",
		"1mS",
		"1hr",
		"1min",
		"1sec",
		"1hh",
		"1microsec",
		"1e3s",
		"0x10s",
		"9223372036854775808tick",
		"99999999999999999999999tick",
		"10675200d",
		"10675199.12d",
		"9223372036854775807ms",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kql_ticks got = 12345;
		int rc = kql_parse_timespan(cases[i], strlen(cases[i]), &got);

		if (rc != -EINVAL)
			print_error("timespan '%s' was accepted\n", cases[i]);
		assert_int_equal(rc, -EINVAL);
		assert_int_equal(got, 12345);
	}
}

static void
timespan_stops_at_length(void **state)
{
	kql_ticks got = 0;

	(void)state;
	assert_int_equal(kql_parse_timespan("24hours", 3, &got), 0);
	assert_int_equal(got, 24 * TICKS_PER_HOUR);
	assert_int_equal(kql_parse_timespan("100ms", 4, &got), 0);
	assert_int_equal(got, 100 * INT64_C(60) * KQL_TICKS_PER_SECOND);
	assert_int_equal(kql_parse_timespan("1.5h", 2, &got), -EINVAL);
	assert_int_equal(kql_parse_timespan(NULL, 0, &got), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(has_matches_whole_terms),
		cmocka_unit_test(has_treats_non_ascii_as_separator),
		cmocka_unit_test(contains_matches_substrings),
		cmocka_unit_test(endswith_tests_suffix),
		cmocka_unit_test(equals_ci_folds_ascii_only),
		cmocka_unit_test(case_folding_is_ascii_only),
		cmocka_unit_test(operators_stop_at_length),
		cmocka_unit_test(datetime_parses_valid),
		cmocka_unit_test(datetime_rejects_invalid),
		cmocka_unit_test(datetime_stops_at_length),
		cmocka_unit_test(datetime_formats_kusto_text),
		cmocka_unit_test(datetime_format_rejects_out_of_range),
		cmocka_unit_test(datetime_format_needs_room),
		cmocka_unit_test(datetime_round_trips),
		cmocka_unit_test(datetime_every_day_is_one_day_apart),
		cmocka_unit_test(timespan_parses_valid),
		cmocka_unit_test(timespan_rejects_invalid),
		cmocka_unit_test(timespan_stops_at_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
