/*
 * kql: the Kusto (KQL) operator semantics that the published detection
 * uses, reproduced for offline evaluation, plus Kusto datetime and timespan
 * values.
 *
 * Sources: the Kusto query language reference (learn.microsoft.com,
 * "String operators", "has operator", "in operator", "datetime", "timespan").
 * Case-insensitive operators fold ASCII letters only, as Kusto documents.
 * Every function takes (pointer, length) pairs and never reads past them;
 * none allocates.
 */
#ifndef SITEHOUND_HUNT_KQL_H
#define SITEHOUND_HUNT_KQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kusto datetimes are 100-nanosecond ticks; ours count from the Unix epoch. */
typedef int64_t kql_ticks;
#define KQL_TICKS_PER_SECOND INT64_C(10000000)

/* `l =~ r`: equal after folding ASCII letters. */
bool kql_equals_ci(const char *l, size_t llen, const char *r, size_t rlen);
/* `l endswith r`: r is a case-insensitive (ASCII) suffix of l. */
bool kql_endswith(const char *l, size_t llen, const char *r, size_t rlen);
/* `l contains r`: case-insensitive (ASCII) substring; an empty r matches. */
bool kql_contains(const char *l, size_t llen, const char *r, size_t rlen);
/*
 * `l has r`: r occurs in l, case-insensitively, as whole terms. A term is a
 * maximal run of ASCII letters and digits. An occurrence at offset i counts
 * when r's first byte is not a term byte or l[i-1] is not one (or i == 0),
 * and likewise at its end. For an alphanumeric r this is "r equals one of
 * l's terms", which is what Kusto documents; for r with separators inside it
 * is the behaviour observed on Kusto clusters. An empty r never matches.
 */
bool kql_has(const char *l, size_t llen, const char *r, size_t rlen);

/*
 * Parses a datetime in the forms that Defender and Log Analytics export:
 *   - ISO 8601 "2023-10-18T14:37:28.2012261Z" with 0 to 7 fraction digits
 *     and a 'T' or a space between date and time. 'Z', "+00:00" or no zone
 *     mean UTC, and other offsets are applied. As in Kusto, the seconds or
 *     the whole time may be left out ("2023-10-18T14:37", "2023-10-18").
 *   - The Log Analytics portal's US form "10/18/2023, 2:37:28.201 PM":
 *     month/day/year, a 12-hour clock with AM or PM in either case and an
 *     optional fraction of up to 7 digits, always UTC.
 * Leading and trailing spaces are ignored. Returns 0 or -EINVAL for text
 * that is not a valid datetime: more than 7 fraction digits, a 13th month,
 * February 30, hour 24, second 60 (Kusto has no leap seconds), a year
 * outside 0001..9999 before or after applying the offset, or anything after
 * the time zone.
 */
__attribute__((warn_unused_result))
int kql_parse_datetime(const char *s, size_t len, kql_ticks *out);
/*
 * Formats t as Kusto prints datetimes: "2023-10-18T14:37:28.2012261Z", with
 * trailing zero fraction digits dropped and no fraction for whole seconds.
 * buf needs KQL_DATETIME_MAX bytes. Returns the length written, not
 * counting the NUL, or 0 (with buf emptied when size > 0) for a t outside
 * the years 0001..9999 or a buf too small for the text.
 */
#define KQL_DATETIME_MAX 40
size_t kql_format_datetime(kql_ticks t, char *buf, size_t size);
/*
 * Parses a Kusto timespan literal: a decimal number followed by a unit,
 * d, h, m, s, ms, microsecond, tick (also "day(s)", "hour(s)", "minute(s)",
 * "second(s)", "millisecond(s)", "microsecond(s)", "tick(s)"), as in
 * "24h", "1.5h", "30m", "7d". Units are lowercase, as in Kusto, and no
 * spaces are allowed. A fraction needs digits on both sides of the dot, and
 * any part of it finer than one tick is truncated. Returns 0 or -EINVAL
 * (including negative values and results that overflow 64-bit ticks).
 */
__attribute__((warn_unused_result))
int kql_parse_timespan(const char *s, size_t len, kql_ticks *out);

#endif
