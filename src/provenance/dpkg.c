#include "provenance/dpkg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"

#define MD5_HEX_LEN 32

/* A line of input without its "\n" (and without a "\r" before it). */
struct line {
	const char *text;
	size_t len;
};

/* Moves *at past the next line; false at the end of data. */
static bool
next_line(const char *data, size_t len, size_t *at, struct line *out)
{
	const char *nl;
	size_t n;

	if (*at >= len)
		return false;
	nl = memchr(data + *at, '\n', len - *at);
	n = nl ? (size_t)(nl - (data + *at)) : len - *at;
	out->text = data + *at;
	out->len = n > 0 && out->text[n - 1] == '\r' ? n - 1 : n;
	*at += nl ? n + 1 : n;
	return true;
}

static struct line
trim(struct line l)
{
	while (l.len > 0 && (l.text[0] == ' ' || l.text[0] == '\t')) {
		l.text++;
		l.len--;
	}
	while (l.len > 0 && (l.text[l.len - 1] == ' ' || l.text[l.len - 1] == '\t'))
		l.len--;
	return l;
}

static bool
line_is(struct line l, const char *word)
{
	return l.len == strlen(word) && memcmp(l.text, word, l.len) == 0;
}

void
dpkg_index_init(struct dpkg_index *index)
{
	memset(index, 0, sizeof(*index));
}

void
dpkg_index_free(struct dpkg_index *index)
{
	size_t i;

	strmap_free(&index->by_path);
	strmap_free(&index->by_package);
	for (i = 0; i < index->npackages; i++) {
		free(index->packages[i].name);
		free(index->packages[i].architecture);
		free(index->packages[i].version);
	}
	free(index->packages);
	free(index->paths);
	dpkg_index_init(index);
}

/* Charges n bytes of stored text against DPKG_TEXT_MAX. */
static int
charge_text(struct dpkg_index *index, size_t n)
{
	if (n > DPKG_TEXT_MAX - index->text_bytes)
		return -E2BIG;
	index->text_bytes += n;
	return 0;
}

static char *
copy_text(const char *text, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		if (len > 0)
			memcpy(s, text, len);
		s[len] = '\0';
	}
	return s;
}

static bool
name_is_valid(const char *name, size_t len)
{
	return len > 0 && len <= DPKG_NAME_MAX && !memchr(name, '\0', len) &&
	       !memchr(name, '/', len) && !memchr(name, '\n', len);
}

/* Adds a package and its "name" and "name:arch" keys; *out is its index. */
static int
add_package(struct dpkg_index *index, struct line name, struct line arch, struct line version,
            size_t *out)
{
	char key[2 * DPKG_NAME_MAX + 2];
	struct dpkg_package *p;
	size_t unused;
	int rc;

	if (!name_is_valid(name.text, name.len) ||
	    (arch.len > 0 && !name_is_valid(arch.text, arch.len)) ||
	    (version.len > 0 && memchr(version.text, '\0', version.len)))
		return -EINVAL;
	if (index->npackages == index->packages_cap) {
		size_t ncap = index->packages_cap ? index->packages_cap * 2 : 256;
		struct dpkg_package *grown = realloc(index->packages, ncap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		index->packages = grown;
		index->packages_cap = ncap;
	}
	rc = charge_text(index, 2 * (name.len + arch.len) + version.len + 4);
	if (rc < 0)
		return rc;

	p = &index->packages[index->npackages];
	p->name = copy_text(name.text, name.len);
	p->architecture = copy_text(arch.text, arch.len);
	p->version = copy_text(version.text, version.len);
	if (!p->name || !p->architecture || !p->version) {
		free(p->name);
		free(p->architecture);
		free(p->version);
		return -ENOMEM;
	}
	*out = index->npackages++;

	memcpy(key, name.text, name.len);
	key[name.len] = '\0';
	if (!strmap_get(&index->by_package, key, &unused) &&
	    (rc = strmap_put(&index->by_package, key, *out)) < 0)
		return rc;
	if (arch.len > 0) {
		key[name.len] = ':';
		memcpy(key + name.len + 1, arch.text, arch.len);
		key[name.len + 1 + arch.len] = '\0';
		rc = strmap_put(&index->by_package, key, *out);
	}
	return rc;
}

/*
 * Finds the package named by an info file ("pkg" or "pkg:arch"). Before
 * status is read, an unknown name is added; after, it is -ENOENT.
 */
static int
lookup_package(struct dpkg_index *index, const char *name, size_t len, size_t *out)
{
	char key[DPKG_NAME_MAX + 1];
	struct line n = { name, len }, arch = { "", 0 }, version = { "", 0 };
	const char *colon;

	if (!name_is_valid(name, len))
		return -EINVAL;
	memcpy(key, name, len);
	key[len] = '\0';
	if (strmap_get(&index->by_package, key, out))
		return 0;
	if (index->have_status)
		return -ENOENT;
	colon = memchr(name, ':', len);
	if (colon) {
		n.len = (size_t)(colon - name);
		arch.text = colon + 1;
		arch.len = len - n.len - 1;
	}
	return add_package(index, n, arch, version, out);
}

/*
 * Finds or adds path; *out is its index, and *added is set when
 * it is new.
 * The path must be absolute and hold no NUL.
 */
static int
add_path(struct dpkg_index *index, size_t package, const char *path, size_t len, size_t *out,
         bool *added)
{
	char *key;
	int rc;

	*added = false;
	key = copy_text(path, len);
	if (!key)
		return -ENOMEM;
	if (strmap_get(&index->by_path, key, out)) {
		free(key);
		return 0;
	}
	rc = index->npaths >= DPKG_PATHS_MAX ? -E2BIG : charge_text(index, len + 1);
	if (rc == 0 && index->npaths == index->paths_cap) {
		size_t ncap = index->paths_cap ? index->paths_cap * 2 : 1024;
		struct dpkg_path *grown = realloc(index->paths, ncap * sizeof(*grown));

		if (grown) {
			index->paths = grown;
			index->paths_cap = ncap;
		} else {
			rc = -ENOMEM;
		}
	}
	if (rc == 0)
		rc = strmap_put(&index->by_path, key, index->npaths);
	free(key);
	if (rc < 0)
		return rc;

	*out = index->npaths++;
	*added = true;
	memset(&index->paths[*out], 0, sizeof(index->paths[*out]));
	index->paths[*out].package = package;
	return 0;
}

static bool
path_is_valid(struct line path)
{
	return path.len > 0 && path.len <= RECORD_PATH_MAX && path.text[0] == '/' &&
	       !memchr(path.text, '\0', path.len);
}

/* Takes the last space-separated word off l. */
static struct line
pop_word(struct line *l)
{
	struct line word;
	size_t i = l->len;

	while (i > 0 && l->text[i - 1] != ' ')
		i--;
	word.text = l->text + i;
	word.len = l->len - i;
	l->len = i;
	*l = trim(*l);
	return word;
}

/* Adds one " /path md5 [flags]" line of a Conffiles field. */
static int
add_conffile(struct dpkg_index *index, size_t package, struct line l, size_t line_no)
{
	struct dpkg_path entry = { .package = package, .source = DPKG_HASH_CONFFILE };
	struct line word;
	size_t at;
	bool added;
	int rc;

	l = trim(l);
	for (;;) {
		struct line rest = l;

		word = pop_word(&rest);
		if (line_is(word, "obsolete"))
			entry.obsolete = true;
		else if (line_is(word, "remove-on-upgrade"))
			entry.remove_on_upgrade = true;
		else
			break;
		l = rest;
	}
	word = pop_word(&l);
	if (line_is(word, "newconffile"))
		entry.source = DPKG_HASH_NONE;
	else if (word.len != MD5_HEX_LEN || !hex_decode(word.text, 16, entry.md5))
		word.len = 0;
	if (word.len == 0 || !path_is_valid(l)) {
		prov_errors_add(&index->errors, line_no, "conffile line is not \"/path md5 [flags]\"");
		return 0;
	}

	rc = add_path(index, package, l.text, l.len, &at, &added);
	if (rc < 0)
		return rc;
	/* A conffile moved between packages stays listed, obsolete, by the old one. */
	if (added || index->paths[at].package == package || index->paths[at].obsolete)
		index->paths[at] = entry;
	return 0;
}

/* The fields of one status stanza that the index uses. */
struct stanza {
	struct line package, status, architecture, version;
	const char *conffiles; /* continuation lines of Conffiles */
	size_t conffiles_len, conffiles_line;
	size_t package_line;
	bool in_conffiles;
};

static int
finish_stanza(struct dpkg_index *index, struct stanza *st)
{
	size_t package, at = 0, line_no;
	struct line l;
	int rc;

	if (st->package.len == 0 || !line_is(trim(st->status), "install ok installed"))
		goto out;
	rc = add_package(index, trim(st->package), trim(st->architecture), trim(st->version),
	                 &package);
	if (rc == -EINVAL) {
		prov_errors_add(&index->errors, st->package_line, "invalid package or architecture name");
		goto out;
	}
	if (rc < 0)
		return rc;
	for (line_no = st->conffiles_line; next_line(st->conffiles, st->conffiles_len, &at, &l);
	     line_no++) {
		if (trim(l).len == 0)
			continue;
		rc = add_conffile(index, package, l, line_no);
		if (rc < 0)
			return rc;
	}
out:
	memset(st, 0, sizeof(*st));
	return 0;
}

static bool
field_is(struct line name, const char *field)
{
	return name.len == strlen(field) && strncasecmp(name.text, field, name.len) == 0;
}

int
dpkg_index_add_status(struct dpkg_index *index, const char *data, size_t len)
{
	struct stanza st;
	size_t at = 0, line_no = 0;
	struct line l;
	int rc = 0;

	if (len > DPKG_INPUT_MAX)
		return -E2BIG;
	index->have_status = true;
	memset(&st, 0, sizeof(st));
	while (rc == 0 && next_line(data, len, &at, &l)) {
		const char *colon;
		struct line name, value;

		line_no++;
		if (l.len == 0) {
			rc = finish_stanza(index, &st);
			continue;
		}
		if (l.text[0] == ' ' || l.text[0] == '\t') {
			if (st.in_conffiles)
				st.conffiles_len = (size_t)(l.text + l.len - st.conffiles);
			continue;
		}
		st.in_conffiles = false;
		colon = memchr(l.text, ':', l.len);
		if (!colon) {
			prov_errors_add(&index->errors, line_no, "status line is not \"Field: value\"");
			continue;
		}
		name.text = l.text;
		name.len = (size_t)(colon - l.text);
		value.text = colon + 1;
		value.len = l.len - name.len - 1;
		if (field_is(name, "Package")) {
			st.package = value;
			st.package_line = line_no;
		} else if (field_is(name, "Status")) {
			st.status = value;
		} else if (field_is(name, "Architecture")) {
			st.architecture = value;
		} else if (field_is(name, "Version")) {
			st.version = value;
		} else if (field_is(name, "Conffiles")) {
			st.in_conffiles = true;
			st.conffiles = l.text + l.len;
			st.conffiles_len = 0;
			st.conffiles_line = line_no;
		}
	}
	if (rc == 0)
		rc = finish_stanza(index, &st);
	return rc;
}

int
dpkg_index_add_list(struct dpkg_index *index, const char *package, size_t package_len,
                    const char *data, size_t len)
{
	size_t pkg, at = 0, line_no = 0, unused;
	struct line l;
	bool added;
	int rc;

	if (len > DPKG_INPUT_MAX)
		return -E2BIG;
	rc = lookup_package(index, package, package_len, &pkg);
	while (rc == 0 && next_line(data, len, &at, &l)) {
		line_no++;
		if (l.len == 0)
			continue;
		/* dpkg lists the root directory as "/.". */
		if (line_is(l, "/."))
			l.len = 1;
		if (!path_is_valid(l)) {
			prov_errors_add(&index->errors, line_no, "list line is not an absolute path");
			continue;
		}
		if (index->keep_path && !index->keep_path(l.text, l.len))
			continue;
		rc = add_path(index, pkg, l.text, l.len, &unused, &added);
	}
	return rc;
}

int
dpkg_index_add_md5sums(struct dpkg_index *index, const char *package, size_t package_len,
                       const char *data, size_t len)
{
	char path[RECORD_PATH_MAX + 1];
	size_t pkg, at = 0, line_no = 0, slot;
	struct line l;
	bool added;
	int rc;

	if (len > DPKG_INPUT_MAX)
		return -E2BIG;
	rc = lookup_package(index, package, package_len, &pkg);
	while (rc == 0 && next_line(data, len, &at, &l)) {
		unsigned char md5[16];
		struct line rel;

		line_no++;
		if (l.len == 0)
			continue;
		/* dpkg writes two spaces; md5sum's binary mode writes " *". */
		if (l.len < MD5_HEX_LEN + 2 || l.text[MD5_HEX_LEN] != ' ' ||
		    !hex_decode(l.text, 16, md5))
			goto malformed;
		rel.text = l.text + MD5_HEX_LEN + 1;
		rel.len = l.len - MD5_HEX_LEN - 1;
		if (rel.text[0] == ' ' || rel.text[0] == '*') {
			rel.text++;
			rel.len--;
		}
		while (rel.len > 0 && rel.text[0] == '/') {
			rel.text++;
			rel.len--;
		}
		if (rel.len == 0 || rel.len >= RECORD_PATH_MAX || memchr(rel.text, '\0', rel.len))
			goto malformed;
		path[0] = '/';
		memcpy(path + 1, rel.text, rel.len);
		if (index->keep_path && !index->keep_path(path, rel.len + 1))
			continue;
		rc = add_path(index, pkg, path, rel.len + 1, &slot, &added);
		/* A path that another package owns (a diversion, a Replaces) keeps its owner. */
		if (rc == 0 && index->paths[slot].package == pkg) {
			index->paths[slot].source = DPKG_HASH_MD5SUMS;
			memcpy(index->paths[slot].md5, md5, sizeof(md5));
		}
		continue;
	malformed:
		prov_errors_add(&index->errors, line_no, "md5sums line is not \"<32 hex>  path\"");
	}
	return rc;
}

const struct dpkg_path *
dpkg_index_find(const struct dpkg_index *index, const char *path, size_t path_len)
{
	char *key;
	size_t at;
	bool found;

	if (path_len == 0 || path_len > RECORD_PATH_MAX || memchr(path, '\0', path_len))
		return NULL;
	key = copy_text(path, path_len);
	if (!key)
		return NULL;
	found = strmap_get(&index->by_path, key, &at);
	free(key);
	return found ? &index->paths[at] : NULL;
}

const char *
dpkg_path_package(const struct dpkg_index *index, const struct dpkg_path *p)
{
	return index->packages[p->package].name;
}

enum prov_verdict
dpkg_verify(const struct dpkg_path *p, const void *buf, size_t len)
{
	if (!p)
		return PROV_NOT_LISTED;
	if (p->source == DPKG_HASH_NONE)
		return PROV_NO_HASH;
	return prov_compare_digest("md5", p->md5, sizeof(p->md5), buf, len);
}
