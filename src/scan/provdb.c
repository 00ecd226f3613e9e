/*
 * provdb: see provdb.h. The Debian database is indexed whole at open;
 * Python and conda records are indexed per directory on first use, keyed
 * by the absolute normalised path that each entry resolves to.
 */
#include "scan/provdb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/strmap.h"
#include "provenance/condameta.h"

#define DPKG_DIR "/var/lib/dpkg"
#define DPKG_INFO_DIR "/var/lib/dpkg/info"

/* A dist-info or egg-info directory and its parsed file list. */
struct provdb_install {
	char *name;
	char *version;
	bool egg_info; /* installed-files.txt, which has no digests */
	struct record rec;
};

/* The install records found directly in one directory. */
struct provdb_site {
	char *dir;
	struct provdb_install *installs;
	size_t count, cap;
	size_t bytes; /* install-record text read for this site */
	struct strmap by_path; /* resolved path -> install * RECORD_ENTRIES_MAX + entry */
};

/* The conda-meta records of one environment prefix. */
struct provdb_prefix {
	char *dir;
	struct conda_meta *metas;
	size_t count, cap;
	size_t bytes; /* conda-meta text read for this prefix */
	struct strmap by_path; /* prefix-relative path -> meta * CONDA_META_PATHS_MAX + path */
};

static void
diag_add(struct provdb *db, const char *path, size_t line, const char *message)
{
	struct provdb_diag *d;

	if (db->diags.count < PROVDB_DIAGS_MAX) {
		d = &db->diags.first[db->diags.count];
		d->path = strdup(path); /* NULL on allocation failure; the count still rises */
		d->line = line;
		d->message = message;
	}
	db->diags.count++;
}

/* Copies the parser errors numbered from..errors->count into diagnostics. */
static void
diag_copy_errors(struct provdb *db, const char *path, const struct prov_errors *errors,
                 size_t from)
{
	for (size_t i = from; i < errors->count; i++) {
		if (i < PROV_ERRORS_MAX)
			diag_add(db, path, errors->first[i].line, errors->first[i].reason);
		else
			diag_add(db, path, 0, "malformed line (details past the error cap)");
	}
}

/* Makes room for one more element after count, doubling *cap as needed. */
static int
grow_array(void **array, size_t *cap, size_t count, size_t size)
{
	size_t new_cap;
	void *grown;

	if (count < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 8;
	grown = realloc(*array, new_cap * size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	*cap = new_cap;
	return 0;
}

static bool
has_suffix(const char *s, const char *suffix, size_t *stem_len)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n <= m || memcmp(s + n - m, suffix, m) != 0)
		return false;
	*stem_len = n - m;
	return true;
}

/* A static description of a read error, for diagnostics that keep no errno. */
static const char *
read_error_text(int rc)
{
	switch (rc) {
	case -ENOMEM:
		return "out of memory reading file";
	case -EACCES:
	case -EPERM:
		return "cannot read file: permission denied";
	case -EISDIR:
		return "cannot read file: it is a directory";
	case -EINVAL:
		return "cannot read file: not a regular file";
	case -ELOOP:
		return "cannot read file: too many levels of symbolic links";
	case -EXDEV:
		return "cannot read file: a symbolic link leads out of the scanned root";
	default:
		return "cannot read file";
	}
}

/*
 * Reads path with cap max. A file over the cap is cut after its last
 * complete line and reported. A missing file is -ENOENT with no
 * diagnostic, so callers decide whether absence matters.
 */
static int
read_capped(struct provdb *db, const char *path, size_t max, uint8_t **buf, size_t *len)
{
	bool truncated = false;
	int rc = fsroot_read_file(db->root, path, max, buf, len, &truncated);

	if (rc == -ENOENT)
		return rc;
	if (rc < 0) {
		diag_add(db, path, 0, read_error_text(rc));
		return rc;
	}
	if (truncated) {
		diag_add(db, path, 0, "file exceeds its size cap; read up to the cap");
		while (*len > 0 && (*buf)[*len - 1] != '\n')
			(*len)--;
	}
	return 0;
}

/* ---- Debian ---- */

static const char *
dpkg_add_message(int rc)
{
	switch (rc) {
	case -E2BIG:
		return "dpkg index cap reached; later entries ignored";
	case -ENOENT:
		return "package is not installed according to the status file";
	case -EINVAL:
		return "invalid package name in file name";
	default:
		return "cannot index file";
	}
}

/* Indexes one info file; returns -E2BIG or -ENOMEM when loading must stop. */
static int
load_dpkg_info(struct provdb *db, const char *name)
{
	size_t stem_len, before = db->dpkg.errors.count;
	bool is_list;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *path;
	int rc;

	if (has_suffix(name, ".list", &stem_len))
		is_list = true;
	else if (has_suffix(name, ".md5sums", &stem_len))
		is_list = false;
	else
		return 0;
	path = path_join(DPKG_INFO_DIR, name);
	if (!path)
		return -ENOMEM;
	rc = read_capped(db, path, PROVDB_INFO_BYTES_MAX, &buf, &len);
	if (rc == -ENOMEM)
		goto out;
	if (rc < 0) {
		if (rc == -ENOENT)
			diag_add(db, path, 0, "file in the listing cannot be opened");
		rc = 0;
		goto out;
	}

	if (is_list)
		rc = dpkg_index_add_list(&db->dpkg, name, stem_len, (const char *)buf, len);
	else
		rc = dpkg_index_add_md5sums(&db->dpkg, name, stem_len, (const char *)buf, len);
	diag_copy_errors(db, path, &db->dpkg.errors, before);
	if (rc < 0 && rc != -ENOMEM)
		diag_add(db, path, 0, dpkg_add_message(rc));
	if (rc == -ENOENT || rc == -EINVAL)
		rc = 0;
out:
	free(buf);
	free(path);
	return rc;
}

static int
load_dpkg(struct provdb *db)
{
	const char *status = DPKG_DIR "/status";
	struct dirlist list = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (!fsroot_is_dir(db->root, DPKG_DIR))
		return 0;
	db->have_dpkg = true;

	rc = read_capped(db, status, PROVDB_STATUS_BYTES_MAX, &buf, &len);
	if (rc == -ENOMEM)
		return rc;
	if (rc == -ENOENT)
		diag_add(db, status, 0, "missing; package versions and conffiles unknown");
	if (rc == 0) {
		rc = dpkg_index_add_status(&db->dpkg, (const char *)buf, len);
		free(buf);
		diag_copy_errors(db, status, &db->dpkg.errors, 0);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0)
			diag_add(db, status, 0, dpkg_add_message(rc));
	}

	rc = fsroot_listdir(db->root, DPKG_INFO_DIR, &list);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		diag_add(db, DPKG_INFO_DIR, 0, "cannot list directory");
		return 0;
	}
	if (list.truncated)
		diag_add(db, DPKG_INFO_DIR, 0, "directory listing truncated at its cap");
	dirlist_sort_bytes(&list);
	for (size_t i = 0; i < list.count; i++) {
		rc = load_dpkg_info(db, list.names[i]);
		if (rc < 0)
			break;
	}
	dirlist_free(&list);
	return rc == -ENOMEM ? rc : 0;
}

/* ---- Python install records ---- */

/* Splits "name-version[-tag]" into fresh name and version strings. */
static int
split_name_version(const char *stem, size_t stem_len, char **name, char **version)
{
	const char *dash = memchr(stem, '-', stem_len);
	size_t name_len = dash ? (size_t)(dash - stem) : stem_len;
	const char *v = dash ? dash + 1 : stem + stem_len;
	const char *end = stem + stem_len;
	const char *vdash = memchr(v, '-', (size_t)(end - v));

	*name = strndup(stem, name_len);
	*version = strndup(v, (size_t)((vdash ? vdash : end) - v));
	if (!*name || !*version) {
		free(*name);
		free(*version);
		return -ENOMEM;
	}
	return 0;
}

static void
site_free(struct provdb_site *site)
{
	if (!site)
		return;
	for (size_t i = 0; i < site->count; i++) {
		free(site->installs[i].name);
		free(site->installs[i].version);
		record_free(&site->installs[i].rec);
	}
	free(site->installs);
	strmap_free(&site->by_path);
	free(site->dir);
	free(site);
}

/* Adds every entry of install number idx to the site's path map. */
static int
site_index_install(struct provdb_site *site, size_t idx, const char *base)
{
	const struct record *rec = &site->installs[idx].rec;
	struct strbuf resolved;
	int rc = 0;

	strbuf_init(&resolved, RECORD_PATH_MAX + 1);
	for (size_t j = 0; j < rec->count; j++) {
		size_t existing;
		int r = record_resolve(base, strlen(base), rec->entries[j].path,
		                       rec->entries[j].path_len, &resolved);

		if (r == -ENOMEM) {
			rc = r;
			break;
		}
		if (r < 0 || strbuf_putc(&resolved, '\0') < 0)
			continue;
		if (strmap_get(&site->by_path, resolved.data, &existing))
			continue;
		rc = strmap_put(&site->by_path, resolved.data, idx * RECORD_ENTRIES_MAX + j);
		if (rc < 0)
			break;
	}
	strbuf_free(&resolved);
	return rc;
}

/*
 * Reads the install record of one dist-info or egg-info directory into
 * the next install slot. A directory without its file list is skipped,
 * as Debian's own egg-info directories have none.
 */
static int
site_load_install(struct provdb *db, struct provdb_site *site, const char *entry,
                  size_t stem_len, bool egg_info)
{
	struct provdb_install *inst = &site->installs[site->count];
	char *info_dir = path_join(site->dir, entry);
	char *file = info_dir ? path_join(info_dir, egg_info ? "installed-files.txt" : "RECORD")
	                      : NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = -ENOMEM;

	if (!file)
		goto out;
	rc = read_capped(db, file, RECORD_BYTES_MAX, &buf, &len);
	if (rc < 0) {
		rc = rc == -ENOMEM ? rc : 0;
		goto out;
	}
	if (site->bytes + len > PROVDB_SITE_BYTES_MAX) {
		diag_add(db, site->dir, 0, "install records of this directory exceed 32 MiB; "
			 "the rest were not read");
		rc = 1;
		goto out;
	}
	site->bytes += len;
	record_init(&inst->rec);
	rc = egg_info ? record_parse_installed_files(&inst->rec, (const char *)buf, len)
	              : record_parse(&inst->rec, (const char *)buf, len);
	diag_copy_errors(db, file, &inst->rec.errors, 0);
	if (rc == -E2BIG)
		diag_add(db, file, 0, "record exceeds its entry cap; later entries ignored");
	if (rc == -ENOMEM || split_name_version(entry, stem_len, &inst->name, &inst->version) < 0) {
		record_free(&inst->rec);
		rc = -ENOMEM;
		goto out;
	}
	inst->egg_info = egg_info;
	site->count++;
	/* installed-files.txt paths are relative to the .egg-info directory. */
	rc = site_index_install(site, site->count - 1, egg_info ? info_dir : site->dir);
out:
	free(buf);
	free(file);
	free(info_dir);
	return rc;
}

static int
site_load(struct provdb *db, const char *dir, struct provdb_site **out)
{
	struct provdb_site *site = calloc(1, sizeof(*site));
	struct dirlist list = { 0 };
	int rc;

	if (!site || !(site->dir = strdup(dir))) {
		free(site);
		return -ENOMEM;
	}
	rc = fsroot_listdir(db->root, dir, &list);
	if (rc == -ENOMEM)
		goto fail;
	if (rc < 0) {
		/* Not a directory, or unreadable: cache it as holding no records. */
		*out = site;
		return 0;
	}
	dirlist_sort_bytes(&list);
	for (size_t i = 0; i < list.count; i++) {
		size_t stem_len;
		bool egg_info;

		if (has_suffix(list.names[i], ".dist-info", &stem_len))
			egg_info = false;
		else if (has_suffix(list.names[i], ".egg-info", &stem_len))
			egg_info = true;
		else
			continue;
		if (site->count == PROVDB_SITE_RECORDS_MAX) {
			diag_add(db, dir, 0, "too many install records in directory; rest ignored");
			break;
		}
		rc = grow_array((void **)&site->installs, &site->cap, site->count,
		                sizeof(*site->installs));
		if (rc < 0)
			goto fail;
		rc = site_load_install(db, site, list.names[i], stem_len, egg_info);
		if (rc < 0)
			goto fail;
		if (rc == 1)
			break; /* the directory's byte budget is spent */
	}
	dirlist_free(&list);
	*out = site;
	return 0;
fail:
	dirlist_free(&list);
	site_free(site);
	return rc;
}

static void
drop_site(struct provdb *db, size_t slot)
{
	if (!db->sites[slot])
		return;
	db->sites_bytes -= db->sites[slot]->bytes;
	site_free(db->sites[slot]);
	db->sites[slot] = NULL;
}

/* Returns the cached site for dir, loading it and evicting the oldest when needed. */
static int
site_get(struct provdb *db, const char *dir, struct provdb_site **out)
{
	size_t slot;
	int rc;

	for (size_t i = 0; i < PROVDB_SITES_MAX; i++) {
		if (db->sites[i] && strcmp(db->sites[i]->dir, dir) == 0) {
			*out = db->sites[i];
			return 0;
		}
	}
	rc = site_load(db, dir, out);
	if (rc < 0)
		return rc;
	slot = db->sites_next;
	drop_site(db, slot);
	/* Drop the oldest other sites while the cache keeps too much record text. */
	for (size_t k = 1; k < PROVDB_SITES_MAX &&
	     db->sites_bytes + (*out)->bytes > PROVDB_CACHE_BYTES_MAX; k++)
		drop_site(db, (slot + k) % PROVDB_SITES_MAX);
	db->sites[slot] = *out;
	db->sites_bytes += (*out)->bytes;
	db->sites_next = (slot + 1) % PROVDB_SITES_MAX;
	return 0;
}

static const char *
record_how(const struct provdb_install *inst, const struct record_entry *entry)
{
	if (inst->egg_info)
		return "installed-files.txt (no hash)";
	if (entry->digest_len == 0)
		return "RECORD (no hash)";
	if (strcmp(entry->algorithm, "sha256") == 0)
		return "RECORD sha256";
	if (strcmp(entry->algorithm, "sha384") == 0)
		return "RECORD sha384";
	if (strcmp(entry->algorithm, "sha512") == 0)
		return "RECORD sha512";
	return "RECORD (other digest)";
}

static void
set_owner(struct prov_result *out, const char *name, const char *version, const char *source)
{
	int n;

	if (source)
		n = snprintf(out->owner, sizeof(out->owner), "%s %s (%s)", name, version, source);
	else if (version[0])
		n = snprintf(out->owner, sizeof(out->owner), "%s %s", name, version);
	else
		n = snprintf(out->owner, sizeof(out->owner), "%s", name);
	/* A name too long for the buffer keeps its first bytes, marked with "...". */
	if (n < 0 || (size_t)n >= sizeof(out->owner))
		memcpy(out->owner + sizeof(out->owner) - 4, "...", 4);
}

/* Looks the path up in the install records of dir; *found is set on a hit. */
static int
lookup_site(struct provdb *db, const char *dir, const char *path, const uint8_t *content,
            size_t len, struct prov_result *out, bool *found)
{
	struct provdb_site *site;
	const struct provdb_install *inst;
	const struct record_entry *entry;
	size_t value;
	int rc = site_get(db, dir, &site);

	if (rc < 0)
		return rc;
	if (!strmap_get(&site->by_path, path, &value))
		return 0;
	inst = &site->installs[value / RECORD_ENTRIES_MAX];
	entry = &inst->rec.entries[value % RECORD_ENTRIES_MAX];
	out->verdict = record_verify(entry, content, len);
	out->how = record_how(inst, entry);
	set_owner(out, inst->name, inst->version,
	          inst->egg_info ? "installed-files.txt" : "RECORD");
	*found = true;
	return 0;
}

/* ---- conda ---- */

static void
prefix_free(struct provdb_prefix *prefix)
{
	if (!prefix)
		return;
	for (size_t i = 0; i < prefix->count; i++)
		conda_meta_free(&prefix->metas[i]);
	free(prefix->metas);
	strmap_free(&prefix->by_path);
	free(prefix->dir);
	free(prefix);
}

static int
prefix_load_meta(struct provdb *db, struct provdb_prefix *prefix, const char *file)
{
	struct conda_meta *meta = &prefix->metas[prefix->count];
	size_t idx = prefix->count;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = read_capped(db, file, CONDA_META_BYTES_MAX, &buf, &len);

	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;
	if (prefix->bytes + len > PROVDB_PREFIX_BYTES_MAX) {
		free(buf);
		diag_add(db, file, 0, "conda-meta records of this prefix exceed 32 MiB; "
			 "the rest were not read");
		return 1;
	}
	prefix->bytes += len;
	conda_meta_init(meta);
	rc = conda_meta_parse(meta, (const char *)buf, len);
	free(buf);
	diag_copy_errors(db, file, &meta->errors, 0);
	if (rc == -ENOMEM || rc == -EINVAL) {
		conda_meta_free(meta);
		if (rc == -EINVAL)
			diag_add(db, file, 0, "not a conda-meta JSON object");
		return rc == -ENOMEM ? rc : 0;
	}
	if (rc == -E2BIG)
		diag_add(db, file, 0, "record exceeds its cap; later paths ignored");
	prefix->count++;
	for (size_t j = 0; j < meta->count; j++) {
		size_t existing;

		if (strmap_get(&prefix->by_path, meta->paths[j].path, &existing))
			continue;
		rc = strmap_put(&prefix->by_path, meta->paths[j].path,
		                idx * CONDA_META_PATHS_MAX + j);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
prefix_load(struct provdb *db, const char *dir, const char *meta_dir, struct provdb_prefix **out)
{
	struct provdb_prefix *prefix = calloc(1, sizeof(*prefix));
	struct dirlist list = { 0 };
	int rc;

	if (!prefix || !(prefix->dir = strdup(dir))) {
		prefix_free(prefix);
		return -ENOMEM;
	}
	rc = fsroot_listdir(db->root, meta_dir, &list);
	if (rc < 0) {
		if (rc != -ENOMEM) {
			diag_add(db, meta_dir, 0, "cannot list directory");
			*out = prefix;
			return 0;
		}
		prefix_free(prefix);
		return rc;
	}
	dirlist_sort_bytes(&list);
	for (size_t i = 0; i < list.count && rc >= 0; i++) {
		size_t stem_len;
		char *file;

		if (!has_suffix(list.names[i], ".json", &stem_len))
			continue;
		if (prefix->count == PROVDB_PREFIX_RECORDS_MAX) {
			diag_add(db, meta_dir, 0, "too many conda-meta records; rest ignored");
			break;
		}
		rc = grow_array((void **)&prefix->metas, &prefix->cap, prefix->count,
		                sizeof(*prefix->metas));
		if (rc < 0)
			break;
		file = path_join(meta_dir, list.names[i]);
		rc = file ? prefix_load_meta(db, prefix, file) : -ENOMEM;
		free(file);
		if (rc == 1)
			break; /* the prefix's byte budget is spent */
	}
	dirlist_free(&list);
	if (rc < 0) {
		prefix_free(prefix);
		return rc;
	}
	*out = prefix;
	return 0;
}

static void
drop_prefix(struct provdb *db, size_t slot)
{
	if (!db->prefixes[slot])
		return;
	db->prefixes_bytes -= db->prefixes[slot]->bytes;
	prefix_free(db->prefixes[slot]);
	db->prefixes[slot] = NULL;
}

static int
prefix_get(struct provdb *db, const char *dir, const char *meta_dir, struct provdb_prefix **out)
{
	size_t slot;
	int rc;

	for (size_t i = 0; i < PROVDB_PREFIXES_MAX; i++) {
		if (db->prefixes[i] && strcmp(db->prefixes[i]->dir, dir) == 0) {
			*out = db->prefixes[i];
			return 0;
		}
	}
	rc = prefix_load(db, dir, meta_dir, out);
	if (rc < 0)
		return rc;
	slot = db->prefixes_next;
	drop_prefix(db, slot);
	for (size_t k = 1; k < PROVDB_PREFIXES_MAX &&
	     db->prefixes_bytes + (*out)->bytes > PROVDB_PREFIX_CACHE_BYTES_MAX; k++)
		drop_prefix(db, (slot + k) % PROVDB_PREFIXES_MAX);
	db->prefixes[slot] = *out;
	db->prefixes_bytes += (*out)->bytes;
	db->prefixes_next = (slot + 1) % PROVDB_PREFIXES_MAX;
	return 0;
}

/* Finds the nearest conda prefix above path and looks path up in it. */
static int
lookup_conda(struct provdb *db, const char *path, const uint8_t *content, size_t len,
             struct prov_result *out, bool *found)
{
	char *dir = path_dirname(path);
	int rc = 0;

	for (int level = 0; dir && level <= PROVDB_CONDA_PARENTS_MAX; level++) {
		char *meta_dir = path_join(dir, "conda-meta");
		char *parent;

		if (!meta_dir) {
			rc = -ENOMEM;
			break;
		}
		if (fsroot_is_dir(db->root, meta_dir)) {
			struct provdb_prefix *prefix;
			size_t skip = strcmp(dir, "/") == 0 ? 1 : strlen(dir) + 1;
			size_t value;

			rc = prefix_get(db, dir, meta_dir, &prefix);
			free(meta_dir);
			if (rc == 0 && strmap_get(&prefix->by_path, path + skip, &value)) {
				const struct conda_meta *meta =
					&prefix->metas[value / CONDA_META_PATHS_MAX];
				const struct conda_path *p =
					&meta->paths[value % CONDA_META_PATHS_MAX];

				out->verdict = conda_verify(p, content, len);
				out->how = p->has_sha256 || p->has_sha256_in_prefix
				                   ? "conda-meta sha256"
				                   : "conda-meta (no hash)";
				set_owner(out, meta->name, meta->version, "conda");
				*found = true;
			}
			break;
		}
		free(meta_dir);
		if (strcmp(dir, "/") == 0)
			break;
		parent = path_dirname(dir);
		free(dir);
		dir = parent;
	}
	if (!dir)
		rc = -ENOMEM;
	free(dir);
	return rc;
}

/* ---- public ---- */

static bool
ends_with(const char *path, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(path + len - n, suffix, n) == 0;
}

/*
 * Whether a packaged path may be a start-up hook or Python code that one
 * imports: it names python (site directories, the standard library,
 * /etc/python3.X) or ends in .py, .pyc or .pth. Debian 12 lists about
 * 100,000 paths; indexing only these keeps the index to a few MiB.
 */
static bool
may_hold_python(const char *path, size_t len)
{
	return memmem(path, len, "python", 6) || ends_with(path, len, ".py") ||
	       ends_with(path, len, ".pyc") || ends_with(path, len, ".pth");
}

int
provdb_open(struct provdb *db, const struct fsroot *root)
{
	int rc;

	memset(db, 0, sizeof(*db));
	db->root = root;
	dpkg_index_init(&db->dpkg);
	db->dpkg.keep_path = may_hold_python;
	rc = load_dpkg(db);
	if (rc < 0)
		provdb_close(db);
	return rc;
}

static void
lookup_dpkg(struct provdb *db, const char *path, const uint8_t *content, size_t len,
            struct prov_result *out, bool *found)
{
	const struct dpkg_path *p = dpkg_index_find(&db->dpkg, path, strlen(path));

	if (!p)
		return;
	out->verdict = dpkg_verify(p, content, len);
	out->conffile = p->source == DPKG_HASH_CONFFILE;
	switch (p->source) {
	case DPKG_HASH_MD5SUMS:
		out->how = "dpkg md5sums";
		break;
	case DPKG_HASH_CONFFILE:
		out->how = "dpkg conffile";
		break;
	default:
		out->how = "dpkg list (no hash)";
		break;
	}
	set_owner(out, dpkg_path_package(&db->dpkg, p), db->dpkg.packages[p->package].version,
	          NULL);
	*found = true;
}

int
provdb_lookup(struct provdb *db, const char *path, const uint8_t *content, size_t len,
              struct prov_result *out)
{
	char *norm, *dir;
	bool found = false;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->verdict = PROV_NOT_LISTED;
	out->how = "";
	if (!path || path[0] != '/')
		return -EINVAL;
	norm = path_normalize("/", path);
	if (!norm)
		return -ENOMEM;

	lookup_dpkg(db, norm, content, len, out, &found);

	dir = found ? NULL : path_dirname(norm);
	for (int level = 0; dir && !found && level <= PROVDB_SITE_PARENTS_MAX; level++) {
		char *parent;

		rc = lookup_site(db, dir, norm, content, len, out, &found);
		if (rc < 0 || strcmp(dir, "/") == 0)
			break;
		parent = path_dirname(dir);
		free(dir);
		dir = parent;
		if (!dir)
			rc = -ENOMEM;
	}
	free(dir);

	if (rc == 0 && !found)
		rc = lookup_conda(db, norm, content, len, out, &found);
	free(norm);
	return rc;
}

void
provdb_close(struct provdb *db)
{
	dpkg_index_free(&db->dpkg);
	for (size_t i = 0; i < PROVDB_SITES_MAX; i++) {
		site_free(db->sites[i]);
		db->sites[i] = NULL;
	}
	for (size_t i = 0; i < PROVDB_PREFIXES_MAX; i++) {
		prefix_free(db->prefixes[i]);
		db->prefixes[i] = NULL;
	}
	for (size_t i = 0; i < db->diags.count && i < PROVDB_DIAGS_MAX; i++) {
		free(db->diags.first[i].path);
		db->diags.first[i].path = NULL;
	}
	db->diags.count = 0;
}
