#include "provenance/condameta.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/hex.h"

void
conda_meta_init(struct conda_meta *meta)
{
	memset(meta, 0, sizeof(*meta));
}

void
conda_meta_free(struct conda_meta *meta)
{
	size_t i;

	for (i = 0; i < meta->count; i++)
		free(meta->paths[i].path);
	free(meta->paths);
	free(meta->name);
	free(meta->version);
	conda_meta_init(meta);
}

/* Copies a JSON string of at most max bytes without NUL; "" for anything else. */
static char *
copy_string(const json_t *value, size_t max)
{
	const char *text = json_string_value(value);
	size_t len = text ? json_string_length(value) : 0;
	char *s;

	if (!text || len > max || memchr(text, '\0', len))
		len = 0;
	s = malloc(len + 1);
	if (s) {
		if (len > 0)
			memcpy(s, text, len);
		s[len] = '\0';
	}
	return s;
}

static bool
decode_sha256(const json_t *value, unsigned char out[32])
{
	const char *text = json_string_value(value);

	return text && json_string_length(value) == 64 && hex_decode(text, 32, out);
}

static int
reserve_path(struct conda_meta *meta, size_t *cap)
{
	struct conda_path *grown;
	size_t ncap;

	if (meta->count < *cap)
		return 0;
	if (meta->count >= CONDA_META_PATHS_MAX)
		return -E2BIG;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > CONDA_META_PATHS_MAX)
		ncap = CONDA_META_PATHS_MAX;
	grown = realloc(meta->paths, ncap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	meta->paths = grown;
	*cap = ncap;
	return 0;
}

/* Fills the hash, size, type and placeholder fields of p from a paths_data object. */
static void
read_path_details(struct conda_meta *meta, struct conda_path *p, const json_t *item)
{
	const json_t *value;
	const char *type;

	value = json_object_get(item, "sha256");
	if (value && !(p->has_sha256 = decode_sha256(value, p->sha256)))
		prov_errors_add(&meta->errors, 0, "sha256 is not 64 hex digits");
	value = json_object_get(item, "sha256_in_prefix");
	if (value && !(p->has_sha256_in_prefix = decode_sha256(value, p->sha256_in_prefix)))
		prov_errors_add(&meta->errors, 0, "sha256_in_prefix is not 64 hex digits");

	value = json_object_get(item, "size_in_bytes");
	if (json_is_integer(value) && json_integer_value(value) >= 0)
		p->size = json_integer_value(value);
	else if (value)
		prov_errors_add(&meta->errors, 0, "size_in_bytes is not a byte count");

	type = json_string_value(json_object_get(item, "path_type"));
	if (type && strlen(type) < sizeof(p->path_type))
		memcpy(p->path_type, type, strlen(type) + 1);

	value = json_object_get(item, "prefix_placeholder");
	p->placeholder = json_is_string(value) && json_string_length(value) > 0;
}

/* Appends one entry of "files" (a string) or "paths_data.paths" (an object). */
static int
add_path(struct conda_meta *meta, size_t *cap, const json_t *item)
{
	const json_t *path = json_is_object(item) ? json_object_get(item, "_path") : item;
	const char *text = json_string_value(path);
	size_t len = text ? json_string_length(path) : 0;
	struct conda_path *p;
	int rc;

	if (len == 0 || len > RECORD_PATH_MAX || memchr(text, '\0', len)) {
		prov_errors_add(&meta->errors, 0, "path entry has no usable path");
		return 0;
	}
	rc = reserve_path(meta, cap);
	if (rc < 0)
		return rc;
	p = &meta->paths[meta->count];
	memset(p, 0, sizeof(*p));
	p->size = -1;
	p->path = malloc(len + 1);
	if (!p->path)
		return -ENOMEM;
	memcpy(p->path, text, len);
	p->path[len] = '\0';
	p->path_len = len;
	if (json_is_object(item))
		read_path_details(meta, p, item);
	meta->count++;
	return 0;
}

int
conda_meta_parse(struct conda_meta *meta, const char *data, size_t len)
{
	const json_t *list, *item;
	json_t *root;
	json_error_t error;
	size_t i, cap = 0;
	int rc = 0;

	if (len > CONDA_META_BYTES_MAX)
		return -E2BIG;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &error);
	if (!root) {
		prov_errors_add(&meta->errors, error.line > 0 ? (size_t)error.line : 0,
				"invalid JSON");
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}

	meta->name = copy_string(json_object_get(root, "name"), CONDA_META_FIELD_MAX);
	meta->version = copy_string(json_object_get(root, "version"), CONDA_META_FIELD_MAX);
	if (!meta->name || !meta->version) {
		rc = -ENOMEM;
		goto out;
	}

	list = json_object_get(json_object_get(root, "paths_data"), "paths");
	if (!json_is_array(list))
		list = json_object_get(root, "files");
	json_array_foreach(list, i, item) {
		rc = add_path(meta, &cap, item);
		if (rc < 0)
			break;
	}
out:
	json_decref(root);
	return rc;
}

const struct conda_path *
conda_meta_find(const struct conda_meta *meta, const char *path, size_t path_len)
{
	size_t i;

	for (i = 0; i < meta->count; i++) {
		const struct conda_path *p = &meta->paths[i];

		if (p->path_len == path_len && memcmp(p->path, path, path_len) == 0)
			return p;
	}
	return NULL;
}

enum prov_verdict
conda_verify(const struct conda_path *p, const void *buf, size_t len)
{
	enum prov_verdict v;

	if (!p)
		return PROV_NOT_LISTED;
	if (p->placeholder) {
		if (!p->has_sha256_in_prefix)
			return PROV_PLACEHOLDER;
		return prov_compare_digest("sha256", p->sha256_in_prefix, 32, buf, len);
	}
	if (p->has_sha256_in_prefix)
		v = prov_compare_digest("sha256", p->sha256_in_prefix, 32, buf, len);
	else if (p->has_sha256)
		v = prov_compare_digest("sha256", p->sha256, 32, buf, len);
	else
		return PROV_NO_HASH;
	if (v == PROV_MATCH && p->size >= 0 && (unsigned long long)p->size != len)
		return PROV_MISMATCH;
	return v;
}
