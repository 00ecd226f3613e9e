/*
 * provdb: the package databases of one scanned root, read once per scan,
 * to find which package installed a file and whether its content still
 * matches what the package recorded.
 *
 * provdb_open() loads the Debian database (<root>/var/lib/dpkg/status and
 * every info/<pkg>.list and info/<pkg>.md5sums). A root without /var/lib/dpkg is
 * not an error. Python install records and conda-meta records are read on
 * demand by provdb_lookup() and cached per site directory or conda prefix,
 * so each is parsed at most once while it stays in the bounded cache.
 * Every file is read through fsroot, so nothing outside the root is opened.
 *
 * Problems with the databases (a file over its cap, malformed lines, a
 * directory that cannot be listed) are collected in db->diags and never
 * printed; the lookup goes on with what could be read. Functions return 0
 * or a negative errno: -ENOMEM, or -EINVAL for a path that is not absolute.
 * The db owns all its memory; provdb_close() releases it. Strings in a
 * struct prov_result are copies or static, so they outlive the db.
 */
#ifndef SITEHOUND_SCAN_PROVDB_H
#define SITEHOUND_SCAN_PROVDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "provenance/dpkg.h"
#include "provenance/record.h"
#include "scan/fsroot.h"

/* Largest status file read. Debian 12 with 801 packages has a status
 * file under 1 MiB. */
#define PROVDB_STATUS_BYTES_MAX (32u << 20)
/* Largest single info/<pkg>.list or .md5sums read; a longer one is
 * parsed up to its last complete line within the cap. The largest .list
 * on a Debian 12 desktop is a few MiB (an estimate). */
#define PROVDB_INFO_BYTES_MAX (16u << 20)
/* Site directories whose install records are cached at one time; the
 * oldest is dropped when a new one is needed. */
#define PROVDB_SITES_MAX 64
/* Install records (dist-info and egg-info directories) read per site
 * directory; the rest are reported and skipped. */
#define PROVDB_SITE_RECORDS_MAX 4096
/*
 * Install-record text read per site directory. A site-packages with 500
 * distributions has a few MiB of RECORD text (an estimate); the rest of a
 * larger directory is reported and not read.
 */
#define PROVDB_SITE_BYTES_MAX (32u << 20)
/*
 * Install-record text kept across all cached site directories; the oldest
 * sites are dropped to stay below it. Parsed records take about four times
 * their text (two 12 MiB RECORD files peaked at 124 MiB in test_provdb),
 * so this bounds the cache near 260 MiB.
 */
#define PROVDB_CACHE_BYTES_MAX (64u << 20)
/* conda-meta text read per prefix and kept across cached prefixes, as for sites. */
#define PROVDB_PREFIX_BYTES_MAX (32u << 20)
#define PROVDB_PREFIX_CACHE_BYTES_MAX (64u << 20)
/* Conda prefixes cached at one time, with the same eviction as sites. */
#define PROVDB_PREFIXES_MAX 16
/* conda-meta records read per prefix. */
#define PROVDB_PREFIX_RECORDS_MAX 4096
/* Parent directories climbed from a file to find a site directory. */
#define PROVDB_SITE_PARENTS_MAX 2
/* Parent directories climbed from a file to find a conda prefix. */
#define PROVDB_CONDA_PARENTS_MAX 8
/* Diagnostics kept in detail; the rest are only counted. */
#define PROVDB_DIAGS_MAX 64
/* Maximum length of an owner string, such as "python3-setuptools 66.1.1-1". */
#define PROVDB_OWNER_MAX 512

/* A problem with a database file: its path on the scanned system, the
 * 1-based line (0 for the whole file) and a static description. */
struct provdb_diag {
	char *path;
	size_t line;
	const char *message;
};

struct provdb_diags {
	struct provdb_diag first[PROVDB_DIAGS_MAX];
	size_t count; /* all problems, including those not in first[] */
};

struct provdb_site;
struct provdb_prefix;

struct provdb {
	const struct fsroot *root;
	struct dpkg_index dpkg;
	bool have_dpkg; /* <root>/var/lib/dpkg exists */
	struct provdb_site *sites[PROVDB_SITES_MAX];
	size_t sites_next; /* slot replaced next when the cache is full */
	size_t sites_bytes; /* install-record text held by the cached sites */
	struct provdb_prefix *prefixes[PROVDB_PREFIXES_MAX];
	size_t prefixes_next;
	size_t prefixes_bytes; /* conda-meta text held by the cached prefixes */
	struct provdb_diags diags;
};

/* The owner of a file and the way its content was checked. */
struct prov_result {
	enum prov_verdict verdict;
	char owner[PROVDB_OWNER_MAX]; /* "" when no record lists the file */
	const char *how;              /* static, such as "dpkg md5sums"; "" when not listed */
	bool conffile;                /* a dpkg conffile, which an admin may edit */
};

/* Loads the Debian database of root. root must outlive db. */
__attribute__((warn_unused_result))
int provdb_open(struct provdb *db, const struct fsroot *root);

/*
 * Looks up path, an absolute path on the scanned system, whose content is
 * content[0..len). dpkg is consulted first, then dist-info RECORD and
 * egg-info installed-files.txt records in the file's directory and up to
 * PROVDB_SITE_PARENTS_MAX parents, then conda-meta records of the nearest
 * prefix within PROVDB_CONDA_PARENTS_MAX parents. The first record that
 * lists the path decides; when none does, out->verdict is PROV_NOT_LISTED.
 */
__attribute__((warn_unused_result))
int provdb_lookup(struct provdb *db, const char *path, const uint8_t *content, size_t len,
                  struct prov_result *out);

void provdb_close(struct provdb *db);

#endif
