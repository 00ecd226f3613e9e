/*
 * libFuzzer target: allowlist_parse() must succeed on any bytes (or run
 * out of memory), keep line numbers inside the input, keep every entry
 * findable by its digest and respect its caps. The same bytes also go
 * through the catalogue matcher, whose bindings must stay inside the
 * line and whose repeated holes must hold equal text.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provenance/allowlist.h"
#include "provenance/catalogue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_allowlist(const char *text, size_t size)
{
	struct allowlist list;
	long lines = 1;
	size_t i;
	int rc = allowlist_parse(text, size, &list);

	if (rc == -ENOMEM)
		return;
	if (rc != 0)
		abort();
	for (i = 0; i < size; i++) {
		if (text[i] == '\n')
			lines++;
	}
	if (list.count > ALLOWLIST_MAX_ENTRIES || list.ndiags > ALLOWLIST_MAX_DIAGS)
		abort();
	for (i = 0; i < list.count; i++) {
		const struct allowlist_entry *e = &list.entries[i];

		if (e->line < 1 || e->line > lines || e->comment[0] == '\0')
			abort();
		if (e->comment[0] == ' ' || e->comment[0] == '\t')
			abort();
		if (i > 0 && memcmp(list.entries[i - 1].digest, e->digest,
				    ALLOWLIST_DIGEST_LEN) >= 0)
			abort();
		if (allowlist_find(&list, e->digest) != e)
			abort();
	}
	for (i = 0; i < list.ndiags; i++) {
		if (list.diags[i].line < 1 || list.diags[i].line > lines || !list.diags[i].reason)
			abort();
	}
	allowlist_free(&list);
}

static void
check_catalogue(const char *text, size_t size)
{
	size_t i, j;

	(void)catalogue_match_line(text, size);
	(void)catalogue_match_module(text, size);

	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];
		struct catalogue_match m;

		if (!catalogue_entry_matches(e, text, size, &m))
			continue;
		if (!e->holes && (size != e->shape_len || m.nholes != 0))
			abort();
		for (j = 0; j < m.nholes; j++) {
			if (m.holes[j].len == 0 || m.holes[j].offset > size ||
			    m.holes[j].len > size - m.holes[j].offset)
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_allowlist((const char *)data, size);
	check_catalogue((const char *)data, size);
	return 0;
}
