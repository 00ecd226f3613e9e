#include "core/escape.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "core/utf8.h"

static int
is_hiding_code_point(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) ||    /* C1 controls */
	       (cp >= 0x200B && cp <= 0x200F) || /* zero width, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202E) || /* line/para separators, bidi */
	       (cp >= 0x2060 && cp <= 0x2069) || /* word joiner, bidi isolates */
	       cp == 0xFEFF || cp == 0x00AD;
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
