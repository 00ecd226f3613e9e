/*
 * libFuzzer target for the Kusto datetime and timespan parsers and the
 * string operators. Invariants checked:
 *   - a parsed datetime formats to text that parses back to the same ticks;
 *   - the first 8 bytes, folded onto the valid range, give ticks that format
 *     and parse back to themselves;
 *   - a parsed timespan is never negative;
 *   - `has` implies `contains`, `=~` implies `endswith` and `has`, and
 *     `endswith` implies `contains`.
 * The input is split at its first NUL into the left and right operands.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hunt/kql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_datetime_round_trip(const char *text, size_t len)
{
	char buf[KQL_DATETIME_MAX];
	kql_ticks ticks, back;
	size_t n;

	if (kql_parse_datetime(text, len, &ticks) != 0)
		return;
	n = kql_format_datetime(ticks, buf, sizeof(buf));
	if (n == 0 || n >= sizeof(buf) || buf[n] != '\0')
		abort();
	if (kql_parse_datetime(buf, n, &back) != 0 || back != ticks)
		abort();
}

static void
check_ticks_round_trip(const uint8_t *data, size_t size)
{
	char buf[KQL_DATETIME_MAX];
	uint64_t raw = 0;
	kql_ticks ticks, back;
	size_t n;

	if (size < sizeof(raw))
		return;
	memcpy(&raw, data, sizeof(raw));

	/* Fold the value onto 0001-01-01 .. 9999-12-31T23:59:59.9999999. */
	ticks = (kql_ticks)(raw % UINT64_C(3155378976000000000)) - INT64_C(621355968000000000);
	n = kql_format_datetime(ticks, buf, sizeof(buf));
	if (n == 0)
		abort();
	if (kql_parse_datetime(buf, n, &back) != 0 || back != ticks)
		abort();
}

static void
check_timespan(const char *text, size_t len)
{
	kql_ticks ticks;

	if (kql_parse_timespan(text, len, &ticks) == 0 && ticks < 0)
		abort();
}

static void
check_operators(const char *l, size_t llen, const char *r, size_t rlen)
{
	bool has = kql_has(l, llen, r, rlen);
	bool contains = kql_contains(l, llen, r, rlen);
	bool endswith = kql_endswith(l, llen, r, rlen);
	bool equals = kql_equals_ci(l, llen, r, rlen);

	if (has && !contains)
		abort();
	if (endswith && !contains)
		abort();
	if (equals && !endswith)
		abort();
	if (equals && rlen > 0 && !has)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const uint8_t *nul = size > 0 ? memchr(data, '\0', size) : NULL;
	size_t llen = nul ? (size_t)(nul - data) : size;

	check_datetime_round_trip(text, size);
	check_ticks_round_trip(data, size);
	check_timespan(text, size);
	if (nul)
		check_operators(text, llen, text + llen + 1, size - llen - 1);
	else
		check_operators(text, size, text, size / 2);
	return 0;
}
