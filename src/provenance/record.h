/*
 * record: the file lists that Python installers leave beside a project, and
 * the digest checks shared by every provenance reader.
 *
 * A dist-info RECORD (PyPA "Recording installed projects", PEP 376 and
 * PEP 627) is CSV with rows "path,algorithm=digest,size". The digest is
 * urlsafe base64 without '=' padding, and the hash and size cells may be
 * empty (RECORD's own row, .pyc files). Paths are relative to the directory
 * that contains the .dist-info directory, may climb out of it with "..", may be
 * absolute, and use '\' on Windows. An egg-info installed-files.txt lists one
 * path per line, relative to the .egg-info directory, without hashes; it
 * parses into the same struct record with no digests.
 *
 * Parsing works on (pointer, length) input and touches no file. A struct
 * record owns its entries and their paths; record_free() releases them.
 * Malformed rows are skipped and reported in record.errors with their line
 * number; parsing goes on after them. The parse functions return 0, -E2BIG
 * when the input or the entry count exceeds its cap (the entries read before
 * the cap stay usable), or -ENOMEM.
 */
#ifndef SITEHOUND_PROVENANCE_RECORD_H
#define SITEHOUND_PROVENANCE_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Largest file list parsed. pip 23.2.1's RECORD is 76 KiB, so this leaves
 * room for projects with much larger vendored trees (an estimate). */
#define RECORD_BYTES_MAX (16u << 20)
/* Entries kept per file list. */
#define RECORD_ENTRIES_MAX (1u << 18)
/* Longest path kept, in bytes, matching Linux PATH_MAX. */
#define RECORD_PATH_MAX 4096
/* Largest digest in bytes (SHA-512), and longest algorithm name kept. */
#define PROV_DIGEST_MAX 64
#define PROV_ALGORITHM_MAX 16
/* Malformed lines reported in detail; the rest are only counted. */
#define PROV_ERRORS_MAX 32

/* Result of comparing file content with what a package record expects. */
enum prov_verdict {
	PROV_MATCH,       /* digest (and size, when recorded) agree */
	PROV_MISMATCH,    /* digest or size differ */
	PROV_NOT_LISTED,  /* the record does not list the path */
	PROV_NO_HASH,     /* listed, without a digest this tool can check */
	PROV_PLACEHOLDER, /* conda rewrote the install prefix in the file */
};

/* A malformed line: its 1-based number and a static description. */
struct prov_error {
	size_t line;
	const char *reason;
};

struct prov_errors {
	struct prov_error first[PROV_ERRORS_MAX];
	size_t count; /* all malformed lines, including those not in first[] */
};

struct record_entry {
	char *path;      /* NUL-terminated, with '\' turned into '/' */
	size_t path_len;
	char algorithm[PROV_ALGORITHM_MAX]; /* "" when the hash cell is empty */
	unsigned char digest[PROV_DIGEST_MAX];
	size_t digest_len; /* 0 when the hash cell is empty */
	long long size;    /* bytes, or -1 when the size cell is empty */
};

struct record {
	struct record_entry *entries;
	size_t count;
	struct prov_errors errors;
};

void record_init(struct record *rec);
void record_free(struct record *rec);

/* Appends the rows of a dist-info RECORD in data[0..len) to rec. */
__attribute__((warn_unused_result))
int record_parse(struct record *rec, const char *data, size_t len);

/* Appends the lines of an egg-info installed-files.txt to rec, without hashes. */
__attribute__((warn_unused_result))
int record_parse_installed_files(struct record *rec, const char *data, size_t len);

/*
 * Writes into out the absolute, normalised path of a record entry: base is
 * the absolute directory the entries are relative to (site-packages for
 * RECORD, the .egg-info directory for installed-files.txt). An absolute entry
 * ignores base. Empty and "." components are dropped, ".." removes the
 * previous component and stays at "/" at the top. The result has no
 * trailing '/' except for "/" itself. Returns 0, -EINVAL when base is not
 * absolute or either input contains a NUL byte, -E2BIG past RECORD_PATH_MAX,
 * or -ENOMEM. out is reset first.
 */
__attribute__((warn_unused_result))
int record_resolve(const char *base, size_t base_len, const char *entry, size_t entry_len,
                   struct strbuf *out);

/*
 * Returns the first entry whose resolved path (see record_resolve) equals
 * the normalised form of path, an absolute path, or NULL when none does.
 * Costs one resolve per entry.
 */
const struct record_entry *record_find(const struct record *rec, const char *base,
                                       size_t base_len, const char *path, size_t path_len);

/*
 * Computes the digest named by algorithm (an OpenSSL or hashlib name such as
 * "sha256" or "md5") of buf[0..len) into out, which has room for
 * PROV_DIGEST_MAX bytes. Returns 0, -ENOTSUP for an algorithm OpenSSL does not know, or -EIO
 * when OpenSSL fails.
 */
__attribute__((warn_unused_result))
int prov_digest(const char *algorithm, const void *buf, size_t len, unsigned char *out,
                size_t *out_len);

/*
 * Compares buf[0..len), a file's content, with entry. A NULL entry is
 * PROV_NOT_LISTED; an entry without a digest, or with an algorithm OpenSSL
 * does not know, is PROV_NO_HASH. A recorded size that differs from len is
 * PROV_MISMATCH.
 */
enum prov_verdict record_verify(const struct record_entry *entry, const void *buf, size_t len);

/*
 * Compares the algorithm digest of buf[0..len) with expected. Returns
 * PROV_MATCH, PROV_MISMATCH, or PROV_NO_HASH when expected_len is 0, the
 * algorithm is unknown, or its digest length differs from expected_len.
 */
enum prov_verdict prov_compare_digest(const char *algorithm, const unsigned char *expected,
                                      size_t expected_len, const void *buf, size_t len);

/* Counts a malformed line and keeps its details while there is room. */
void prov_errors_add(struct prov_errors *errors, size_t line, const char *reason);

/* Returns a lowercase word for a verdict ("match", "mismatch", ...). */
const char *prov_verdict_name(enum prov_verdict verdict);

#endif
