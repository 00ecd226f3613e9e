/*
 * condameta: the install record that conda writes for each package in an
 * environment, <prefix>/conda-meta/<name>-<version>-<build>.json.
 *
 * The record names the package and lists its files twice: "files" lists
 * bare paths, and "paths_data": {"paths": [...]} has one object per file
 * with "_path", "path_type" (hardlink, softlink, directory), "sha256" (hex),
 * "size_in_bytes" and, for files whose install prefix conda rewrote,
 * "prefix_placeholder". Recent conda also stores "sha256_in_prefix", the
 * hash after that rewrite. Sources: the conda-build package specification
 * (info/paths.json) and rattler's PrefixRecord. Paths are relative to the
 * environment prefix. When "paths_data" is missing, "files" gives presence
 * only.
 *
 * conda_meta_parse() works on (pointer, length) input and touches no file.
 * A struct conda_meta owns its strings; conda_meta_free() releases them.
 * It returns 0, -EINVAL when the text is not a JSON object, -E2BIG past
 * CONDA_META_BYTES_MAX or CONDA_META_PATHS_MAX (the paths read before stay
 * usable), or -ENOMEM. A path entry without a usable "_path" is counted in
 * meta.errors (line 0, because jansson's tree keeps no line numbers) and
 * skipped; a bad "sha256" or "size_in_bytes" is counted and the entry kept
 * without it.
 */
#ifndef SITEHOUND_PROVENANCE_CONDAMETA_H
#define SITEHOUND_PROVENANCE_CONDAMETA_H

#include <stdbool.h>
#include <stddef.h>

#include "provenance/record.h"

/* Largest record parsed, an estimate: a package with tens of thousands
 * of files needs a few MiB. */
#define CONDA_META_BYTES_MAX (32u << 20)
/* Path entries kept per record. */
#define CONDA_META_PATHS_MAX (1u << 18)
/* Maximum length of a kept name or version; a longer one is stored as "". */
#define CONDA_META_FIELD_MAX 256

struct conda_path {
	char *path; /* NUL-terminated, relative to the prefix */
	size_t path_len;
	char path_type[16]; /* "" when absent or unknown */
	unsigned char sha256[32];
	bool has_sha256;
	unsigned char sha256_in_prefix[32];
	bool has_sha256_in_prefix;
	long long size; /* size_in_bytes, or -1 when absent */
	bool placeholder; /* a non-empty prefix_placeholder */
};

struct conda_meta {
	char *name;    /* "" when absent */
	char *version; /* "" when absent */
	struct conda_path *paths;
	size_t count;
	struct prov_errors errors;
};

void conda_meta_init(struct conda_meta *meta);
void conda_meta_free(struct conda_meta *meta);

/* Parses one conda-meta record into meta, which must be freshly initialised. */
__attribute__((warn_unused_result))
int conda_meta_parse(struct conda_meta *meta, const char *data, size_t len);

/* Returns the entry for a path relative to the prefix, or NULL. */
const struct conda_path *conda_meta_find(const struct conda_meta *meta, const char *path,
                                         size_t path_len);

/*
 * Compares buf[0..len), a file's content, with p: PROV_NOT_LISTED for a
 * NULL p. For a placeholder file, "sha256_in_prefix" is checked when
 * present, and otherwise the verdict is PROV_PLACEHOLDER, because the
 * package hash cannot match the rewritten file. Without a hash it is
 * PROV_NO_HASH. A size_in_bytes that differs from len is PROV_MISMATCH,
 * except for placeholder files.
 */
enum prov_verdict conda_verify(const struct conda_path *p, const void *buf, size_t len);

#endif
