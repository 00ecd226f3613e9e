#include "provenance/record.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/hex.h"
#include "hunt/csv.h"

void
record_init(struct record *rec)
{
	memset(rec, 0, sizeof(*rec));
}

void
record_free(struct record *rec)
{
	size_t i;

	for (i = 0; i < rec->count; i++)
		free(rec->entries[i].path);
	free(rec->entries);
	record_init(rec);
}

void
prov_errors_add(struct prov_errors *errors, size_t line, const char *reason)
{
	if (errors->count < PROV_ERRORS_MAX) {
		errors->first[errors->count].line = line;
		errors->first[errors->count].reason = reason;
	}
	errors->count++;
}

static int
base64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decodes urlsafe base64. RECORD omits the '=' padding. A padded digest
 * decodes to the same bytes, so trailing '=' is accepted too. Returns the byte
 * count, or -1 for a bad character, a bad length or more than max bytes.
 */
static long
base64url_decode(const char *text, size_t len, unsigned char *out, size_t max)
{
	uint32_t acc = 0;
	size_t bits = 0, n = 0, i;

	while (len > 0 && text[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		int v = base64url_value(text[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)n;
}

/* Parses a decimal size without sign; false on any other byte or overflow. */
static bool
parse_size(const char *text, size_t len, long long *out)
{
	long long v = 0;
	size_t i;

	if (len == 0 || len > 18)
		return false;
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		v = v * 10 + (text[i] - '0');
	}
	*out = v;
	return true;
}

/* Parses "algorithm=digest" into e. Returns NULL, or the reason it is malformed. */
static const char *
parse_hash(struct record_entry *e, const char *text, size_t len)
{
	const char *eq = memchr(text, '=', len);
	size_t name_len;
	long n;

	if (!eq)
		return "hash has no '=' between algorithm and digest";
	name_len = (size_t)(eq - text);
	if (name_len == 0 || name_len >= PROV_ALGORITHM_MAX)
		return "hash algorithm name is empty or too long";
	if (memchr(text, '\0', name_len))
		return "hash algorithm name contains a NUL byte";
	n = base64url_decode(eq + 1, len - name_len - 1, e->digest, PROV_DIGEST_MAX);
	if (n <= 0)
		return "hash digest is not urlsafe base64 of at most 64 bytes";
	memcpy(e->algorithm, text, name_len);
	e->algorithm[name_len] = '\0';
	e->digest_len = (size_t)n;
	return NULL;
}

/* Copies a path, turning '\' into '/'. Returns NULL, or the reason it is malformed. */
static const char *
copy_path(struct record_entry *e, const char *text, size_t len, int *rc)
{
	size_t i;

	if (len == 0)
		return "path is empty";
	if (len > RECORD_PATH_MAX)
		return "path is longer than 4096 bytes";
	if (memchr(text, '\0', len))
		return "path contains a NUL byte";
	e->path = malloc(len + 1);
	if (!e->path) {
		*rc = -ENOMEM;
		return "out of memory";
	}
	for (i = 0; i < len; i++)
		e->path[i] = text[i] == '\\' ? '/' : text[i];
	e->path[len] = '\0';
	e->path_len = len;
	return NULL;
}

static int
reserve_entry(struct record *rec, size_t *cap)
{
	struct record_entry *grown;
	size_t ncap;

	if (rec->count < *cap)
		return 0;
	if (rec->count >= RECORD_ENTRIES_MAX)
		return -E2BIG;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > RECORD_ENTRIES_MAX)
		ncap = RECORD_ENTRIES_MAX;
	grown = realloc(rec->entries, ncap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	rec->entries = grown;
	*cap = ncap;
	return 0;
}

/* Parses one split RECORD row into e. Returns NULL, or the reason it is malformed. */
static const char *
parse_row(struct record_entry *e, const struct csv_row *row, int *rc)
{
	const struct csv_field *f = row->fields;
	const char *reason;

	memset(e, 0, sizeof(*e));
	e->size = -1;
	if (row->nfields != 3)
		return "row does not have 3 fields (path, hash, size)";
	if (f[1].len > 0 && (reason = parse_hash(e, f[1].data, f[1].len)) != NULL)
		return reason;
	if (f[2].len > 0 && !parse_size(f[2].data, f[2].len, &e->size))
		return "size is not a decimal byte count";
	return copy_path(e, f[0].data, f[0].len, rc);
}

/* Returns the length of the record starting at data, through its '\n'. */
static size_t
record_length(const char *data, size_t len)
{
	bool quoted = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == '"')
			quoted = !quoted;
		else if (data[i] == '\n' && !quoted)
			return i + 1;
	}
	return len;
}

static size_t
count_newlines(const char *data, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += data[i] == '\n';
	return n;
}

static size_t
skip_bom(const char *data, size_t len)
{
	return len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

static bool
is_blank(const char *data, size_t len)
{
	return len == 0 || (len == 1 && data[0] == '\n') ||
	       (len == 2 && data[0] == '\r' && data[1] == '\n');
}

int
record_parse(struct record *rec, const char *data, size_t len)
{
	struct csv_row *row;
	size_t at, line = 1, cap = rec->count;
	int rc = 0;

	if (len > RECORD_BYTES_MAX)
		return -E2BIG;
	row = malloc(sizeof(*row));
	if (!row)
		return -ENOMEM;
	csv_row_init(row);

	for (at = skip_bom(data, len); at < len && rc == 0;) {
		size_t n = record_length(data + at, len - at);
		const char *reason;

		if (is_blank(data + at, n))
			goto next;
		rc = reserve_entry(rec, &cap);
		if (rc < 0)
			break;
		if (csv_split(row, data + at, n) != 0)
			reason = row->error;
		else
			reason = parse_row(&rec->entries[rec->count], row, &rc);
		if (reason && rc == 0)
			prov_errors_add(&rec->errors, line, reason);
		else if (!reason)
			rec->count++;
	next:
		line += count_newlines(data + at, n);
		at += n;
	}

	csv_row_free(row);
	free(row);
	return rc;
}

int
record_parse_installed_files(struct record *rec, const char *data, size_t len)
{
	size_t at, line = 1, cap = rec->count;
	int rc = 0;

	if (len > RECORD_BYTES_MAX)
		return -E2BIG;
	for (at = skip_bom(data, len); at < len && rc == 0; line++) {
		const char *nl = memchr(data + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (data + at)) : len - at;
		size_t text_len = n > 0 && data[at + n - 1] == '\r' ? n - 1 : n;
		struct record_entry *e;
		const char *reason;

		if (text_len > 0) {
			rc = reserve_entry(rec, &cap);
			if (rc < 0)
				break;
			e = &rec->entries[rec->count];
			memset(e, 0, sizeof(*e));
			e->size = -1;
			reason = copy_path(e, data + at, text_len, &rc);
			if (reason && rc == 0)
				prov_errors_add(&rec->errors, line, reason);
			else if (!reason)
				rec->count++;
		}
		at += nl ? n + 1 : n;
	}
	return rc;
}

/* Appends the components of path[0..len) to out, which starts with "/". */
static int
append_components(struct strbuf *out, const char *path, size_t len)
{
	size_t at = 0;
	int rc;

	while (at < len) {
		const char *slash = memchr(path + at, '/', len - at);
		size_t n = slash ? (size_t)(slash - (path + at)) : len - at;
		const char *part = path + at;

		at += slash ? n + 1 : n;
		if (n == 0 || (n == 1 && part[0] == '.'))
			continue;
		if (n == 2 && part[0] == '.' && part[1] == '.') {
			while (out->len > 1 && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > 1)
				out->len--;
			out->data[out->len] = '\0';
			continue;
		}
		if (out->len > 1 && (rc = strbuf_putc(out, '/')) < 0)
			return rc;
		if ((rc = strbuf_append(out, part, n)) < 0)
			return rc;
	}
	return 0;
}

/* Like append_components, after turning '\' into '/' as RECORD rows are. */
static int
append_entry(struct strbuf *out, const char *entry, size_t len)
{
	char *copy;
	size_t i;
	int rc;

	if (len == 0 || !memchr(entry, '\\', len))
		return append_components(out, entry, len);
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		copy[i] = entry[i] == '\\' ? '/' : entry[i];
	rc = append_components(out, copy, len);
	free(copy);
	return rc;
}

int
record_resolve(const char *base, size_t base_len, const char *entry, size_t entry_len,
               struct strbuf *out)
{
	int rc;

	strbuf_reset(out);
	if (base_len == 0 || base[0] != '/' || memchr(base, '\0', base_len) ||
	    (entry_len > 0 && memchr(entry, '\0', entry_len)))
		return -EINVAL;
	if (base_len > RECORD_PATH_MAX || entry_len > RECORD_PATH_MAX)
		return -E2BIG;
	rc = strbuf_putc(out, '/');
	if (rc == 0 && !(entry_len > 0 && (entry[0] == '/' || entry[0] == '\\')))
		rc = append_components(out, base, base_len);
	if (rc == 0)
		rc = append_entry(out, entry, entry_len);
	if (rc == 0 && out->len > RECORD_PATH_MAX)
		rc = -E2BIG;
	if (rc == -E2BIG || rc == -ENOMEM)
		strbuf_reset(out);
	return rc;
}

const struct record_entry *
record_find(const struct record *rec, const char *base, size_t base_len, const char *path,
            size_t path_len)
{
	const struct record_entry *found = NULL;
	struct strbuf want, have;
	size_t i;

	/* Twice the cap, because resolving joins base and entry before ".." shortens them. */
	strbuf_init(&want, 2 * RECORD_PATH_MAX + 2);
	strbuf_init(&have, 2 * RECORD_PATH_MAX + 2);
	if (path_len == 0 || path[0] != '/' ||
	    record_resolve("/", 1, path, path_len, &want) != 0)
		goto out;
	for (i = 0; i < rec->count && !found; i++) {
		const struct record_entry *e = &rec->entries[i];

		if (record_resolve(base, base_len, e->path, e->path_len, &have) == 0 &&
		    have.len == want.len && memcmp(have.data, want.data, want.len) == 0)
			found = e;
	}
out:
	strbuf_free(&want);
	strbuf_free(&have);
	return found;
}

int
prov_digest(const char *algorithm, const void *buf, size_t len, unsigned char *out,
            size_t *out_len)
{
	const EVP_MD *md = EVP_get_digestbyname(algorithm);
	unsigned int n = 0;

	if (!md || EVP_MD_get_size(md) <= 0 || EVP_MD_get_size(md) > PROV_DIGEST_MAX)
		return -ENOTSUP;
	if (EVP_Digest(buf, len, out, &n, md, NULL) != 1)
		return -EIO;
	*out_len = n;
	return 0;
}

enum prov_verdict
prov_compare_digest(const char *algorithm, const unsigned char *expected, size_t expected_len,
                    const void *buf, size_t len)
{
	unsigned char got[PROV_DIGEST_MAX];
	size_t got_len = 0;

	if (expected_len == 0 || prov_digest(algorithm, buf, len, got, &got_len) != 0 ||
	    got_len != expected_len)
		return PROV_NO_HASH;
	return memcmp(got, expected, got_len) == 0 ? PROV_MATCH : PROV_MISMATCH;
}

enum prov_verdict
record_verify(const struct record_entry *entry, const void *buf, size_t len)
{
	enum prov_verdict v;

	if (!entry)
		return PROV_NOT_LISTED;
	v = prov_compare_digest(entry->algorithm, entry->digest, entry->digest_len, buf, len);
	if (v == PROV_MATCH && entry->size >= 0 && (unsigned long long)entry->size != len)
		return PROV_MISMATCH;
	return v;
}

const char *
prov_verdict_name(enum prov_verdict verdict)
{
	switch (verdict) {
	case PROV_MATCH:
		return "match";
	case PROV_MISMATCH:
		return "mismatch";
	case PROV_NOT_LISTED:
		return "not listed";
	case PROV_NO_HASH:
		return "no hash";
	case PROV_PLACEHOLDER:
		return "placeholder";
	}
	return "unknown";
}
