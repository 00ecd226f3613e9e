#include "core/escape.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "core/utf8.h"

/*
 * Returns true for code points that render as nothing or reorder the text
 * around them. They include C1 controls, the soft hyphen, the combining
 * grapheme joiner, the Arabic letter mark and Hangul fillers. Also
 * included are the Mongolian vowel separator, Khmer inherent vowels,
 * zero-width and bidirectional controls, and line and paragraph
 * separators. Invisible operators, variation selectors, the BOM,
 * interlinear annotation controls and tag characters complete the set.
 */
static int
is_hiding_code_point(uint32_t cp)
{
	/* Unicode format characters (Cf) outside the ranges below, and the braille blank. */
	if ((cp >= 0x0600 && cp <= 0x0605) || cp == 0x06DD || cp == 0x070F ||
	    (cp >= 0x0890 && cp <= 0x0891) || cp == 0x08E2 || cp == 0x2800 || cp == 0x110BD ||
	    cp == 0x110CD || (cp >= 0x13430 && cp <= 0x1343F) || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
	    (cp >= 0x1D173 && cp <= 0x1D17A))
		return 1;
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x00AD || cp == 0x034F || cp == 0x061C ||
	       cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || cp == 0x180E ||
	       (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
	       cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
	       (cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static int
put_escaped_unit(struct strbuf *out, const uint8_t *s, size_t n, uint32_t cp, int valid)
{
	char tmp[16];
	int k;

	if (!valid) {
		k = snprintf(tmp, sizeof(tmp), "\\x%02x", s[0]);
		return strbuf_append(out, tmp, (size_t)k);
	}
	switch (cp) {
	case '\\':
		return strbuf_append(out, "\\\\", 2);
	case '\n':
		return strbuf_append(out, "\\n", 2);
	case '\r':
		return strbuf_append(out, "\\r", 2);
	case '\t':
		return strbuf_append(out, "\\t", 2);
	case '\f':
		return strbuf_append(out, "\\f", 2);
	case '\v':
		return strbuf_append(out, "\\v", 2);
	default:
		break;
	}
	if (cp < 0x20 || cp == 0x7F) {
		k = snprintf(tmp, sizeof(tmp), "\\x%02x", (unsigned)cp);
		return strbuf_append(out, tmp, (size_t)k);
	}
	if (is_hiding_code_point(cp)) {
		if (cp > 0xFFFF)
			k = snprintf(tmp, sizeof(tmp), "\\U%08x", (unsigned)cp);
		else
			k = snprintf(tmp, sizeof(tmp), "\\u%04x", (unsigned)cp);
		return strbuf_append(out, tmp, (size_t)k);
	}
	return strbuf_append(out, s, n);
}

int
escape_bytes(struct strbuf *out, const void *data, size_t len, int *truncated)
{
	const uint8_t *s = data;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);
		int valid = n > 0;
		int rc;

		if (!valid)
			n = 1;
		rc = put_escaped_unit(out, s + i, n, cp, valid);
		if (rc == -E2BIG) {
			if (truncated)
				*truncated = 1;
			return 0;
		}
		if (rc < 0)
			return rc;
		i += n;
	}
	return 0;
}
