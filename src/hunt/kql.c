#include "hunt/kql.h"

#include <errno.h>
#include <stdint.h>

#define TICKS_PER_MILLISECOND INT64_C(10000)
#define TICKS_PER_MINUTE (60 * KQL_TICKS_PER_SECOND)
#define TICKS_PER_HOUR (60 * TICKS_PER_MINUTE)
#define TICKS_PER_DAY (24 * TICKS_PER_HOUR)

/* Kusto datetimes run from 0001-01-01 to 9999-12-31T23:59:59.9999999. */
#define DATETIME_YEAR_MIN 1
#define DATETIME_YEAR_MAX 9999

/* Kusto datetimes carry 7 fraction digits, so the last digit counts ticks (100 ns). */
#define FRACTION_DIGITS_MAX 7

/* The maximum length of kql_format_datetime text, without its NUL. */
#define DATETIME_TEXT_MAX (sizeof("9999-12-31T23:59:59.9999999Z") - 1)
_Static_assert(KQL_DATETIME_MAX > DATETIME_TEXT_MAX, "KQL_DATETIME_MAX is too small");

static unsigned char
fold_ascii(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	return c;
}

/*
 * Returns true for the bytes that make up a Kusto term. The Kusto reference
 * ("String operators") defines a term as a maximal run of alphanumeric
 * characters but does not say whether non-ASCII letters count. Here every
 * byte of 0x80 and above is a separator, so a UTF-8 letter such as "é"
 * splits terms. A cluster that treats such letters as term characters
 * would match `has` less often than this function does.
 */
static bool
is_term_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Compares n bytes of a at offset off with b, folding ASCII letters. */
static bool
equal_ci_at(const char *a, size_t off, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fold_ascii((unsigned char)a[off + i]) != fold_ascii((unsigned char)b[i]))
			return false;
	}
	return true;
}

bool
kql_equals_ci(const char *l, size_t llen, const char *r, size_t rlen)
{
	return llen == rlen && equal_ci_at(l, 0, r, rlen);
}

bool
kql_endswith(const char *l, size_t llen, const char *r, size_t rlen)
{
	return rlen <= llen && equal_ci_at(l, llen - rlen, r, rlen);
}

bool
kql_contains(const char *l, size_t llen, const char *r, size_t rlen)
{
	size_t i;

	if (rlen > llen)
		return false;
	for (i = 0; i <= llen - rlen; i++) {
		if (equal_ci_at(l, i, r, rlen))
			return true;
	}
	return false;
}

bool
kql_has(const char *l, size_t llen, const char *r, size_t rlen)
{
	bool open_start, open_end;
	size_t i;

	if (rlen == 0 || rlen > llen)
		return false;

	/* An r that starts or ends with a separator needs no boundary on that side. */
	open_start = !is_term_byte((unsigned char)r[0]);
	open_end = !is_term_byte((unsigned char)r[rlen - 1]);
	for (i = 0; i <= llen - rlen; i++) {
		size_t end = i + rlen;

		if (!open_start && i > 0 && is_term_byte((unsigned char)l[i - 1]))
			continue;
		if (!open_end && end < llen && is_term_byte((unsigned char)l[end]))
			continue;
		if (equal_ci_at(l, i, r, rlen))
			return true;
	}
	return false;
}

/*
 * Calendar arithmetic on the proleptic Gregorian calendar, counting days
 * from 1970-01-01. The method shifts the year to start in March so that
 * the leap day falls last, then counts 400-year eras of 146097 days. It is
 * the "days_from_civil" method from Howard Hinnant's "chrono-Compatible
 * Low-Level Date Algorithms" (howardhinnant.github.io/date_algorithms.html).
 * Both functions assume years 1 to 10000, where every intermediate value
 * is non-negative.
 */
static int64_t
days_from_civil(int64_t year, int64_t month, int64_t day)
{
	int64_t era, year_of_era, day_of_year, day_of_era;
	int64_t march_month = (month + 9) % 12;

	if (month <= 2)
		year -= 1;
	era = year / 400;
	year_of_era = year - era * 400;
	day_of_year = (153 * march_month + 2) / 5 + day - 1;
	day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

static void
civil_from_days(int64_t days, int64_t *year, int64_t *month, int64_t *day)
{
	int64_t shifted = days + 719468;
	int64_t era = shifted / 146097;
	int64_t day_of_era = shifted - era * 146097;
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
	                       day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t march_month = (5 * day_of_year + 2) / 153;

	*day = day_of_year - (153 * march_month + 2) / 5 + 1;
	*month = march_month < 10 ? march_month + 3 : march_month - 9;
	*year = year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

static bool
is_leap_year(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int64_t
days_in_month(int64_t year, int64_t month)
{
	static const int64_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

static kql_ticks
datetime_min_ticks(void)
{
	return days_from_civil(DATETIME_YEAR_MIN, 1, 1) * TICKS_PER_DAY;
}

static kql_ticks
datetime_max_ticks(void)
{
	return days_from_civil(DATETIME_YEAR_MAX + 1, 1, 1) * TICKS_PER_DAY - 1;
}

/* A read position in text that is not NUL-terminated. */
struct cursor {
	const char *s;
	size_t len;
	size_t pos;
};

static bool
at_end(const struct cursor *c)
{
	return c->pos == c->len;
}

static bool
accept_byte(struct cursor *c, char want)
{
	if (at_end(c) || c->s[c->pos] != want)
		return false;
	c->pos++;
	return true;
}

static bool
accept_ci_word(struct cursor *c, const char *word, size_t n)
{
	if (c->len - c->pos < n || !equal_ci_at(c->s, c->pos, word, n))
		return false;
	c->pos += n;
	return true;
}

static size_t
skip_spaces(struct cursor *c)
{
	size_t start = c->pos;

	while (!at_end(c) && c->s[c->pos] == ' ')
		c->pos++;
	return c->pos - start;
}

/* Reads min to max decimal digits (max <= 9, so the value fits). */
static bool
read_digits(struct cursor *c, size_t min, size_t max, int64_t *value)
{
	size_t n = 0;

	*value = 0;
	while (n < max && !at_end(c) && is_digit(c->s[c->pos])) {
		*value = *value * 10 + (c->s[c->pos] - '0');
		c->pos++;
		n++;
	}
	return n >= min;
}

/*
 * Reads an optional ".fffffff" and returns it in ticks. A dot must be
 * followed by 1 to 7 digits, and an eighth digit fails the parse.
 */
static bool
read_fraction(struct cursor *c, int64_t *ticks)
{
	size_t start;
	size_t n;

	*ticks = 0;
	if (!accept_byte(c, '.'))
		return true;
	start = c->pos;
	if (!read_digits(c, 1, FRACTION_DIGITS_MAX, ticks))
		return false;
	if (!at_end(c) && is_digit(c->s[c->pos]))
		return false;
	for (n = c->pos - start; n < FRACTION_DIGITS_MAX; n++)
		*ticks *= 10;
	return true;
}

/* A broken-down UTC time, validated before it becomes ticks. */
struct civil_time {
	int64_t year, month, day;
	int64_t hour, minute, second;
	int64_t fraction_ticks;
};

/* Kusto ticks exclude leap seconds ("datetime data type"), so second 60 is invalid. */
static bool
civil_time_is_valid(const struct civil_time *t)
{
	if (t->year < DATETIME_YEAR_MIN || t->year > DATETIME_YEAR_MAX)
		return false;
	if (t->month < 1 || t->month > 12)
		return false;
	if (t->day < 1 || t->day > days_in_month(t->year, t->month))
		return false;
	return t->hour <= 23 && t->minute <= 59 && t->second <= 59;
}

static kql_ticks
civil_time_to_ticks(const struct civil_time *t)
{
	int64_t seconds = t->hour * 3600 + t->minute * 60 + t->second;

	return days_from_civil(t->year, t->month, t->day) * TICKS_PER_DAY +
	       seconds * KQL_TICKS_PER_SECOND + t->fraction_ticks;
}

/*
 * Reads the zone after an ISO time: 'Z', "+hh:mm", "-hh:mm" or nothing,
 * and returns the offset east of UTC in ticks.
 */
static bool
read_utc_offset(struct cursor *c, int64_t *offset)
{
	int64_t hours, minutes;
	int64_t sign;

	*offset = 0;
	if (at_end(c) || accept_byte(c, 'Z'))
		return true;
	if (accept_byte(c, '+'))
		sign = 1;
	else if (accept_byte(c, '-'))
		sign = -1;
	else
		return false;
	if (!read_digits(c, 2, 2, &hours) || !accept_byte(c, ':') ||
	    !read_digits(c, 2, 2, &minutes))
		return false;
	if (hours > 23 || minutes > 59)
		return false;
	*offset = sign * (hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE);
	return true;
}

/*
 * "2023-10-18T14:37:28.2012261Z", also with a space for the 'T'. The
 * seconds, or the whole time, may be left out ("2023-10-18T14:37",
 * "2023-10-18"), as the Kusto reference ("datetime data type") allows.
 */
static bool
parse_iso(struct cursor *c, kql_ticks *out)
{
	struct civil_time t = { 0 };
	int64_t offset = 0;
	kql_ticks local;

	if (!read_digits(c, 4, 4, &t.year) || !accept_byte(c, '-') ||
	    !read_digits(c, 2, 2, &t.month) || !accept_byte(c, '-') ||
	    !read_digits(c, 2, 2, &t.day))
		return false;
	if (!at_end(c)) {
		if (!accept_byte(c, 'T') && !accept_byte(c, ' '))
			return false;
		if (!read_digits(c, 2, 2, &t.hour) || !accept_byte(c, ':') ||
		    !read_digits(c, 2, 2, &t.minute))
			return false;
		if (accept_byte(c, ':') &&
		    (!read_digits(c, 2, 2, &t.second) || !read_fraction(c, &t.fraction_ticks)))
			return false;
		if (!read_utc_offset(c, &offset))
			return false;
	}
	if (!at_end(c) || !civil_time_is_valid(&t))
		return false;

	/* An offset can move a time at either end of the range out of it. */
	local = civil_time_to_ticks(&t);
	if (local - offset < datetime_min_ticks() || local - offset > datetime_max_ticks())
		return false;
	*out = local - offset;
	return true;
}

/*
 * "5/25/2023, 4:32:49.469 AM" as the Log Analytics portal writes it:
 * month/day/year, then a 12-hour clock where 12 AM is midnight and 12 PM
 * is noon.
 */
static bool
parse_us_portal(struct cursor *c, kql_ticks *out)
{
	struct civil_time t;
	bool pm;

	if (!read_digits(c, 1, 2, &t.month) || !accept_byte(c, '/') ||
	    !read_digits(c, 1, 2, &t.day) || !accept_byte(c, '/') ||
	    !read_digits(c, 4, 4, &t.year) || !accept_byte(c, ','))
		return false;
	if (skip_spaces(c) == 0)
		return false;
	if (!read_digits(c, 1, 2, &t.hour) || !accept_byte(c, ':') ||
	    !read_digits(c, 2, 2, &t.minute) || !accept_byte(c, ':') ||
	    !read_digits(c, 2, 2, &t.second) || !read_fraction(c, &t.fraction_ticks))
		return false;
	if (skip_spaces(c) == 0)
		return false;
	if (accept_ci_word(c, "PM", 2))
		pm = true;
	else if (accept_ci_word(c, "AM", 2))
		pm = false;
	else
		return false;
	if (!at_end(c) || t.hour < 1 || t.hour > 12)
		return false;

	if (t.hour == 12)
		t.hour = 0;
	if (pm)
		t.hour += 12;
	if (!civil_time_is_valid(&t))
		return false;
	*out = civil_time_to_ticks(&t);
	return true;
}

int
kql_parse_datetime(const char *s, size_t len, kql_ticks *out)
{
	struct cursor c = { s, len, 0 };
	size_t start;

	while (c.len > 0 && s[c.len - 1] == ' ')
		c.len--;
	skip_spaces(&c);
	start = c.pos;
	if (parse_iso(&c, out))
		return 0;
	c.pos = start;
	if (parse_us_portal(&c, out))
		return 0;
	return -EINVAL;
}

/* Writes value as exactly width decimal digits. */
static void
put_digits(char *buf, int64_t value, size_t width)
{
	while (width > 0) {
		buf[--width] = (char)('0' + value % 10);
		value /= 10;
	}
}

size_t
kql_format_datetime(kql_ticks t, char *buf, size_t size)
{
	int64_t days, ticks_of_day, seconds_of_day, fraction;
	int64_t year, month, day;
	size_t len = sizeof("yyyy-mm-ddThh:mm:ss") - 1;
	size_t fraction_len = FRACTION_DIGITS_MAX;

	if (size > 0)
		buf[0] = '\0';
	if (t < datetime_min_ticks() || t > datetime_max_ticks())
		return 0;

	/* Floor division, so that times before 1970 land on the right day. */
	days = t / TICKS_PER_DAY;
	ticks_of_day = t % TICKS_PER_DAY;
	if (ticks_of_day < 0) {
		days -= 1;
		ticks_of_day += TICKS_PER_DAY;
	}
	seconds_of_day = ticks_of_day / KQL_TICKS_PER_SECOND;
	fraction = ticks_of_day % KQL_TICKS_PER_SECOND;
	civil_from_days(days, &year, &month, &day);

	while (fraction != 0 && fraction % 10 == 0) {
		fraction /= 10;
		fraction_len--;
	}
	if (fraction != 0)
		len += 1 + fraction_len;
	len += 1;
	if (size < len + 1)
		return 0;

	put_digits(buf, year, 4);
	buf[4] = '-';
	put_digits(buf + 5, month, 2);
	buf[7] = '-';
	put_digits(buf + 8, day, 2);
	buf[10] = 'T';
	put_digits(buf + 11, seconds_of_day / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, seconds_of_day / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, seconds_of_day % 60, 2);
	if (fraction != 0) {
		buf[19] = '.';
		put_digits(buf + 20, fraction, fraction_len);
	}
	buf[len - 1] = 'Z';
	buf[len] = '\0';
	return len;
}

struct timespan_unit {
	const char *name;
	size_t len;
	int64_t ticks;
};

#define UNIT(name, ticks) { name, sizeof(name) - 1, ticks }

/* Kusto spells units in lowercase only, so "1H" is not a timespan. */
static const struct timespan_unit timespan_units[] = {
	UNIT("d", TICKS_PER_DAY),
	UNIT("day", TICKS_PER_DAY),
	UNIT("days", TICKS_PER_DAY),
	UNIT("h", TICKS_PER_HOUR),
	UNIT("hour", TICKS_PER_HOUR),
	UNIT("hours", TICKS_PER_HOUR),
	UNIT("m", TICKS_PER_MINUTE),
	UNIT("minute", TICKS_PER_MINUTE),
	UNIT("minutes", TICKS_PER_MINUTE),
	UNIT("s", KQL_TICKS_PER_SECOND),
	UNIT("second", KQL_TICKS_PER_SECOND),
	UNIT("seconds", KQL_TICKS_PER_SECOND),
	UNIT("ms", TICKS_PER_MILLISECOND),
	UNIT("millisecond", TICKS_PER_MILLISECOND),
	UNIT("milliseconds", TICKS_PER_MILLISECOND),
	UNIT("microsecond", 10),
	UNIT("microseconds", 10),
	UNIT("tick", 1),
	UNIT("ticks", 1),
};

static bool
find_timespan_unit(const char *s, size_t len, int64_t *ticks)
{
	size_t i;

	for (i = 0; i < sizeof(timespan_units) / sizeof(timespan_units[0]); i++) {
		const struct timespan_unit *u = &timespan_units[i];
		size_t k;

		if (u->len != len)
			continue;
		for (k = 0; k < len && s[k] == u->name[k]; k++)
			;
		if (k == len) {
			*ticks = u->ticks;
			return true;
		}
	}
	return false;
}

/*
 * Returns floor(unit * 0.d1d2...dn) for the fraction digits s[0..n),
 * exactly and for any n. Dividing by ten once per digit, from the last
 * digit to the first, gives the same floor as one division by 10^n.
 * Every intermediate value stays below 10 * unit, so nothing overflows.
 */
static int64_t
fraction_of_unit(const char *s, size_t n, int64_t unit)
{
	int64_t carry = 0;

	while (n > 0) {
		n--;
		carry = ((s[n] - '0') * unit + carry) / 10;
	}
	return carry;
}

int
kql_parse_timespan(const char *s, size_t len, kql_ticks *out)
{
	size_t pos = 0, fraction_start = 0, fraction_len = 0;
	int64_t whole = 0, unit, fraction;

	while (pos < len && is_digit(s[pos])) {
		int digit = s[pos] - '0';

		if (whole > (INT64_MAX - digit) / 10)
			return -EINVAL;
		whole = whole * 10 + digit;
		pos++;
	}
	if (pos == 0)
		return -EINVAL;
	if (pos < len && s[pos] == '.') {
		pos++;
		fraction_start = pos;
		while (pos < len && is_digit(s[pos]))
			pos++;
		fraction_len = pos - fraction_start;
		if (fraction_len == 0)
			return -EINVAL;
	}
	if (!find_timespan_unit(s + pos, len - pos, &unit))
		return -EINVAL;

	/*
	 * NOTE: a fraction finer than one tick ("0.5tick", "1.00000001s") is
	 * truncated toward zero. The Kusto reference does not say how it
	 * rounds such literals.
	 */
	fraction = fraction_len > 0 ? fraction_of_unit(s + fraction_start, fraction_len, unit) : 0;
	if (whole > INT64_MAX / unit || whole * unit > INT64_MAX - fraction)
		return -EINVAL;
	*out = whole * unit + fraction;
	return 0;
}
