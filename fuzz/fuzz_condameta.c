/*
 * libFuzzer target: conda_meta_parse() must return 0, -EINVAL, -E2BIG or
 * -ENOMEM, and after success hold NUL-terminated name and version strings
 * within CONDA_META_FIELD_MAX and paths within RECORD_PATH_MAX that
 * conda_meta_find() finds again.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provenance/condameta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conda_meta meta;
	size_t i;
	int rc;

	conda_meta_init(&meta);
	rc = conda_meta_parse(&meta, (const char *)data, size);
	if (rc != 0 && rc != -EINVAL && rc != -E2BIG && rc != -ENOMEM)
		abort();
	if (rc == -EINVAL && (meta.count != 0 || meta.name))
		abort();
	if (rc == 0 && (!meta.name || !meta.version ||
	                strlen(meta.name) > CONDA_META_FIELD_MAX ||
	                strlen(meta.version) > CONDA_META_FIELD_MAX))
		abort();
	if (meta.count > CONDA_META_PATHS_MAX)
		abort();
	for (i = 0; i < meta.count; i++) {
		const struct conda_path *p = &meta.paths[i];

		if (!p->path || p->path_len == 0 || p->path_len > RECORD_PATH_MAX ||
		    strlen(p->path) != p->path_len || p->size < -1)
			abort();
		if (p->path_type[sizeof(p->path_type) - 1] != '\0')
			abort();
		if (!conda_meta_find(&meta, p->path, p->path_len))
			abort();
		(void)conda_verify(p, p->path, p->path_len);
	}
	conda_meta_free(&meta);
	return 0;
}
