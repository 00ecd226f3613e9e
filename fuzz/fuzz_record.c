/*
 * libFuzzer target: record_parse() and record_parse_installed_files() must
 * return 0 (or -E2BIG past a cap), keep every path within RECORD_PATH_MAX
 * and free of NUL and '\', keep digests within PROV_DIGEST_MAX, and give
 * every detailed error a line number and a reason. Every entry must resolve against a
 * base to an absolute path without "." or ".." components, and
 * record_find() must find an entry by that resolved path.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provenance/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] = "/venv/lib/python3.12/site-packages";

static void
check_resolved(const struct strbuf *path)
{
	size_t i;

	if (path->len == 0 || path->len > RECORD_PATH_MAX || path->data[0] != '/')
		abort();
	if (path->len > 1 && path->data[path->len - 1] == '/')
		abort();
	for (i = 0; i + 1 < path->len; i++) {
		if (path->data[i] == '/' && path->data[i + 1] == '/')
			abort();
	}
	if (strstr(path->data, "/./") || strstr(path->data, "/../"))
		abort();
	if ((path->len >= 2 && strcmp(path->data + path->len - 2, "/.") == 0) ||
	    (path->len >= 3 && strcmp(path->data + path->len - 3, "/..") == 0))
		abort();
}

static void
check_record(const struct record *rec, bool hashes)
{
	struct strbuf path;
	size_t i;

	if (rec->count > RECORD_ENTRIES_MAX)
		abort();
	for (i = 0; i < rec->errors.count && i < PROV_ERRORS_MAX; i++) {
		if (rec->errors.first[i].line == 0 || !rec->errors.first[i].reason)
			abort();
	}

	strbuf_init(&path, 2 * RECORD_PATH_MAX + 2);
	for (i = 0; i < rec->count; i++) {
		const struct record_entry *e = &rec->entries[i];
		int rc;

		if (!e->path || e->path_len == 0 || e->path_len > RECORD_PATH_MAX ||
		    e->path[e->path_len] != '\0' || strlen(e->path) != e->path_len ||
		    memchr(e->path, '\\', e->path_len))
			abort();
		if (e->digest_len > PROV_DIGEST_MAX || (!hashes && e->digest_len != 0))
			abort();
		if ((e->digest_len == 0) != (e->algorithm[0] == '\0'))
			abort();
		if (e->size < -1)
			abort();

		rc = record_resolve(base, sizeof(base) - 1, e->path, e->path_len, &path);
		if (rc == -E2BIG)
			continue;
		if (rc != 0)
			abort();
		check_resolved(&path);
		if (i < 4 && !record_find(rec, base, sizeof(base) - 1, path.data, path.len))
			abort();
		(void)record_verify(e, e->path, e->path_len);
	}
	strbuf_free(&path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record rec;
	int rc;

	record_init(&rec);
	rc = record_parse(&rec, (const char *)data, size);
	if (rc != 0 && rc != -E2BIG && rc != -ENOMEM)
		abort();
	check_record(&rec, true);
	record_free(&rec);

	rc = record_parse_installed_files(&rec, (const char *)data, size);
	if (rc != 0 && rc != -E2BIG && rc != -ENOMEM)
		abort();
	check_record(&rec, false);
	record_free(&rec);
	return 0;
}
