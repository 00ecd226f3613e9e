/*
 * allowlist: the site-local list of hooks that a site has reviewed and accepts
 * (`--allow FILE`), such as an infrastructure .pth that injects a CA
 * bundle. Each line is a SHA-256 digest of the whole hook file as 64 hex
 * digits (either case), then spaces or tabs, then a required comment
 * saying why the hook is allowed. Blank lines and lines whose first
 * non-blank byte is '#' are ignored; a CR before the LF is ignored.
 *
 * A bad line does not stop the parse: it becomes an allowlist_diag with
 * its line number, so the caller can print "sitehound: FILE:LINE: reason",
 * and the next line is read. allowlist_parse() allocates the entries,
 * their comments and the diagnostics; allowlist_free() releases them.
 * It returns 0 or -ENOMEM, and on -ENOMEM leaves *out empty.
 */
#ifndef SITEHOUND_PROVENANCE_ALLOWLIST_H
#define SITEHOUND_PROVENANCE_ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALLOWLIST_DIGEST_LEN 32 /* SHA-256, in bytes */

/*
 * Maximum number of entries kept. A site lists its own few hooks, so
 * thousands mean a wrong file; later digest lines are reported as bad.
 */
#define ALLOWLIST_MAX_ENTRIES 4096

/* Maximum line length in bytes, LF excluded; longer lines are reported and skipped. */
#define ALLOWLIST_MAX_LINE 4096

/* Maximum diagnostics kept; the rest are only counted in diags_dropped. */
#define ALLOWLIST_MAX_DIAGS 100

struct allowlist_entry {
	uint8_t digest[ALLOWLIST_DIGEST_LEN];
	char *comment; /* NUL-terminated, blanks trimmed at both ends, never empty */
	long line;
};

struct allowlist_diag {
	long line;
	const char *reason; /* static text, e.g. "invalid SHA-256 digest" */
};

struct allowlist {
	struct allowlist_entry *entries; /* sorted by digest */
	size_t count;
	struct allowlist_diag *diags;    /* in line order */
	size_t ndiags;
	unsigned long diags_dropped;     /* diagnostics beyond ALLOWLIST_MAX_DIAGS */
};

/* Parses buf[0..len); see the top of this file. Returns 0 or -ENOMEM. */
__attribute__((warn_unused_result))
int allowlist_parse(const char *buf, size_t len, struct allowlist *out);

/* Finds the entry for a SHA-256 digest; returns NULL when it is not listed. */
const struct allowlist_entry *allowlist_find(const struct allowlist *list,
					     const uint8_t digest[ALLOWLIST_DIGEST_LEN]);

void allowlist_free(struct allowlist *list);

#endif
