#include "python/pytext.h"

#include <string.h>

#include "core/utf8.h"

bool
py_is_space(uint32_t cp)
{
	if ((cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20))
		return true;
	if (cp == 0x85 || cp == 0xA0 || cp == 0x1680)
		return true;
	if (cp >= 0x2000 && cp <= 0x200A)
		return true;
	return cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000;
}

/* Length of the whitespace character starting at s, or 0 when there is none. */
static size_t
space_at(const uint8_t *s, size_t len)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	return n && py_is_space(cp) ? n : 0;
}

/* Length of the whitespace character that ends at s + len, or 0. */
static size_t
space_before(const uint8_t *s, size_t len)
{
	size_t back;

	for (back = 1; back <= 4 && back <= len; back++) {
		uint32_t cp;
		size_t n = utf8_decode(s + len - back, back, &cp);

		if (n == back)
			return py_is_space(cp) ? n : 0;
	}
	return 0;
}

void
py_strip(const uint8_t **s, size_t *len)
{
	size_t n;

	while (*len && (n = space_at(*s, *len)) != 0) {
		*s += n;
		*len -= n;
	}
	while (*len && (n = space_before(*s, *len)) != 0)
		*len -= n;
}

size_t
py_splitlines_next(const uint8_t *s, size_t len, size_t *next)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];

		if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) {
			*next = i + 1;
			return i;
		}
		if (c == '\r') {
			*next = i + 1 < len && s[i + 1] == '\n' ? i + 2 : i + 1;
			return i;
		}
		if (c == 0xC2 && i + 1 < len && s[i + 1] == 0x85) {
			*next = i + 2;
			return i;
		}
		if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
			*next = i + 3;
			return i;
		}
		i++;
	}
	*next = len;
	return len;
}

size_t
py_strip_comments(const uint8_t *src, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t c = src[i];

		if (c == '#') {
			while (i < len && src[i] != '\n' && src[i] != '\r')
				i++;
			continue;
		}
		if (c != '\'' && c != '"') {
			out[o++] = src[i++];
			continue;
		}

		/* A string literal: copy it up to its closing quote. */
		{
			bool triple = i + 2 < len && src[i + 1] == c && src[i + 2] == c;
			size_t quote_len = triple ? 3 : 1;

			memcpy(out + o, src + i, quote_len);
			o += quote_len;
			i += quote_len;
			while (i < len) {
				if (src[i] == '\\' && i + 1 < len) {
					out[o++] = src[i++];
					out[o++] = src[i++];
					continue;
				}
				if (!triple && (src[i] == '\n' || src[i] == '\r'))
					break; /* an unterminated one-line literal ends here */
				if (src[i] == c && (!triple || (i + 2 < len && src[i + 1] == c && src[i + 2] == c))) {
					memcpy(out + o, src + i, quote_len);
					o += quote_len;
					i += quote_len;
					break;
				}
				out[o++] = src[i++];
			}
		}
	}
	return o;
}
