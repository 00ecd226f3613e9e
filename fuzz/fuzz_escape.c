/* libFuzzer target: escaping of hostile bytes must give printable text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/escape.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb;
	int truncated = 0;
	size_t i;

	strbuf_init(&sb, 1u << 20);
	if (escape_bytes(&sb, data, size, &truncated) == 0 && sb.data) {
		if (utf8_first_invalid((const uint8_t *)sb.data, sb.len) != sb.len)
			abort();
		for (i = 0; i < sb.len; i++) {
			if ((uint8_t)sb.data[i] < 0x20 || sb.data[i] == 0x7f)
				abort();
		}
	}
	strbuf_free(&sb);
	return 0;
}
