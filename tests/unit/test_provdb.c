/*
 * Unit tests for provdb: the provenance database of one scanned root.
 * The live tests open "/" read-only and look up files that Debian and
 * pyenv installed on this machine. The pyenv case skips with a printed
 * reason when no pyenv setuptools is present. The fixture tests build a
 * root in a mkdtemp directory with a small dpkg database, dist-info,
 * egg-info and conda-meta records, and symlinks that point outside it.
 * Digests are computed with OpenSSL through prov_digest, not written in.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "provenance/record.h"
#include "scan/fsroot.h"
#include "scan/provdb.h"

/* ---- helpers ---- */

#define TREE_TEMPLATE "/tmp/sitehound-provdb-XXXXXX"
#define OUTSIDE_TEMPLATE "/tmp/sitehound-provdb-outside-XXXXXX"

/* The fixture root and a directory beside it, refilled from the
 * templates by each setup because mkdtemp overwrites the X's. */
static char tree[sizeof(TREE_TEMPLATE)];
static char outside[sizeof(OUTSIDE_TEMPLATE)];

static void
make_dirs(const char *base, const char *rel)
{
	char path[1024];

	assert_true(snprintf(path, sizeof(path), "%s/%s", base, rel) < (int)sizeof(path));
	for (char *p = path + strlen(base) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

static void
put_in(const char *base, const char *rel, const char *text)
{
	char path[1024];
	FILE *fp;

	assert_true(snprintf(path, sizeof(path), "%s/%s", base, rel) < (int)sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
link_in(const char *base, const char *target, const char *rel)
{
	char path[1024];

	assert_true(snprintf(path, sizeof(path), "%s/%s", base, rel) < (int)sizeof(path));
	assert_int_equal(symlink(target, path), 0);
}

static void
remove_tree(const char *dir)
{
	char cmd[1100];

	assert_true(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) < (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

/* Writes the algorithm digest of text into out as lowercase hex. */
static void
hex_digest(const char *algorithm, const char *text, char *out, size_t out_size)
{
	unsigned char d[PROV_DIGEST_MAX];
	size_t n = 0;

	assert_int_equal(prov_digest(algorithm, text, strlen(text), d, &n), 0);
	assert_true(out_size > 2 * n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(snprintf(out + 2 * i, 3, "%02x", d[i]), 2);
}

/* Writes the SHA-256 of text as RECORD stores it: urlsafe base64, no padding. */
static void
record_digest(const char *text, char *out, size_t out_size)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char d[PROV_DIGEST_MAX];
	size_t n = 0, o = 0;
	unsigned bits = 0, nbits = 0;

	assert_int_equal(prov_digest("sha256", text, strlen(text), d, &n), 0);
	for (size_t i = 0; i < n; i++) {
		bits = (bits << 8) | d[i];
		nbits += 8;
		while (nbits >= 6) {
			assert_true(o + 1 < out_size);
			out[o++] = alphabet[(bits >> (nbits - 6)) & 63];
			nbits -= 6;
		}
	}
	if (nbits > 0)
		out[o++] = alphabet[(bits << (6 - nbits)) & 63];
	out[o] = '\0';
}

/* Reads path under root and looks it up; returns the lookup's result code. */
static int
lookup_file(struct provdb *db, const struct fsroot *root, const char *path,
            struct prov_result *out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated = false;
	int rc = fsroot_read_file(root, path, 1u << 24, &buf, &len, &truncated);

	if (rc < 0)
		return rc;
	assert_false(truncated);
	rc = provdb_lookup(db, path, buf, len, out);
	free(buf);
	return rc;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
has_diag(const struct provdb *db, const char *path, const char *word)
{
	for (size_t i = 0; i < db->diags.count && i < PROVDB_DIAGS_MAX; i++) {
		const struct provdb_diag *d = &db->diags.first[i];

		if (d->path && strcmp(d->path, path) == 0 && strstr(d->message, word))
			return true;
	}
	return false;
}

/* ---- live root ---- */

static void
test_live_setuptools_md5sums(void **state)
{
	const char *path = "/usr/lib/python3/dist-packages/distutils-precedence.pth";
	struct fsroot root;
	struct provdb db;
	struct prov_result r;

	(void)state;
	assert_int_equal(fsroot_open(&root, "/"), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	assert_true(db.have_dpkg);

	assert_int_equal(lookup_file(&db, &root, path, &r), 0);
	assert_int_equal(r.verdict, PROV_MATCH);
	assert_true(starts_with(r.owner, "python3-setuptools "));
	assert_string_equal(r.how, "dpkg md5sums");
	assert_false(r.conffile);

	assert_int_equal(lookup_file(&db, &root, "/etc/python3.11/sitecustomize.py", &r), 0);
	assert_int_equal(r.verdict, PROV_MATCH);
	assert_true(starts_with(r.owner, "libpython3.11-minimal "));
	assert_string_equal(r.how, "dpkg conffile");
	assert_true(r.conffile);

	/* The same file with one appended line no longer matches. */
	assert_int_equal(provdb_lookup(&db, path, (const uint8_t *)"import os\n", 10, &r), 0);
	assert_int_equal(r.verdict, PROV_MISMATCH);

	provdb_close(&db);
	fsroot_close(&root);
}

static void
test_live_pyenv_record(void **state)
{
	struct fsroot root;
	struct provdb db;
	struct prov_result r;
	glob_t g;

	(void)state;
	if (glob("/root/.pyenv/versions/*/lib/python*/site-packages/distutils-precedence.pth", 0,
	         NULL, &g) != 0) {
		printf("skipped: no pyenv site-packages with distutils-precedence.pth\n");
		skip();
	}
	assert_int_equal(fsroot_open(&root, "/"), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		assert_int_equal(lookup_file(&db, &root, g.gl_pathv[i], &r), 0);
		assert_int_equal(r.verdict, PROV_MATCH);
		assert_true(starts_with(r.owner, "setuptools "));
		assert_non_null(strstr(r.owner, "(RECORD)"));
		assert_string_equal(r.how, "RECORD sha256");
	}
	globfree(&g);
	provdb_close(&db);
	fsroot_close(&root);
}

static void
test_live_unowned_file(void **state)
{
	char path[] = "/tmp/sitehound-provdb-unowned-XXXXXX";
	struct fsroot root;
	struct provdb db;
	struct prov_result r;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "import os\n", 10), 10);
	close(fd);
	assert_int_equal(fsroot_open(&root, "/"), 0);
	assert_int_equal(provdb_open(&db, &root), 0);

	assert_int_equal(lookup_file(&db, &root, path, &r), 0);
	assert_int_equal(r.verdict, PROV_NOT_LISTED);
	assert_string_equal(r.owner, "");
	assert_string_equal(r.how, "");

	provdb_close(&db);
	fsroot_close(&root);
	unlink(path);
}

/* ---- fixture root ---- */

#define SITE "usr/lib/python3.11/site-packages"
#define CONF_TEXT "setting = 1\n"
#define GOOD_TEXT "good\n"
#define BAD_TEXT "bad\n"
#define HOOK_TEXT "import demo\n"
#define INIT_TEXT "VALUE = 1\n"
#define CONDA_TEXT "import conda_hook\n"

static void
build_dpkg(void)
{
	char conf_md5[40], good_md5[40], text[1024];

	make_dirs(tree, "var/lib/dpkg/info");
	make_dirs(tree, "etc");
	make_dirs(tree, "usr/lib/fake");
	hex_digest("md5", CONF_TEXT, conf_md5, sizeof(conf_md5));
	hex_digest("md5", GOOD_TEXT, good_md5, sizeof(good_md5));

	assert_true(snprintf(text, sizeof(text),
	                     "Package: fakepkg\nStatus: install ok installed\n"
	                     "Architecture: all\nVersion: 1.2-3\nConffiles:\n"
	                     " /etc/fake.conf %s\n /etc/edited.conf %s\n",
	                     conf_md5, conf_md5) < (int)sizeof(text));
	put_in(tree, "var/lib/dpkg/status", text);
	put_in(tree, "var/lib/dpkg/info/fakepkg.list",
	       "/.\n/etc\n/etc/fake.conf\n/etc/edited.conf\n/usr/lib/fake\n"
	       "/usr/lib/fake/good.py\n/usr/lib/fake/bad.py\n/usr/lib/fake/notes.txt\n");
	assert_true(snprintf(text, sizeof(text),
	                     "%s  usr/lib/fake/good.py\n"
	                     "00000000000000000000000000000000  usr/lib/fake/bad.py\n"
	                     "%s  usr/lib/fake/notes.txt\n",
	                     good_md5, good_md5) < (int)sizeof(text));
	put_in(tree, "var/lib/dpkg/info/fakepkg.md5sums", text);
	put_in(tree, "etc/fake.conf", CONF_TEXT);
	put_in(tree, "etc/edited.conf", "setting = 2\n");
	put_in(tree, "usr/lib/fake/good.py", GOOD_TEXT);
	put_in(tree, "usr/lib/fake/bad.py", BAD_TEXT);
	put_in(tree, "usr/lib/fake/notes.txt", GOOD_TEXT);
}

static void
build_site(void)
{
	char hook[64], init[64], text[1024];

	make_dirs(tree, SITE "/demo-1.0.dist-info");
	make_dirs(tree, SITE "/demo/sub");
	make_dirs(tree, SITE "/legacy-2.0-py3.11.egg-info");
	record_digest(HOOK_TEXT, hook, sizeof(hook));
	record_digest(INIT_TEXT, init, sizeof(init));

	/* demo.pth has a correct row, demo/sub/__init__.py a wrong hash, and
	 * unlisted.pth has no row at all. */
	assert_true(snprintf(text, sizeof(text),
	                     "demo.pth,sha256=%s,%zu\n"
	                     "demo/__init__.py,sha256=%s,%zu\n"
	                     "demo/sub/__init__.py,sha256=%s,%zu\n"
	                     "demo-1.0.dist-info/RECORD,,\n",
	                     hook, strlen(HOOK_TEXT), init, strlen(INIT_TEXT), hook,
	                     strlen(HOOK_TEXT)) < (int)sizeof(text));
	put_in(tree, SITE "/demo-1.0.dist-info/RECORD", text);
	put_in(tree, SITE "/demo.pth", HOOK_TEXT);
	put_in(tree, SITE "/demo/__init__.py", INIT_TEXT);
	put_in(tree, SITE "/demo/sub/__init__.py", INIT_TEXT);
	put_in(tree, SITE "/unlisted.pth", HOOK_TEXT);

	put_in(tree, SITE "/legacy-2.0-py3.11.egg-info/installed-files.txt",
	       "../legacy.pth\n../legacy/__init__.py\n");
	put_in(tree, SITE "/legacy.pth", "import legacy\n");
}

static void
build_conda(void)
{
	char sha[80], text[1024];

	make_dirs(tree, "opt/conda/conda-meta");
	make_dirs(tree, "opt/conda/lib/python3.11/site-packages");
	hex_digest("sha256", CONDA_TEXT, sha, sizeof(sha));
	assert_true(snprintf(text, sizeof(text),
	                     "{\"name\": \"condahook\", \"version\": \"3.0\", \"files\": [],"
	                     " \"paths_data\": {\"paths_version\": 1, \"paths\": ["
	                     "{\"_path\": \"lib/python3.11/site-packages/hook.pth\","
	                     " \"path_type\": \"hardlink\", \"sha256\": \"%s\","
	                     " \"size_in_bytes\": %zu},"
	                     "{\"_path\": \"lib/python3.11/site-packages/changed.pth\","
	                     " \"path_type\": \"hardlink\", \"sha256\": \"%s\"}]}}",
	                     sha, strlen(CONDA_TEXT), sha) < (int)sizeof(text));
	put_in(tree, "opt/conda/conda-meta/condahook-3.0-0.json", text);
	put_in(tree, "opt/conda/lib/python3.11/site-packages/hook.pth", CONDA_TEXT);
	put_in(tree, "opt/conda/lib/python3.11/site-packages/changed.pth", "import evil\n");
}

/*
 * Builds records outside the root that would claim files inside it, and
 * symlinks to them from inside. RESOLVE_IN_ROOT resolves the absolute
 * targets inside the root, where they do not exist.
 */
static void
build_escapes(void)
{
	char hook[64], text[512], target[512];

	make_dirs(outside, "evil-9.9.dist-info");
	record_digest(HOOK_TEXT, hook, sizeof(hook));
	assert_true(snprintf(text, sizeof(text), "escape.pth,sha256=%s,%zu\n", hook,
	                     strlen(HOOK_TEXT)) < (int)sizeof(text));
	put_in(outside, "evil-9.9.dist-info/RECORD", text);
	put_in(outside, "evil.list", "/" SITE "/escape.pth\n");

	assert_true(snprintf(target, sizeof(target), "%s/evil-9.9.dist-info", outside) <
	            (int)sizeof(target));
	link_in(tree, target, SITE "/evil-9.9.dist-info");
	assert_true(snprintf(target, sizeof(target), "%s/evil.list", outside) <
	            (int)sizeof(target));
	link_in(tree, target, "var/lib/dpkg/info/fakepkg:evil.list");
	put_in(tree, SITE "/escape.pth", HOOK_TEXT);
}

static int
fixture_setup(void **state)
{
	(void)state;
	memcpy(tree, TREE_TEMPLATE, sizeof(tree));
	memcpy(outside, OUTSIDE_TEMPLATE, sizeof(outside));
	if (!mkdtemp(tree) || !mkdtemp(outside))
		return -1;
	build_dpkg();
	build_site();
	build_conda();
	build_escapes();
	return 0;
}

static int
fixture_teardown(void **state)
{
	(void)state;
	remove_tree(tree);
	remove_tree(outside);
	return 0;
}

struct fixture_case {
	const char *path;
	enum prov_verdict verdict;
	const char *owner;
	const char *how;
	bool conffile;
};

static const struct fixture_case fixture_cases[] = {
	{ "/etc/fake.conf", PROV_MATCH, "fakepkg 1.2-3", "dpkg conffile", true },
	{ "/etc/edited.conf", PROV_MISMATCH, "fakepkg 1.2-3", "dpkg conffile", true },
	{ "/usr/lib/fake/good.py", PROV_MATCH, "fakepkg 1.2-3", "dpkg md5sums", false },
	{ "/usr/lib/fake/bad.py", PROV_MISMATCH, "fakepkg 1.2-3", "dpkg md5sums", false },
	/* Packaged files that cannot hold Python code are not indexed, to save memory. */
	{ "/usr/lib/fake/notes.txt", PROV_NOT_LISTED, "", "", false },
	{ "/" SITE "/demo.pth", PROV_MATCH, "demo 1.0 (RECORD)", "RECORD sha256", false },
	{ "/" SITE "/demo/__init__.py", PROV_MATCH, "demo 1.0 (RECORD)", "RECORD sha256", false },
	{ "/" SITE "/demo/sub/__init__.py", PROV_MISMATCH, "demo 1.0 (RECORD)", "RECORD sha256",
	  false },
	{ "/" SITE "/demo-1.0.dist-info/RECORD", PROV_NO_HASH, "demo 1.0 (RECORD)",
	  "RECORD (no hash)", false },
	{ "/" SITE "/unlisted.pth", PROV_NOT_LISTED, "", "", false },
	{ "/" SITE "/legacy.pth", PROV_NO_HASH, "legacy 2.0 (installed-files.txt)",
	  "installed-files.txt (no hash)", false },
	{ "/opt/conda/lib/python3.11/site-packages/hook.pth", PROV_MATCH, "condahook 3.0 (conda)",
	  "conda-meta sha256", false },
	{ "/opt/conda/lib/python3.11/site-packages/changed.pth", PROV_MISMATCH,
	  "condahook 3.0 (conda)", "conda-meta sha256", false },
	/* Both escape routes would list this file if they were followed. */
	{ "/" SITE "/escape.pth", PROV_NOT_LISTED, "", "", false },
};

static void
test_fixture_verdicts(void **state)
{
	struct fsroot root;
	struct provdb db;

	(void)state;
	assert_int_equal(fsroot_open(&root, tree), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	assert_true(db.have_dpkg);

	for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(fixture_cases[0]); i++) {
		const struct fixture_case *c = &fixture_cases[i];
		struct prov_result r;

		printf("case %s\n", c->path);
		assert_int_equal(lookup_file(&db, &root, c->path, &r), 0);
		assert_int_equal(r.verdict, c->verdict);
		assert_string_equal(r.owner, c->owner);
		assert_string_equal(r.how, c->how);
		assert_int_equal(r.conffile, c->conffile);
	}
	/* The .list symlink to a file outside the root was reported, not read. */
	assert_true(has_diag(&db, "/var/lib/dpkg/info/fakepkg:evil.list", "cannot be opened"));

	provdb_close(&db);
	fsroot_close(&root);
}

static void
test_fixture_site_cached(void **state)
{
	struct fsroot root;
	struct provdb db;
	struct prov_result r;
	size_t cached = 0;

	(void)state;
	assert_int_equal(fsroot_open(&root, tree), 0);
	assert_int_equal(provdb_open(&db, &root), 0);

	assert_int_equal(lookup_file(&db, &root, "/" SITE "/demo.pth", &r), 0);
	assert_int_equal(lookup_file(&db, &root, "/" SITE "/legacy.pth", &r), 0);
	assert_int_equal(lookup_file(&db, &root, "/" SITE "/unlisted.pth", &r), 0);
	/* Three lookups in one directory: the directory and its two parents
	 * are each loaded once. */
	for (size_t i = 0; i < PROVDB_SITES_MAX; i++)
		cached += db.sites[i] != NULL;
	assert_int_equal(cached, 1 + PROVDB_SITE_PARENTS_MAX);

	provdb_close(&db);
	fsroot_close(&root);
}

/* Lookups in more directories than the cache keeps evict the oldest,
 * and an evicted site directory is read again with the same result. */
static void
test_fixture_site_cache_evicts(void **state)
{
	struct fsroot root;
	struct provdb db;
	struct prov_result r;
	char path[128];

	(void)state;
	assert_int_equal(fsroot_open(&root, tree), 0);
	assert_int_equal(provdb_open(&db, &root), 0);

	assert_int_equal(lookup_file(&db, &root, "/" SITE "/demo.pth", &r), 0);
	assert_int_equal(r.verdict, PROV_MATCH);
	for (unsigned i = 0; i < 2 * PROVDB_SITES_MAX; i++) {
		assert_true(snprintf(path, sizeof(path), "/nowhere/d%u/e/f/x.pth", i) <
		            (int)sizeof(path));
		assert_int_equal(provdb_lookup(&db, path, (const uint8_t *)"x", 1, &r), 0);
		assert_int_equal(r.verdict, PROV_NOT_LISTED);
	}
	/* Each lookup above loaded three new directories, so the cache has
	 * been refilled several times and the first site was dropped. */
	for (size_t i = 0; i < PROVDB_SITES_MAX; i++)
		assert_non_null(db.sites[i]);

	assert_int_equal(lookup_file(&db, &root, "/" SITE "/demo.pth", &r), 0);
	assert_int_equal(r.verdict, PROV_MATCH);
	assert_string_equal(r.owner, "demo 1.0 (RECORD)");

	provdb_close(&db);
	fsroot_close(&root);
}

static void
test_fixture_relative_path_rejected(void **state)
{
	struct fsroot root;
	struct provdb db;
	struct prov_result r;

	(void)state;
	assert_int_equal(fsroot_open(&root, tree), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	assert_int_equal(provdb_lookup(&db, "etc/fake.conf", (const uint8_t *)"", 0, &r),
	                 -EINVAL);
	assert_int_equal(r.verdict, PROV_NOT_LISTED);
	provdb_close(&db);
	fsroot_close(&root);
}

static void
test_root_without_dpkg(void **state)
{
	char dir[] = "/tmp/sitehound-provdb-empty-XXXXXX";
	struct fsroot root;
	struct provdb db;
	struct prov_result r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(fsroot_open(&root, dir), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	assert_false(db.have_dpkg);
	assert_int_equal(db.diags.count, 0);
	assert_int_equal(provdb_lookup(&db, "/etc/x.pth", (const uint8_t *)"x", 1, &r), 0);
	assert_int_equal(r.verdict, PROV_NOT_LISTED);
	provdb_close(&db);
	fsroot_close(&root);
	remove_tree(dir);
}

/* A .list larger than PROVDB_INFO_BYTES_MAX is read up to the cap. */
static void
test_huge_list_capped(void **state)
{
	char dir[] = "/tmp/sitehound-provdb-huge-XXXXXX";
	char path[1024];
	struct fsroot root;
	struct provdb db;
	struct prov_result r;
	size_t written = 0;
	unsigned n = 0;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_dirs(dir, "var/lib/dpkg/info");
	put_in(dir, "var/lib/dpkg/status",
	       "Package: huge\nStatus: install ok installed\nVersion: 1\n");
	assert_true(snprintf(path, sizeof(path), "%s/var/lib/dpkg/info/huge.list", dir) <
	            (int)sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	while (written <= PROVDB_INFO_BYTES_MAX) {
		int w = fprintf(fp, "/usr/share/huge/file-%08u.py\n", n++);

		assert_true(w > 0);
		written += (size_t)w;
	}
	assert_int_equal(fprintf(fp, "/usr/share/huge/past-the-cap.py\n") > 0, 1);
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(fsroot_open(&root, dir), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	assert_true(has_diag(&db, "/var/lib/dpkg/info/huge.list", "size cap"));

	assert_int_equal(provdb_lookup(&db, "/usr/share/huge/file-00000000.py",
	                               (const uint8_t *)"", 0, &r), 0);
	assert_string_equal(r.owner, "huge 1");
	assert_int_equal(provdb_lookup(&db, "/usr/share/huge/past-the-cap.py",
	                               (const uint8_t *)"", 0, &r), 0);
	assert_int_equal(r.verdict, PROV_NOT_LISTED);

	provdb_close(&db);
	fsroot_close(&root);
	remove_tree(dir);
}

/*
 * Install records of one site directory beyond PROVDB_SITE_BYTES_MAX are
 * not read: three 12 MiB RECORD files (hard links of one file, as a
 * hostile image would ship) leave the third unread.
 */
static void
test_site_record_budget(void **state)
{
	char dir[] = "/tmp/sitehound-provdb-budget-XXXXXX";
	char path[1024], alias[1024];
	const char *site = "usr/lib/python3/site-packages";
	const char *names[] = { "a-1.dist-info", "b-1.dist-info", "c-1.dist-info" };
	struct fsroot root;
	struct provdb db;
	struct prov_result r;
	size_t written = 0, i;
	unsigned n = 0;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		assert_true(snprintf(path, sizeof(path), "%s/%s", site, names[i]) < (int)sizeof(path));
		make_dirs(dir, path);
	}
	assert_true(snprintf(path, sizeof(path), "%s/%s/%s/RECORD", dir, site, names[0]) <
		    (int)sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	while (written < (12u << 20)) {
		int w = fprintf(fp, "pkg/file-%08u.py,,\n", n++);

		assert_true(w > 0);
		written += (size_t)w;
	}
	assert_int_equal(fclose(fp), 0);
	for (i = 1; i < 3; i++) {
		assert_true(snprintf(alias, sizeof(alias), "%s/%s/%s/RECORD", dir, site, names[i]) <
			    (int)sizeof(alias));
		assert_int_equal(link(path, alias), 0);
	}

	assert_int_equal(fsroot_open(&root, dir), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	assert_int_equal(provdb_lookup(&db, "/usr/lib/python3/site-packages/pkg/file-00000000.py",
				       (const uint8_t *)"", 0, &r), 0);
	assert_int_equal(r.verdict, PROV_NO_HASH);
	assert_string_equal(r.owner, "a 1 (RECORD)");
	assert_true(has_diag(&db, "/usr/lib/python3/site-packages", "exceed 32 MiB"));

	provdb_close(&db);
	fsroot_close(&root);
	remove_tree(dir);
}

/* A RECORD that is a named pipe is reported as not a regular file, and the lookup goes on. */
static void
test_fifo_record_named(void **state)
{
	char dir[] = "/tmp/sitehound-provdb-fifo-XXXXXX";
	char path[1024];
	struct fsroot root;
	struct provdb db;
	struct prov_result r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_dirs(dir, "usr/lib/python3/site-packages/x-1.dist-info");
	assert_true(snprintf(path, sizeof(path),
			     "%s/usr/lib/python3/site-packages/x-1.dist-info/RECORD", dir) <
		    (int)sizeof(path));
	assert_int_equal(mkfifo(path, 0600), 0);

	assert_int_equal(fsroot_open(&root, dir), 0);
	assert_int_equal(provdb_open(&db, &root), 0);
	assert_int_equal(provdb_lookup(&db, "/usr/lib/python3/site-packages/x.pth",
				       (const uint8_t *)"", 0, &r), 0);
	assert_int_equal(r.verdict, PROV_NOT_LISTED);
	assert_true(has_diag(&db, "/usr/lib/python3/site-packages/x-1.dist-info/RECORD",
			     "not a regular file"));

	provdb_close(&db);
	fsroot_close(&root);
	remove_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_setuptools_md5sums),
		cmocka_unit_test(test_live_pyenv_record),
		cmocka_unit_test(test_live_unowned_file),
		cmocka_unit_test_setup_teardown(test_fixture_verdicts, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fixture_site_cached, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fixture_site_cache_evicts, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fixture_relative_path_rejected, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test(test_root_without_dpkg),
		cmocka_unit_test(test_huge_list_capped),
		cmocka_unit_test(test_site_record_budget),
		cmocka_unit_test(test_fifo_record_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
