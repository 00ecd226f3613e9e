/*
 * dpkg: which Debian package owns a path, and with which MD5.
 *
 * Three kinds of dpkg database text feed one index:
 * - /var/lib/dpkg/status, deb822 stanzas. Only a package whose Status is
 *   "install ok installed" counts; its Conffiles field lists
 *   " /path md5" lines, optionally followed by "obsolete" or
 *   "remove-on-upgrade". dpkg writes "newconffile" in place of the MD5 of
 *   a conffile it has not installed yet.
 * - /var/lib/dpkg/info/<pkg>[:<arch>].list, one absolute path per line,
 *   directories and symlinks included.
 * - /var/lib/dpkg/info/<pkg>[:<arch>].md5sums, "<32 hex>  path" lines with
 *   paths relative to "/". Conffiles and symlinks are not in it.
 * The caller reads the status file first, then each .list and .md5sums, so
 * the database is read once per scan. Parsing touches no file.
 *
 * The index owns all its strings; dpkg_index_free() releases them. Lookups
 * return pointers into the index, valid until it is freed. The add
 * functions return 0, -E2BIG when the index reaches DPKG_PATHS_MAX paths or
 * DPKG_TEXT_MAX bytes of stored text (what was added before stays usable),
 * -ENOENT when status was read and does not list the package as
 * installed, -EINVAL for a package name that is empty or contains a NUL, '/'
 * or newline, or -ENOMEM. Malformed lines are counted in index.errors with
 * the line number inside the text passed, and parsing goes on.
 */
#ifndef SITEHOUND_PROVENANCE_DPKG_H
#define SITEHOUND_PROVENANCE_DPKG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strmap.h"
#include "provenance/record.h"

/* Paths indexed. A minimal Debian 12 container with 801 packages lists
 * 129 589; large desktops are estimated at a few hundred thousand. */
#define DPKG_PATHS_MAX (1u << 20)
/* Bytes of path and package-name text stored, a cap on the index's memory
 * that excludes the per-path overhead of about 80 bytes. */
#define DPKG_TEXT_MAX (64u << 20)
/* Largest single input: the status file of the 801-package system above
 * is under 1 MiB. */
#define DPKG_INPUT_MAX (64u << 20)
/* Maximum length of an accepted package or architecture name. */
#define DPKG_NAME_MAX 256

enum dpkg_hash_source {
	DPKG_HASH_NONE,     /* listed in .list only, or a "newconffile" */
	DPKG_HASH_MD5SUMS,  /* from <pkg>.md5sums */
	DPKG_HASH_CONFFILE, /* from the status Conffiles field */
};

struct dpkg_path {
	size_t package;  /* index into dpkg_index.packages */
	enum dpkg_hash_source source;
	unsigned char md5[16];
	bool obsolete;          /* conffile marked "obsolete" */
	bool remove_on_upgrade; /* conffile marked "remove-on-upgrade" */
};

struct dpkg_package {
	char *name;         /* as in the Package field or the info file name */
	char *architecture; /* "" when unknown */
	char *version;      /* "" when unknown */
};

struct dpkg_index {
	struct strmap by_path;     /* path -> index into paths */
	struct strmap by_package;  /* "pkg" and "pkg:arch" -> index into packages */
	struct dpkg_path *paths;
	size_t npaths, paths_cap;
	struct dpkg_package *packages;
	size_t npackages, packages_cap;
	size_t text_bytes;
	bool have_status; /* after dpkg_index_add_status, unknown packages are rejected */
	struct prov_errors errors;
	/* When set, .list and .md5sums paths it rejects are not indexed, to save memory. */
	bool (*keep_path)(const char *path, size_t len);
};

void dpkg_index_init(struct dpkg_index *index);
void dpkg_index_free(struct dpkg_index *index);

/* Adds the installed packages of a status file and their conffiles. */
__attribute__((warn_unused_result))
int dpkg_index_add_status(struct dpkg_index *index, const char *data, size_t len);

/*
 * Adds the paths of a .list file for package, named as the file is without
 * ".list" ("libpython3.11-minimal:amd64" or "python3-setuptools").
 */
__attribute__((warn_unused_result))
int dpkg_index_add_list(struct dpkg_index *index, const char *package, size_t package_len,
                        const char *data, size_t len);

/* Adds the MD5s of a .md5sums file for package, named as for a .list. */
__attribute__((warn_unused_result))
int dpkg_index_add_md5sums(struct dpkg_index *index, const char *package, size_t package_len,
                           const char *data, size_t len);

/*
 * Returns the owner record of an absolute path, or NULL. The path is
 * looked up as given: the caller normalises it (see record_resolve). When
 * several packages list the same path (shared directories), the first one
 * added owns it.
 */
const struct dpkg_path *dpkg_index_find(const struct dpkg_index *index, const char *path,
                                        size_t path_len);

/* Returns the name of the package that owns p. */
const char *dpkg_path_package(const struct dpkg_index *index, const struct dpkg_path *p);

/*
 * Compares buf[0..len), a file's content, with the MD5 that p records:
 * PROV_NOT_LISTED for a NULL p, PROV_NO_HASH when p has no MD5. A changed
 * conffile may be an administrator's edit, so callers should rate a
 * conffile mismatch lower than an md5sums one.
 */
enum prov_verdict dpkg_verify(const struct dpkg_path *p, const void *buf, size_t len);

#endif
