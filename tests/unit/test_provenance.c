/*
 * Unit tests for provenance: dist-info RECORD and installed-files.txt
 * parsing, path resolution, the dpkg index over status, .list and .md5sums
 * text, and conda-meta records. The real-data tests read this machine's
 * own databases and installed files read-only (pyenv's setuptools RECORD,
 * /var/lib/dpkg) and skip with a printed reason when one is missing. No
 * conda environment is installed here, so conda records are synthetic,
 * written after the conda-build package specification.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "provenance/condameta.h"
#include "provenance/dpkg.h"
#include "provenance/record.h"

/* Files the real-data tests read are far smaller than this. */
#define TEST_FILE_MAX (64u << 20)

/* Reads a whole file into a fresh buffer (free() it), or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *grown;

			cap = cap ? cap * 2 : 65536;
			if (cap > TEST_FILE_MAX || !(grown = realloc(buf, cap + 1))) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static size_t
text_len(const char *s)
{
	return strlen(s);
}

/* sha256("abc") as RECORD writes it, and md5("abc") in hex. */
#define ABC_SHA256_B64 "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
#define ABC_MD5_HEX "900150983cd24fb0d6963f7d28e17f72"

/* ---- RECORD parsing ---- */

struct record_case {
	const char *name;
	const char *text;
	size_t entries;
	size_t errors;
	size_t first_error_line; /* 0 when errors is 0 */
	const char *first_path;  /* NULL when entries is 0 */
	long long first_size;
	size_t first_digest_len;
};

static const struct record_case record_cases[] = {
	{ "setuptools row",
	  "distutils-precedence.pth,sha256=JjjOniUA5XKl4N5_rtZmHrVp0baW_LoHsN0iPaX10iQ,151\n",
	  1, 0, 0, "distutils-precedence.pth", 151, 32 },
	{ "crlf rows", "a.pth,sha256=" ABC_SHA256_B64 ",3\r\nb.pth,,\r\n", 2, 0, 0, "a.pth", 3, 32 },
	{ "no final newline", "a.pth,sha256=" ABC_SHA256_B64 ",3", 1, 0, 0, "a.pth", 3, 32 },
	{ "padded digest", "a.pth,sha256=" ABC_SHA256_B64 "=,3\n", 1, 0, 0, "a.pth", 3, 32 },
	{ "empty hash and size", "pkg-1.0.dist-info/RECORD,,\n", 1, 0, 0,
	  "pkg-1.0.dist-info/RECORD", -1, 0 },
	{ "quoted path with comma", "\"we,ird.pth\",sha256=" ABC_SHA256_B64 ",3\n", 1, 0, 0,
	  "we,ird.pth", 3, 32 },
	{ "quoted path with newline", "\"a\nb.pth\",,\nbad\n", 1, 1, 3, "a\nb.pth", -1, 0 },
	{ "climbing path", "../../../bin/tool,sha256=" ABC_SHA256_B64 ",3\n", 1, 0, 0,
	  "../../../bin/tool", 3, 32 },
	{ "windows path", "..\\..\\Scripts\\tool.exe,,\n", 1, 0, 0, "../../Scripts/tool.exe", -1, 0 },
	{ "blank lines skipped", "\n\r\na.pth,,\n\n", 1, 0, 0, "a.pth", -1, 0 },
	{ "bom skipped", "\xef\xbb\xbf" "a.pth,,\n", 1, 0, 0, "a.pth", -1, 0 },
	{ "two fields", "a.pth,sha256=" ABC_SHA256_B64 "\nb.pth,,\n", 1, 1, 1, "b.pth", -1, 0 },
	{ "four fields", "a.pth,,,\n", 0, 1, 1, NULL, 0, 0 },
	{ "hash without equals", "ok,,\na.pth,sha256,3\n", 1, 1, 2, "ok", -1, 0 },
	{ "digest not base64", "a.pth,sha256=ab+/,3\n", 0, 1, 1, NULL, 0, 0 },
	{ "digest bad length", "a.pth,sha256=a,3\n", 0, 1, 1, NULL, 0, 0 },
	{ "empty algorithm", "a.pth,=" ABC_SHA256_B64 ",3\n", 0, 1, 1, NULL, 0, 0 },
	{ "size not decimal", "a.pth,,12x\n", 0, 1, 1, NULL, 0, 0 },
	{ "negative size", "a.pth,,-1\n", 0, 1, 1, NULL, 0, 0 },
	{ "size overflow", "a.pth,,99999999999999999999\n", 0, 1, 1, NULL, 0, 0 },
	{ "empty path", ",,\nz,,\n", 1, 1, 1, "z", -1, 0 },
	{ "open quote", "\"a.pth,,\n", 0, 1, 1, NULL, 0, 0 },
	{ "text after quote", "\"a\"x,,\nb,,\n", 1, 1, 1, "b", -1, 0 },
};

static void
test_record_parse_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(record_cases) / sizeof(record_cases[0]); i++) {
		const struct record_case *c = &record_cases[i];
		struct record rec;

		print_message("case: %s\n", c->name);
		record_init(&rec);
		assert_int_equal(record_parse(&rec, c->text, text_len(c->text)), 0);
		assert_int_equal(rec.count, c->entries);
		assert_int_equal(rec.errors.count, c->errors);
		if (c->errors > 0) {
			assert_int_equal(rec.errors.first[0].line, c->first_error_line);
			assert_non_null(rec.errors.first[0].reason);
		}
		if (c->first_path) {
			assert_string_equal(rec.entries[0].path, c->first_path);
			assert_int_equal(rec.entries[0].path_len, strlen(c->first_path));
			assert_int_equal(rec.entries[0].size, c->first_size);
			assert_int_equal(rec.entries[0].digest_len, c->first_digest_len);
		}
		record_free(&rec);
	}
}

static void
test_record_digest_decoded(void **state)
{
	static const unsigned char abc_sha256_prefix[4] = { 0xba, 0x78, 0x16, 0xbf };
	const char *text = "a.pth,sha256=" ABC_SHA256_B64 ",3\n";
	struct record rec;

	record_init(&rec);
	assert_int_equal(record_parse(&rec, text, strlen(text)), 0);
	assert_int_equal(rec.count, 1);
	assert_string_equal(rec.entries[0].algorithm, "sha256");
	assert_memory_equal(rec.entries[0].digest, abc_sha256_prefix, 4);
	record_free(&rec);
}

static void
test_record_many_errors_counted(void **state)
{
	char text[PROV_ERRORS_MAX * 4 + 64];
	size_t i, n = 0;
	struct record rec;

	for (i = 0; i < PROV_ERRORS_MAX + 10; i++) {
		memcpy(text + n, "a,\n", 3);
		n += 3;
	}
	record_init(&rec);
	assert_int_equal(record_parse(&rec, text, n), 0);
	assert_int_equal(rec.count, 0);
	assert_int_equal(rec.errors.count, PROV_ERRORS_MAX + 10);
	assert_int_equal(rec.errors.first[PROV_ERRORS_MAX - 1].line, PROV_ERRORS_MAX);
	record_free(&rec);
}

static void
test_record_input_cap(void **state)
{
	struct record rec;

	record_init(&rec);
	assert_int_equal(record_parse(&rec, "", (size_t)RECORD_BYTES_MAX + 1), -E2BIG);
	assert_int_equal(rec.count, 0);
	record_free(&rec);
}

static void
test_record_entry_cap(void **state)
{
	size_t rows = (size_t)RECORD_ENTRIES_MAX + 1, i;
	char *text = malloc(rows * 4);
	struct record rec;

	assert_non_null(text);
	for (i = 0; i < rows; i++)
		memcpy(text + 4 * i, "a,,\n", 4);
	record_init(&rec);
	assert_int_equal(record_parse(&rec, text, rows * 4), -E2BIG);
	assert_int_equal(rec.count, RECORD_ENTRIES_MAX);
	assert_string_equal(rec.entries[RECORD_ENTRIES_MAX - 1].path, "a");
	record_free(&rec);
	free(text);
}

static void
test_record_nul_in_path(void **state)
{
	static const char text[] = "a\0b.pth,,\nc,,\n";
	struct record rec;

	record_init(&rec);
	assert_int_equal(record_parse(&rec, text, sizeof(text) - 1), 0);
	assert_int_equal(rec.count, 1);
	assert_int_equal(rec.errors.count, 1);
	assert_string_equal(rec.entries[0].path, "c");
	record_free(&rec);
}

/* ---- RECORD verification ---- */

struct verify_case {
	const char *name;
	const char *row;
	const char *content;
	enum prov_verdict verdict;
};

static const struct verify_case verify_cases[] = {
	{ "same content", "a,sha256=" ABC_SHA256_B64 ",3\n", "abc", PROV_MATCH },
	{ "size absent", "a,sha256=" ABC_SHA256_B64 ",\n", "abc", PROV_MATCH },
	{ "one byte changed", "a,sha256=" ABC_SHA256_B64 ",3\n", "abd", PROV_MISMATCH },
	{ "line appended", "a,sha256=" ABC_SHA256_B64 ",3\n", "abc\nimport os\n", PROV_MISMATCH },
	{ "size differs", "a,sha256=" ABC_SHA256_B64 ",4\n", "abc", PROV_MISMATCH },
	{ "empty hash", "a,,3\n", "abc", PROV_NO_HASH },
	{ "unknown algorithm", "a,nosuchhash=" ABC_SHA256_B64 ",3\n", "abc", PROV_NO_HASH },
	{ "digest length wrong", "a,md5=" ABC_SHA256_B64 ",3\n", "abc", PROV_NO_HASH },
	{ "md5 digest", "a,md5=kAFQmDzST7DWlj99KOF_cg,3\n", "abc", PROV_MATCH },
};

static void
test_record_verify_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(verify_cases) / sizeof(verify_cases[0]); i++) {
		const struct verify_case *c = &verify_cases[i];
		struct record rec;

		print_message("case: %s\n", c->name);
		record_init(&rec);
		assert_int_equal(record_parse(&rec, c->row, strlen(c->row)), 0);
		assert_int_equal(rec.count, 1);
		assert_int_equal(record_verify(&rec.entries[0], c->content, strlen(c->content)),
		                 c->verdict);
		record_free(&rec);
	}
	assert_int_equal(record_verify(NULL, "abc", 3), PROV_NOT_LISTED);
	assert_string_equal(prov_verdict_name(PROV_PLACEHOLDER), "placeholder");
}

/* ---- path resolution and lookup ---- */

struct resolve_case {
	const char *base;
	const char *entry;
	int rc;
	const char *expected;
};

static const struct resolve_case resolve_cases[] = {
	{ "/venv/lib/python3.11/site-packages", "a.pth", 0, "/venv/lib/python3.11/site-packages/a.pth" },
	{ "/venv/lib/python3.11/site-packages", "../../../bin/tool", 0, "/venv/bin/tool" },
	{ "/venv/lib/python3.11/site-packages/", "./x//y/./z", 0,
	  "/venv/lib/python3.11/site-packages/x/y/z" },
	{ "/s", "/etc/abs.pth", 0, "/etc/abs.pth" },
	{ "/s", "\\etc\\abs.pth", 0, "/etc/abs.pth" },
	{ "/s", "..\\..\\..\\up", 0, "/up" },
	{ "/s/t", "x/..", 0, "/s/t" },
	{ "/", "", 0, "/" },
	{ "/s/../t", "a", 0, "/t/a" },
	{ "relative/base", "a", -EINVAL, NULL },
	{ "", "a", -EINVAL, NULL },
};

static void
test_record_resolve_cases(void **state)
{
	struct strbuf out;
	size_t i;

	strbuf_init(&out, 2 * RECORD_PATH_MAX + 2);
	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
		const struct resolve_case *c = &resolve_cases[i];

		print_message("case: %s + %s\n", c->base, c->entry);
		assert_int_equal(record_resolve(c->base, strlen(c->base), c->entry, strlen(c->entry),
		                                &out),
		                 c->rc);
		if (c->expected) {
			assert_int_equal(out.len, strlen(c->expected));
			assert_memory_equal(out.data, c->expected, out.len);
		}
	}
	assert_int_equal(record_resolve("/s", 2, "a\0b", 3, &out), -EINVAL);
	strbuf_free(&out);
}

static void
test_record_resolve_too_long(void **state)
{
	char entry[RECORD_PATH_MAX];
	struct strbuf out;

	memset(entry, 'a', sizeof(entry));
	strbuf_init(&out, 4 * RECORD_PATH_MAX);
	assert_int_equal(record_resolve("/base", 5, entry, sizeof(entry), &out), -E2BIG);
	assert_int_equal(out.len, 0);
	strbuf_free(&out);
}

static void
test_record_find_paths(void **state)
{
	const char *text = "pkg/__init__.py,,\n../../../bin/tool,,\n/etc/abs.conf,,\n";
	const char *base = "/venv/lib/python3.11/site-packages";
	struct record rec;
	const struct record_entry *e;

	record_init(&rec);
	assert_int_equal(record_parse(&rec, text, strlen(text)), 0);
	e = record_find(&rec, base, strlen(base), "/venv/bin/tool", 14);
	assert_non_null(e);
	assert_string_equal(e->path, "../../../bin/tool");
	e = record_find(&rec, base, strlen(base), "/venv/lib/python3.11/site-packages//pkg/./__init__.py",
	                53);
	assert_non_null(e);
	assert_string_equal(e->path, "pkg/__init__.py");
	assert_non_null(record_find(&rec, base, strlen(base), "/etc/abs.conf", 13));
	assert_null(record_find(&rec, base, strlen(base), "/venv/bin/other", 15));
	assert_null(record_find(&rec, base, strlen(base), "bin/tool", 8));
	record_free(&rec);
}

static void
test_installed_files_lines(void **state)
{
	static const char text[] = "../pkg/__init__.py\r\n\n../../../../bin/tool\nx\0y\n../pkg/nspkg.pth";
	const char *base = "/usr/lib/python3/dist-packages/pkg-1.0.egg-info";
	struct record rec;

	record_init(&rec);
	assert_int_equal(record_parse_installed_files(&rec, text, sizeof(text) - 1), 0);
	assert_int_equal(rec.count, 3);
	assert_int_equal(rec.errors.count, 1);
	assert_int_equal(rec.errors.first[0].line, 4);
	assert_string_equal(rec.entries[0].path, "../pkg/__init__.py");
	assert_int_equal(rec.entries[0].digest_len, 0);
	assert_non_null(record_find(&rec, base, strlen(base), "/usr/bin/tool", 13));
	assert_non_null(record_find(&rec, base, strlen(base),
	                            "/usr/lib/python3/dist-packages/pkg/nspkg.pth", 44));
	assert_int_equal(record_verify(&rec.entries[2], "x", 1), PROV_NO_HASH);
	record_free(&rec);
}

/* ---- RECORD against real installs ---- */

static void
test_record_real_setuptools(void **state)
{
	glob_t g;
	size_t i, verified = 0;

	if (glob("/root/.pyenv/versions/*/lib/python3.*/site-packages/setuptools-*.dist-info/RECORD",
	         0, NULL, &g) != 0) {
		print_message("skipped: no setuptools RECORD under /root/.pyenv\n");
		skip();
	}
	for (i = 0; i < g.gl_pathc; i++) {
		char site[4096], pth[4200];
		size_t len, plen;
		char *text = slurp(g.gl_pathv[i], &len), *content;
		const char *slash;
		const struct record_entry *e;
		struct record rec;

		assert_non_null(text);
		record_init(&rec);
		assert_int_equal(record_parse(&rec, text, len), 0);
		assert_true(rec.count > 50);
		assert_int_equal(rec.errors.count, 0);

		slash = strstr(g.gl_pathv[i], "/setuptools-");
		assert_non_null(slash);
		memcpy(site, g.gl_pathv[i], (size_t)(slash - g.gl_pathv[i]));
		site[slash - g.gl_pathv[i]] = '\0';
		assert_true(snprintf(pth, sizeof(pth), "%s/distutils-precedence.pth", site) <
		            (int)sizeof(pth));
		e = record_find(&rec, site, strlen(site), pth, strlen(pth));
		content = e ? slurp(pth, &plen) : NULL;
		if (content) {
			print_message("verifying %s\n", pth);
			assert_int_equal(record_verify(e, content, plen), PROV_MATCH);
			/* Any edit of the hook, even one byte, must break the match. */
			content[plen - 1] = 'X';
			assert_int_equal(record_verify(e, content, plen), PROV_MISMATCH);
			verified++;
			free(content);
		}
		record_free(&rec);
		free(text);
	}
	globfree(&g);
	if (verified == 0) {
		print_message("skipped: no setuptools RECORD lists distutils-precedence.pth\n");
		skip();
	}
}

/*
 * Every hashed RECORD row of one real site-packages must match its file.
 * A host may have edited an installed file on purpose (a site CA bundle
 * appended to pip's vendored certifi cacert.pem), so a mismatch passes only
 * when the size differs too: a digest bug on unchanged content still fails.
 */
static void
test_record_real_site_all_rows(void **state)
{
	glob_t g;
	size_t i, j, matched = 0, mismatched = 0;

	if (glob("/root/.pyenv/versions/3.12.*/lib/python3.12/site-packages/*.dist-info/RECORD", 0,
	         NULL, &g) != 0) {
		print_message("skipped: no dist-info RECORD for pyenv 3.12\n");
		skip();
	}
	for (i = 0; i < g.gl_pathc; i++) {
		char *site = strdup(g.gl_pathv[i]);
		size_t len;
		char *text = slurp(g.gl_pathv[i], &len);
		struct record rec;
		struct strbuf path;

		assert_non_null(site);
		assert_non_null(text);
		*strrchr(site, '/') = '\0';
		*strrchr(site, '/') = '\0';
		strbuf_init(&path, 2 * RECORD_PATH_MAX + 2);
		record_init(&rec);
		assert_int_equal(record_parse(&rec, text, len), 0);
		assert_int_equal(rec.errors.count, 0);
		for (j = 0; j < rec.count; j++) {
			size_t flen;
			char *content;

			if (rec.entries[j].digest_len == 0)
				continue;
			assert_int_equal(record_resolve(site, strlen(site), rec.entries[j].path,
			                                rec.entries[j].path_len, &path),
			                 0);
			content = slurp(path.data, &flen);
			if (!content)
				continue;
			if (record_verify(&rec.entries[j], content, flen) == PROV_MATCH) {
				matched++;
			} else {
				print_message("mismatch: %s (%zu bytes, RECORD says %lld)\n",
				              path.data, flen, rec.entries[j].size);
				assert_true(rec.entries[j].size >= 0);
				assert_int_not_equal((unsigned long long)rec.entries[j].size, flen);
				mismatched++;
			}
			free(content);
		}
		record_free(&rec);
		strbuf_free(&path);
		free(text);
		free(site);
	}
	globfree(&g);
	print_message("%zu rows matched, %zu mismatched\n", matched, mismatched);
	assert_true(matched > 100);
	assert_true(mismatched < matched / 100);
}

/* ---- dpkg ---- */

static const char status_text[] =
	"Package: hooked\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 1.0-1\n"
	"Conffiles:\n"
	" /etc/hooked/sitecustomize.py " ABC_MD5_HEX "\n"
	" /etc/hooked/old.conf " ABC_MD5_HEX " obsolete\n"
	" /etc/hooked/gone.conf " ABC_MD5_HEX " remove-on-upgrade\n"
	" /etc/hooked/with space.conf " ABC_MD5_HEX "\n"
	" /etc/hooked/new.conf newconffile\n"
	" not-absolute " ABC_MD5_HEX "\n"
	" /etc/hooked/short.conf 1234\n"
	"Description: a package\n"
	" with a long description\n"
	"\n"
	"Package: removed\r\n"
	"Status: deinstall ok config-files\r\n"
	"Conffiles:\r\n"
	" /etc/removed.conf " ABC_MD5_HEX "\r\n"
	"\r\n"
	"Package: half\n"
	"Status: install ok half-configured\n"
	"Conffiles:\n"
	" /etc/half.conf " ABC_MD5_HEX "\n"
	"\n"
	"no colon here\n"
	"\n"
	"package: lower\n"
	"status: install ok installed\n"
	"architecture: all\n"
	"\n"
	"Package: bad/name\n"
	"Status: install ok installed\n";

static void
test_dpkg_status_conffiles(void **state)
{
	struct dpkg_index index;
	const struct dpkg_path *p;

	dpkg_index_init(&index);
	assert_int_equal(dpkg_index_add_status(&index, status_text, sizeof(status_text) - 1), 0);
	assert_int_equal(index.npackages, 2);
	assert_int_equal(index.errors.count, 4);
	assert_int_equal(index.errors.first[0].line, 11);
	assert_int_equal(index.errors.first[1].line, 12);
	assert_int_equal(index.errors.first[2].line, 26);
	assert_int_equal(index.errors.first[3].line, 32);

	p = dpkg_index_find(&index, "/etc/hooked/sitecustomize.py", 28);
	assert_non_null(p);
	assert_string_equal(dpkg_path_package(&index, p), "hooked");
	assert_int_equal(p->source, DPKG_HASH_CONFFILE);
	assert_false(p->obsolete);
	assert_int_equal(dpkg_verify(p, "abc", 3), PROV_MATCH);
	assert_int_equal(dpkg_verify(p, "abc\n", 4), PROV_MISMATCH);

	p = dpkg_index_find(&index, "/etc/hooked/old.conf", 20);
	assert_non_null(p);
	assert_true(p->obsolete);
	assert_int_equal(dpkg_verify(p, "abc", 3), PROV_MATCH);
	p = dpkg_index_find(&index, "/etc/hooked/gone.conf", 21);
	assert_non_null(p);
	assert_true(p->remove_on_upgrade);
	assert_non_null(dpkg_index_find(&index, "/etc/hooked/with space.conf", 27));
	p = dpkg_index_find(&index, "/etc/hooked/new.conf", 20);
	assert_non_null(p);
	assert_int_equal(dpkg_verify(p, "abc", 3), PROV_NO_HASH);

	assert_null(dpkg_index_find(&index, "/etc/removed.conf", 17));
	assert_null(dpkg_index_find(&index, "/etc/half.conf", 14));
	assert_int_equal(dpkg_verify(NULL, "abc", 3), PROV_NOT_LISTED);
	assert_string_equal(index.packages[0].version, "1.0-1");
	assert_string_equal(index.packages[1].name, "lower");
	dpkg_index_free(&index);
}

static void
test_dpkg_list_and_md5sums(void **state)
{
	static const char list[] = "/.\n/usr\n/usr/lib/hooked.pth\n/usr/lib/link\n"
	                           "relative/path\n/etc/hooked/sitecustomize.py\n";
	static const char sums[] = ABC_MD5_HEX "  usr/lib/hooked.pth\n"
	                           "nothex  usr/lib/x\n"
	                           ABC_MD5_HEX " *usr/lib/binary.so\r\n"
	                           ABC_MD5_HEX "\n";
	struct dpkg_index index;
	const struct dpkg_path *p;

	dpkg_index_init(&index);
	assert_int_equal(dpkg_index_add_status(&index, status_text, sizeof(status_text) - 1), 0);
	index.errors.count = 0;
	assert_int_equal(dpkg_index_add_list(&index, "hooked:amd64", 12, list, sizeof(list) - 1), 0);
	assert_int_equal(index.errors.count, 1);
	assert_int_equal(index.errors.first[0].line, 5);
	assert_int_equal(dpkg_index_add_md5sums(&index, "hooked", 6, sums, sizeof(sums) - 1), 0);
	assert_int_equal(index.errors.count, 3);
	assert_int_equal(index.errors.first[1].line, 2);
	assert_int_equal(index.errors.first[2].line, 4);

	assert_non_null(dpkg_index_find(&index, "/", 1));
	p = dpkg_index_find(&index, "/usr/lib/link", 13);
	assert_non_null(p);
	assert_int_equal(dpkg_verify(p, "abc", 3), PROV_NO_HASH);
	p = dpkg_index_find(&index, "/usr/lib/hooked.pth", 19);
	assert_non_null(p);
	assert_int_equal(p->source, DPKG_HASH_MD5SUMS);
	assert_int_equal(dpkg_verify(p, "abc", 3), PROV_MATCH);
	assert_int_equal(dpkg_verify(p, "abd", 3), PROV_MISMATCH);
	p = dpkg_index_find(&index, "/usr/lib/binary.so", 18);
	assert_non_null(p);
	assert_int_equal(dpkg_verify(p, "abc", 3), PROV_MATCH);
	/* The .list line for a conffile must not drop its Conffiles MD5. */
	p = dpkg_index_find(&index, "/etc/hooked/sitecustomize.py", 28);
	assert_int_equal(p->source, DPKG_HASH_CONFFILE);

	assert_int_equal(dpkg_index_add_list(&index, "removed", 7, list, sizeof(list) - 1), -ENOENT);
	assert_int_equal(dpkg_index_add_md5sums(&index, "unknown", 7, sums, 10), -ENOENT);
	assert_int_equal(dpkg_index_add_list(&index, "a/b", 3, list, 1), -EINVAL);
	assert_int_equal(dpkg_index_add_list(&index, "", 0, list, 1), -EINVAL);
	dpkg_index_free(&index);
}

static void
test_dpkg_without_status(void **state)
{
	static const char sums[] = ABC_MD5_HEX "  usr/lib/a.pth\n";
	struct dpkg_index index;
	const struct dpkg_path *p;

	dpkg_index_init(&index);
	assert_int_equal(dpkg_index_add_md5sums(&index, "pkg:i386", 8, sums, sizeof(sums) - 1), 0);
	p = dpkg_index_find(&index, "/usr/lib/a.pth", 14);
	assert_non_null(p);
	assert_string_equal(dpkg_path_package(&index, p), "pkg");
	assert_string_equal(index.packages[p->package].architecture, "i386");
	assert_int_equal(dpkg_index_add_status(&index, "", (size_t)DPKG_INPUT_MAX + 1), -E2BIG);
	dpkg_index_free(&index);
}

/* A second package's md5sums must not take over a path the first one owns. */
static void
test_dpkg_shared_path_keeps_owner(void **state)
{
	static const char sums_a[] = ABC_MD5_HEX "  usr/share/x\n";
	static const char sums_b[] = "00000000000000000000000000000000  usr/share/x\n";
	struct dpkg_index index;
	const struct dpkg_path *p;

	dpkg_index_init(&index);
	assert_int_equal(dpkg_index_add_md5sums(&index, "a", 1, sums_a, sizeof(sums_a) - 1), 0);
	assert_int_equal(dpkg_index_add_md5sums(&index, "b", 1, sums_b, sizeof(sums_b) - 1), 0);
	p = dpkg_index_find(&index, "/usr/share/x", 12);
	assert_non_null(p);
	assert_string_equal(dpkg_path_package(&index, p), "a");
	assert_int_equal(dpkg_verify(p, "abc", 3), PROV_MATCH);
	dpkg_index_free(&index);
}

static void
test_dpkg_path_cap(void **state)
{
	size_t rows = (size_t)DPKG_PATHS_MAX + 1, i, n = 0;
	char *text = malloc(rows * 10);
	struct dpkg_index index;

	assert_non_null(text);
	for (i = 0; i < rows; i++) {
		int w = snprintf(text + n, 10, "/%07zx\n", i);

		assert_int_equal(w, 9);
		n += 9;
	}
	dpkg_index_init(&index);
	assert_int_equal(dpkg_index_add_list(&index, "big", 3, text, n), -E2BIG);
	assert_int_equal(index.npaths, DPKG_PATHS_MAX);
	assert_non_null(dpkg_index_find(&index, "/0000000", 8));
	assert_non_null(dpkg_index_find(&index, "/00fffff", 8));
	assert_null(dpkg_index_find(&index, "/0100000", 8));
	assert_true(index.text_bytes <= DPKG_TEXT_MAX);
	dpkg_index_free(&index);
	free(text);
}

/* Builds the index the way a scan would: status, then every .list and .md5sums. */
static void
test_dpkg_real_database(void **state)
{
	static const char *const pth = "/usr/lib/python3/dist-packages/distutils-precedence.pth";
	static const char *const conffile = "/etc/python3.11/sitecustomize.py";
	struct dpkg_index index;
	const struct dpkg_path *p;
	struct dirent *d;
	size_t len, lists = 0;
	char *text, *content;
	DIR *dir;

	text = slurp("/var/lib/dpkg/status", &len);
	dir = opendir("/var/lib/dpkg/info");
	if (!text || !dir) {
		print_message("skipped: no readable /var/lib/dpkg database\n");
		free(text);
		if (dir)
			closedir(dir);
		skip();
	}
	dpkg_index_init(&index);
	assert_int_equal(dpkg_index_add_status(&index, text, len), 0);
	assert_int_equal(index.errors.count, 0);
	assert_true(index.npackages > 50);
	free(text);

	while ((d = readdir(dir)) != NULL) {
		size_t n = strlen(d->d_name);
		char path[4096];
		int rc;
		bool is_list = n > 5 && strcmp(d->d_name + n - 5, ".list") == 0;
		bool is_sums = n > 8 && strcmp(d->d_name + n - 8, ".md5sums") == 0;

		if (!is_list && !is_sums)
			continue;
		assert_true(snprintf(path, sizeof(path), "/var/lib/dpkg/info/%s", d->d_name) <
		            (int)sizeof(path));
		text = slurp(path, &len);
		assert_non_null(text);
		if (is_list)
			rc = dpkg_index_add_list(&index, d->d_name, n - 5, text, len);
		else
			rc = dpkg_index_add_md5sums(&index, d->d_name, n - 8, text, len);
		/* A package removed but not purged keeps its files, but its status is deinstall. */
		assert_true(rc == 0 || rc == -ENOENT);
		lists += is_list && rc == 0;
		free(text);
	}
	closedir(dir);
	print_message("%zu packages, %zu lists, %zu paths, %zu bytes of text\n", index.npackages,
	              lists, index.npaths, index.text_bytes);
	assert_int_equal(index.errors.count, 0);
	assert_true(index.npaths > 1000);

	p = dpkg_index_find(&index, pth, strlen(pth));
	content = p ? slurp(pth, &len) : NULL;
	if (content) {
		assert_string_equal(dpkg_path_package(&index, p), "python3-setuptools");
		assert_int_equal(p->source, DPKG_HASH_MD5SUMS);
		assert_int_equal(dpkg_verify(p, content, len), PROV_MATCH);
		content[0] ^= 1;
		assert_int_equal(dpkg_verify(p, content, len), PROV_MISMATCH);
		free(content);
	} else {
		print_message("skipped part: %s is not installed by python3-setuptools\n", pth);
	}

	p = dpkg_index_find(&index, conffile, strlen(conffile));
	content = p ? slurp(conffile, &len) : NULL;
	if (content) {
		assert_string_equal(dpkg_path_package(&index, p), "libpython3.11-minimal");
		assert_int_equal(p->source, DPKG_HASH_CONFFILE);
		assert_int_equal(dpkg_verify(p, content, len), PROV_MATCH);
		free(content);
	} else {
		print_message("skipped part: %s is not a conffile here\n", conffile);
	}
	dpkg_index_free(&index);
}

/* ---- conda-meta ---- */

static const char conda_text[] =
	"{\"name\": \"hooked\", \"version\": \"1.2\", \"build\": \"py_0\",\n"
	" \"files\": [\"lib/python3.11/site-packages/hooked.pth\"],\n"
	" \"paths_data\": {\"paths_version\": 1, \"paths\": [\n"
	"  {\"_path\": \"lib/python3.11/site-packages/hooked.pth\", \"path_type\": \"hardlink\",\n"
	"   \"sha256\": \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\",\n"
	"   \"size_in_bytes\": 3},\n"
	"  {\"_path\": \"bin/tool\", \"path_type\": \"hardlink\", \"prefix_placeholder\": \"/opt/anaconda1anaconda2anaconda3\",\n"
	"   \"file_mode\": \"text\",\n"
	"   \"sha256\": \"0000000000000000000000000000000000000000000000000000000000000000\"},\n"
	"  {\"_path\": \"bin/rewritten\", \"prefix_placeholder\": \"/opt/x\",\n"
	"   \"sha256_in_prefix\": \"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\"},\n"
	"  {\"_path\": \"lib/nohash\"},\n"
	"  {\"_path\": \"lib/badhash\", \"sha256\": \"xyz\", \"size_in_bytes\": -4},\n"
	"  {\"path_type\": \"hardlink\"},\n"
	"  42\n"
	" ]}}\n";

static void
test_conda_paths_data(void **state)
{
	struct conda_meta meta;
	const struct conda_path *p;

	conda_meta_init(&meta);
	assert_int_equal(conda_meta_parse(&meta, conda_text, sizeof(conda_text) - 1), 0);
	assert_string_equal(meta.name, "hooked");
	assert_string_equal(meta.version, "1.2");
	assert_int_equal(meta.count, 5);
	assert_int_equal(meta.errors.count, 4);

	p = conda_meta_find(&meta, "lib/python3.11/site-packages/hooked.pth", 39);
	assert_non_null(p);
	assert_string_equal(p->path_type, "hardlink");
	assert_int_equal(p->size, 3);
	assert_int_equal(conda_verify(p, "abc", 3), PROV_MATCH);
	assert_int_equal(conda_verify(p, "abd", 3), PROV_MISMATCH);
	assert_int_equal(conda_verify(p, "abc\n", 4), PROV_MISMATCH);

	p = conda_meta_find(&meta, "bin/tool", 8);
	assert_non_null(p);
	assert_true(p->placeholder);
	assert_int_equal(conda_verify(p, "anything", 8), PROV_PLACEHOLDER);

	p = conda_meta_find(&meta, "bin/rewritten", 13);
	assert_non_null(p);
	assert_int_equal(conda_verify(p, "abc", 3), PROV_MATCH);
	assert_int_equal(conda_verify(p, "abd", 3), PROV_MISMATCH);

	assert_int_equal(conda_verify(conda_meta_find(&meta, "lib/nohash", 10), "abc", 3),
	                 PROV_NO_HASH);
	p = conda_meta_find(&meta, "lib/badhash", 11);
	assert_non_null(p);
	assert_false(p->has_sha256);
	assert_int_equal(p->size, -1);
	assert_null(conda_meta_find(&meta, "lib/other", 9));
	assert_int_equal(conda_verify(NULL, "abc", 3), PROV_NOT_LISTED);
	conda_meta_free(&meta);
}

static void
test_conda_files_only(void **state)
{
	static const char text[] = "{\"name\": \"old\", \"files\": [\"a.pth\", \"\", 7, \"b/c.py\"]}";
	struct conda_meta meta;

	conda_meta_init(&meta);
	assert_int_equal(conda_meta_parse(&meta, text, sizeof(text) - 1), 0);
	assert_string_equal(meta.name, "old");
	assert_string_equal(meta.version, "");
	assert_int_equal(meta.count, 2);
	assert_int_equal(meta.errors.count, 2);
	assert_int_equal(conda_verify(conda_meta_find(&meta, "a.pth", 5), "x", 1), PROV_NO_HASH);
	conda_meta_free(&meta);
}

struct conda_reject_case {
	const char *name;
	const char *text;
	int rc;
};

static const struct conda_reject_case conda_reject_cases[] = {
	{ "empty", "", -EINVAL },
	{ "array", "[]", -EINVAL },
	{ "truncated", "{\"name\": \"x\", \"files\": [", -EINVAL },
	{ "duplicate key", "{\"name\": \"x\", \"name\": \"y\"}", -EINVAL },
	{ "two documents", "{} {}", -EINVAL },
};

static void
test_conda_rejects(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(conda_reject_cases) / sizeof(conda_reject_cases[0]); i++) {
		const struct conda_reject_case *c = &conda_reject_cases[i];
		struct conda_meta meta;

		print_message("case: %s\n", c->name);
		conda_meta_init(&meta);
		assert_int_equal(conda_meta_parse(&meta, c->text, strlen(c->text)), c->rc);
		assert_int_equal(meta.count, 0);
		conda_meta_free(&meta);
	}
}

/* Invalid JSON is reported with the line where the parser stopped. */
static void
test_conda_invalid_json_line(void **state)
{
	static const char text[] = "{\n\"name\": \"x\",\n\"files\": [,]\n}\n";
	struct conda_meta meta;

	(void)state;
	conda_meta_init(&meta);
	assert_int_equal(conda_meta_parse(&meta, text, sizeof(text) - 1), -EINVAL);
	assert_int_equal(meta.errors.count, 1);
	assert_int_equal(meta.errors.first[0].line, 3);
	assert_string_equal(meta.errors.first[0].reason, "invalid JSON");
	conda_meta_free(&meta);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conda_invalid_json_line),
		cmocka_unit_test(test_record_parse_cases),
		cmocka_unit_test(test_record_digest_decoded),
		cmocka_unit_test(test_record_many_errors_counted),
		cmocka_unit_test(test_record_input_cap),
		cmocka_unit_test(test_record_entry_cap),
		cmocka_unit_test(test_record_nul_in_path),
		cmocka_unit_test(test_record_verify_cases),
		cmocka_unit_test(test_record_resolve_cases),
		cmocka_unit_test(test_record_resolve_too_long),
		cmocka_unit_test(test_record_find_paths),
		cmocka_unit_test(test_installed_files_lines),
		cmocka_unit_test(test_record_real_setuptools),
		cmocka_unit_test(test_record_real_site_all_rows),
		cmocka_unit_test(test_dpkg_status_conffiles),
		cmocka_unit_test(test_dpkg_list_and_md5sums),
		cmocka_unit_test(test_dpkg_without_status),
		cmocka_unit_test(test_dpkg_shared_path_keeps_owner),
		cmocka_unit_test(test_dpkg_path_cap),
		cmocka_unit_test(test_dpkg_real_database),
		cmocka_unit_test(test_conda_paths_data),
		cmocka_unit_test(test_conda_files_only),
		cmocka_unit_test(test_conda_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
