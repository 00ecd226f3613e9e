#include "core/hex.h"

int
hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_uint16(const char *p)
{
	int value = 0, i;

	for (i = 0; i < 4; i++) {
		int digit = hex_digit((unsigned char)p[i]);

		if (digit < 0)
			return -1;
		value = value * 16 + digit;
	}
	return value;
}

bool
hex_decode(const char *text, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = hex_digit((unsigned char)text[2 * i]);
		int lo = hex_digit((unsigned char)text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}
