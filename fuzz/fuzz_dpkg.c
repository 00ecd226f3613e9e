/*
 * libFuzzer target: the input is split at the first two "\n--\n" separators
 * into a status file, a .list and a .md5sums for one package, and fed to a
 * dpkg index in that order. An empty status part (input starting with
 * "\n--\n") skips the status file, so the package is added by name.
 * Every add must return one of its documented codes. Every stored path must
 * be absolute, NUL-free, within RECORD_PATH_MAX and found again by
 * dpkg_index_find(), and every owner must name a stored package. Stored
 * text must stay within DPKG_TEXT_MAX.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provenance/dpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits off the text before the next "\n--\n" (or all of it). */
static size_t
take_part(const char *data, size_t size, size_t *next)
{
	const char *sep = memmem(data, size, "\n--\n", 4);

	if (!sep) {
		*next = size;
		return size;
	}
	*next = (size_t)(sep - data) + 4;
	return (size_t)(sep - data) + 1;
}

static bool
add_ok(int rc)
{
	return rc == 0 || rc == -E2BIG || rc == -ENOENT || rc == -ENOMEM;
}

static void
check_index(const struct dpkg_index *index)
{
	size_t i;

	if (index->npaths > DPKG_PATHS_MAX || index->text_bytes > DPKG_TEXT_MAX ||
	    index->by_path.count != index->npaths)
		abort();
	for (i = 0; i < index->by_path.cap; i++) {
		const struct strmap_slot *slot = &index->by_path.slots[i];
		const struct dpkg_path *p;
		size_t len;

		if (!slot->key)
			continue;
		len = strlen(slot->key);
		if (len == 0 || len > RECORD_PATH_MAX || slot->key[0] != '/')
			abort();
		p = dpkg_index_find(index, slot->key, len);
		if (!p || p != &index->paths[slot->value] || p->package >= index->npackages)
			abort();
		if (!dpkg_path_package(index, p))
			abort();
		(void)dpkg_verify(p, slot->key, len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct dpkg_index index;
	size_t status_len, list_len, sums_len, next, at;
	int rc;

	status_len = take_part(text, size, &next);
	at = next;
	list_len = take_part(text + at, size - at, &next);
	sums_len = size - (at + next);

	dpkg_index_init(&index);
	if (status_len > 1) {
		rc = dpkg_index_add_status(&index, text, status_len);
		if (rc != 0 && rc != -E2BIG && rc != -ENOMEM)
			abort();
	}
	rc = dpkg_index_add_list(&index, "fuzzed", 6, text + at, list_len);
	if (!add_ok(rc))
		abort();
	rc = dpkg_index_add_md5sums(&index, "fuzzed", 6, text + at + next, sums_len);
	if (!add_ok(rc))
		abort();
	check_index(&index);
	dpkg_index_free(&index);
	return 0;
}
