/*
 * libFuzzer target: pyc_parse_header() and pyc_collect_strings() must
 * return a defined result on any bytes, the header must match its
 * layout, and the strings must be distinct pieces of the input. The
 * first bytes are also tried under each header layout, so that the
 * marshal walker reads streams of every version.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/pyc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_strings(const uint8_t *data, size_t size, const struct pyc_strings *s)
{
	size_t i, j;

	if (s->count > PYC_MAX_STRINGS)
		abort();
	for (i = 0; i < s->count; i++) {
		if (s->lens[i] > size || s->items[i][s->lens[i]] != '\0')
			abort();
		if (s->lens[i] && !memmem(data, size, s->items[i], s->lens[i]))
			abort();
		for (j = 0; j < i && s->count < 64; j++) {
			if (s->lens[i] == s->lens[j] && memcmp(s->items[i], s->items[j], s->lens[i]) == 0)
				abort();
		}
	}
}

static bool
is_ascii_identifier(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return true;
}

static void
walk(const uint8_t *data, size_t size)
{
	struct pyc_strings s, missing;
	struct pyc_info info;
	size_t i;
	int rc = pyc_parse_header(data, size, &info);

	if (rc != 0) {
		if (rc != -EINVAL)
			abort();
		return;
	}
	if (info.header_len != 8 && info.header_len != 12 && info.header_len != 16)
		abort();
	if (info.header_len > size || info.ver_lo > info.ver_hi)
		abort();
	if (info.validation != PYC_TIMESTAMP && info.header_len != 16)
		abort();

	rc = pyc_collect_strings(data, size, &info, &s);
	if (rc != 0) {
		if (rc != -EINVAL && rc != -E2BIG && rc != -ENOMEM)
			abort();
		if (s.count != 0 || s.items)
			abort();
		return;
	}
	check_strings(data, size, &s);
	/*
	 * The stream itself contains every string, so the only ones that can be
	 * missing from it are names, which must be whole words of the source.
	 */
	if (pyc_strings_missing_from_source(&s, data, size, &missing) == 0) {
		for (i = 0; i < missing.count; i++) {
			if (!is_ascii_identifier(missing.items[i], missing.lens[i]))
				abort();
		}
		pyc_strings_free(&missing);
	}
	pyc_strings_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 2.7, 3.6 and 3.13 headers in front of the same stream. */
	static const uint8_t headers[][16] = {
		{ 0x03, 0xF3, '\r', '\n', 0, 0, 0, 0 },
		{ 0x33, 0x0D, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0xF3, 0x0D, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	static const size_t lens[] = { 8, 12, 16 };
	uint8_t *buf;
	size_t i;

	walk(data, size);
	buf = malloc(size + 16);
	if (!buf)
		return 0;
	for (i = 0; i < 3; i++) {
		memcpy(buf, headers[i], lens[i]);
		if (size)
			memcpy(buf + lens[i], data, size);
		walk(buf, size + lens[i]);
	}
	free(buf);
	return 0;
}
