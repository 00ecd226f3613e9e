/*
 * libFuzzer target: dotpth_parse() entries must be non-empty, free of
 * '#', '\n' and outer whitespace, numbered in order, and classified
 * consistently with their text.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/dotpth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dotpth p;
	bool site = false;
	long last = 0;
	size_t i;
	int rc = dotpth_parse(data, size, &p);

	if (rc == -ENOMEM || (rc == -E2BIG && size >= 2 * DOTPTH_MAX_ENTRIES))
		return 0;
	if (rc != 0)
		abort();
	for (i = 0; i < p.count; i++) {
		const struct dotpth_entry *e = &p.entries[i];
		size_t len = strlen(e->text);

		if (len == 0 || e->line <= last || strchr(e->text, '#') || strchr(e->text, '\n'))
			abort();
		if (e->text[0] == ' ' || e->text[len - 1] == ' ' || e->text[len - 1] == '\r')
			abort();
		last = e->line;
		switch (e->kind) {
		case DOTPTH_IMPORT_SITE:
			if (strcmp(e->text, "import site") != 0)
				abort();
			site = true;
			break;
		case DOTPTH_IMPORT_OTHER:
			if (strncmp(e->text, "import ", 7) != 0 || strcmp(e->text, "import site") == 0)
				abort();
			break;
		case DOTPTH_PATH:
			if (strncmp(e->text, "import ", 7) == 0)
				abort();
			break;
		}
	}
	if (site != p.import_site)
		abort();
	if (p.truncated_at_nul != (memchr(data, '\0', size) != NULL))
		abort();
	dotpth_free(&p);
	return 0;
}
