/*
 * libFuzzer target: startfile_parse() entries must be non-empty, not
 * comments, numbered in order, and valid only in the "module:callable"
 * shape; a decode error leaves no entries.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/startfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct startfile s;
	long last = 0;
	size_t i;
	int rc = startfile_parse(data, size, &s);

	if (rc == -ENOMEM || (rc == -E2BIG && size >= STARTFILE_MAX_ENTRIES))
		return 0;
	if (rc != 0)
		abort();
	if (s.decode_error && s.count != 0)
		abort();
	for (i = 0; i < s.count; i++) {
		const struct start_entry *e = &s.entries[i];
		const char *colon = strchr(e->text, ':');

		if (e->line <= last || e->text[0] == '#' || e->text[0] == ' ')
			abort();
		last = e->line;
		if (!s.has_nul && e->text[0] == '\0')
			abort();
		if (e->valid && (!colon || strchr(colon + 1, ':') || colon == e->text ||
				 colon[1] == '\0' || strchr(e->text, ' ')))
			abort();
	}
	startfile_free(&s);
	return 0;
}
