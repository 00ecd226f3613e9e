#include "core/utf8.h"

size_t
utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

size_t
utf8_first_invalid(const uint8_t *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

static uint32_t
next_name_unit(const uint8_t *s, size_t len, size_t *i)
{
	uint32_t cp;
	size_t n = utf8_decode(s + *i, len - *i, &cp);

	if (n == 0) {
		cp = 0xDC00 + s[*i];
		n = 1;
	}
	*i += n;
	return cp;
}

int
utf8_compare_names(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i = 0, j = 0;

	while (i < alen && j < blen) {
		uint32_t ca = next_name_unit(a, alen, &i);
		uint32_t cb = next_name_unit(b, blen, &j);

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (i < alen)
		return 1;
	if (j < blen)
		return -1;
	return 0;
}
