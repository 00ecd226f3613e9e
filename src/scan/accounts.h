/*
 * accounts: the home directories whose user sites and environments are
 * scanned: every account in the passwd file, plus /root and each directory
 * under /home that no passwd entry names (directory-service users).
 *
 * accounts_load() fills the list; accounts_free() releases it. A missing
 * or malformed passwd file is reported through the diagnostic callback and
 * the other sources are still used. Returns 0 or -ENOMEM.
 */
#ifndef SITEHOUND_SCAN_ACCOUNTS_H
#define SITEHOUND_SCAN_ACCOUNTS_H

#include <stddef.h>

#include "scan/fsroot.h"
#include "scan/scan.h"

/* The passwd file of a large directory-synced host stays below this. */
#define PASSWD_MAX (16u * 1024 * 1024)

struct account {
	char *name;
	char *home; /* normalised absolute path on the scanned system */
};

struct accounts {
	struct account *items;
	size_t count;
};

__attribute__((warn_unused_result))
int accounts_load(const struct fsroot *root, const struct scan_callbacks *cb, struct accounts *out);
/* Parses passwd text; lines that are not passwd entries are reported by number. */
__attribute__((warn_unused_result))
int accounts_parse_passwd(const char *buf, size_t len, const char *path,
			  const struct scan_callbacks *cb, struct accounts *out);
void accounts_free(struct accounts *list);

#endif
