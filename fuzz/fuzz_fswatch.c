/*
 * libFuzzer target: fswatch_parse_fanotify() walks any buffer without
 * reading past it, always moves forward, and returns a name only when it
 * is NUL-terminated inside the buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watch/fswatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fanotify_record r;
	size_t at = 0, before;
	int rc;

	for (;;) {
		before = at;
		rc = fswatch_parse_fanotify(data, size, &at, &r);
		if (rc <= 0)
			break;
		if (at <= before || at > size)
			abort();
		if (r.name && (r.name < (const char *)data || r.name >= (const char *)data + size ||
			       !memchr(r.name, '\0', (size_t)((const char *)data + size - r.name))))
			abort();
		if (r.handle && (r.handle < data || r.handle + r.handle_len > data + size))
			abort();
	}
	return 0;
}
