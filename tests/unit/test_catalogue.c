/*
 * Unit tests for provenance/catalogue and provenance/allowlist: every
 * catalogued shape matches its exact form, look-alikes do not, and the
 * hook files that real setuptools, venv and Debian wrote on this machine
 * are recognised. Namespace and editable lines come from the real
 * setuptools code of the pyenv CPython 3.11.7.
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
#include <unistd.h>

#include <cmocka.h>

#include "provenance/allowlist.h"
#include "provenance/catalogue.h"

/* Interpreter whose bundled setuptools (65.5.0) generates real hook lines. */
#define SETUPTOOLS_PYTHON "/root/.pyenv/versions/3.11.7/bin/python"

/* Largest file or command output the tests read. */
#define TEST_READ_MAX (256u * 1024)

static const struct catalogue_entry *
entry_by_id(const char *id)
{
	size_t i;

	for (i = 0; i < catalogue_entry_count; i++) {
		if (strcmp(catalogue_entries[i].id, id) == 0)
			return &catalogue_entries[i];
	}
	fail_msg("no catalogue entry %s", id);
	return NULL;
}

static const char *
line_id(const char *line)
{
	const struct catalogue_entry *e = catalogue_match_line(line, strlen(line));

	return e ? e->id : NULL;
}

/* Reads at most TEST_READ_MAX bytes of a stream into a NUL-terminated buffer. */
static char *
read_stream(FILE *f, size_t *len)
{
	char *buf = malloc(TEST_READ_MAX + 1);

	assert_non_null(buf);
	*len = fread(buf, 1, TEST_READ_MAX, f);
	buf[*len] = '\0';
	return buf;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	buf = read_stream(f, len);
	fclose(f);
	return buf;
}

/* Runs a shell command and returns its standard output, or NULL when it fails. */
static char *
run_output(const char *command, size_t *len)
{
	FILE *p = popen(command, "r");
	char *buf;

	if (!p)
		return NULL;
	buf = read_stream(p, len);
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
test_exact_shapes_match(void **state)
{
	size_t i;
	char buf[4096];

	(void)state;
	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];
		const struct catalogue_entry *got;

		if (e->holes)
			continue;
		assert_true(e->shape_len + 2 < sizeof(buf));
		if (e->kind == CATALOGUE_MODULE) {
			got = catalogue_match_module(e->shape, e->shape_len);
			assert_ptr_equal(got, e);
			continue;
		}
		assert_ptr_equal(catalogue_match_line(e->shape, e->shape_len), e);
		memcpy(buf, e->shape, e->shape_len);
		memcpy(buf + e->shape_len, "\n", 1);
		assert_ptr_equal(catalogue_match_line(buf, e->shape_len + 1), e);
		memcpy(buf + e->shape_len, "\r\n", 2);
		assert_ptr_equal(catalogue_match_line(buf, e->shape_len + 2), e);
	}
}

static void
test_entries_are_described(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(catalogue_entry_count > 20);
	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];

		assert_true(e->id && e->id[0]);
		assert_true(e->owner && e->owner[0]);
		assert_true(e->versions && e->versions[0]);
		assert_true(e->source && e->source[0]);
		if (e->kind == CATALOGUE_PTH_LINE)
			assert_true(strncmp(e->shape, "import ", 7) == 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(e->id, catalogue_entries[j].id);
	}
}

/*
 * The matcher never backtracks, which is only sound when each hole stops
 * at the literal byte that follows it.
 */
static void
test_template_holes_are_delimited(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];

		if (!e->holes)
			continue;
		for (k = 0; k + 1 < e->shape_len; k++) {
			const struct catalogue_hole *h;

			if (e->shape[k] != '@')
				continue;
			for (h = e->holes; h->name && h->name != e->shape[k + 1]; h++)
				;
			assert_int_not_equal(h->name, 0);
			if (k + 2 == e->shape_len)
				continue; /* a final hole ends at the end of the line */
			assert_int_not_equal(e->shape[k + 2], '@');
			assert_false(catalogue_class_has(h->class, (unsigned char)e->shape[k + 2]));
		}
	}
}

static void
test_distutils_lookalikes(void **state)
{
	static const char local[] =
		"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, "
		"'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); ";

	(void)state;
	assert_string_equal(line_id(local), "setuptools-distutils-precedence-local");
	assert_null(line_id(
		"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, "
		"'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); "
		"import os; os.system('id')"));
	assert_null(line_id(
		"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, "
		"'local') == 'local'; enabled and __import__('_distutils_hack').add_shim();"));
	assert_null(line_id(
		"import  os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, "
		"'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); "));
	assert_null(line_id(
		"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, "
		"'local') == 'local'; enabled and __import__('_distutils_hax').add_shim(); "));
}

static void
test_small_lookalikes(void **state)
{
	(void)state;
	assert_string_equal(line_id("import _virtualenv"), "virtualenv");
	assert_null(line_id("import _virtualenv "));
	assert_null(line_id("import  _virtualenv"));
	assert_null(line_id("import\t_virtualenv"));
	assert_null(line_id("import _virtualenv; import os"));
	assert_null(line_id("import _virtualenv\n\n"));
	assert_string_equal(line_id("import coverage; coverage.process_startup()\n"),
			    "coverage-docs-recipe");
	assert_null(line_id("import coverage; coverage.process_startup(); import os"));
	assert_null(line_id(
		"import sys; exec('try:\\n    import coverage\\nexcept:\\n    pass\\n"
		"else:\\n    coverage.process_startup()\\n    import os; os.system(\"id\")\\n')"));
	assert_null(line_id(
		"import sys; exec('try:\\n    import coverage\\nexcept:\\n    pass\\n"
		"else:\\n    coverage.process_startup()\\n'); import os; os.system('id')"));
	assert_null(line_id("import sys; sys.__plen = len(sys.path) "));
	assert_null(line_id(""));
	assert_null(line_id("\n"));
}

static void
test_editable_lines(void **state)
{
	(void)state;
	assert_string_equal(
		line_id("import __editable___demo_pkg_1_0_finder; "
			"__editable___demo_pkg_1_0_finder.install()"),
		"setuptools-editable-finder");
	assert_null(line_id("import __editable___demo_pkg_1_0_finder; "
			    "__editable___evil_1_0_finder.install()"));
	assert_null(line_id("import __editable___demo_pkg_1_0_finder; "
			    "__editable___demo_pkg_1_0_finder.install(); import os"));
	assert_null(line_id("import __editable___demo; __editable___demo.install()"));
	assert_null(line_id("import __editable____finder; __editable____finder.install()"));
	assert_string_equal(line_id("import _editable_impl_demo_pkg"), "editables-import-hook");
	assert_null(line_id("import _editable_impl_demo.pkg"));
	assert_null(line_id("import _editable_impl_"));
	assert_string_equal(
		line_id("import site; site.addsitedir(\"/home/u/.venv/lib/python3.12/site-packages\")"),
		"uv-ephemeral-overlay");
	assert_null(line_id("import site; site.addsitedir(\"/x\"); import os"));
	assert_null(line_id("import site; site.addsitedir(\"/x\" + __import__('os').getcwd())"));
	assert_null(line_id("import site; site.addsitedir(\"\")"));
}

/* Hand-written 69.1.0+ lines, following the join of setuptools' _nspkg_tmpl. */
static void
test_nspkg_new_form(void **state)
{
	static const char single[] =
		"import sys, types, os;p = os.path.join(sys._getframe(1).f_locals['sitedir'], "
		"*('ns',));importlib = __import__('importlib.util');__import__('importlib.machinery');"
		"m = sys.modules.setdefault('ns', importlib.util.module_from_spec("
		"importlib.machinery.PathFinder.find_spec('ns', [os.path.dirname(p)])));"
		"m = m or sys.modules.setdefault('ns', types.ModuleType('ns'));"
		"mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p)\n";
	static const char dotted[] =
		"import sys, types, os;p = os.path.join(sys._getframe(1).f_locals['sitedir'], "
		"*('a', 'b'));importlib = __import__('importlib.util');__import__('importlib.machinery');"
		"m = sys.modules.setdefault('a.b', importlib.util.module_from_spec("
		"importlib.machinery.PathFinder.find_spec('a.b', [os.path.dirname(p)])));"
		"m = m or sys.modules.setdefault('a.b', types.ModuleType('a.b'));"
		"mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p);"
		"m and setattr(sys.modules['a'], 'b', m)\n";
	static const char wrong_tuple[] =
		"import sys, types, os;p = os.path.join(sys._getframe(1).f_locals['sitedir'], "
		"*('a', 'c'));importlib = __import__('importlib.util');__import__('importlib.machinery');"
		"m = sys.modules.setdefault('a.b', importlib.util.module_from_spec("
		"importlib.machinery.PathFinder.find_spec('a.b', [os.path.dirname(p)])));"
		"m = m or sys.modules.setdefault('a.b', types.ModuleType('a.b'));"
		"mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p);"
		"m and setattr(sys.modules['a'], 'b', m)\n";
	static const char wrong_parent[] =
		"import sys, types, os;p = os.path.join(sys._getframe(1).f_locals['sitedir'], "
		"*('a', 'b'));importlib = __import__('importlib.util');__import__('importlib.machinery');"
		"m = sys.modules.setdefault('a.b', importlib.util.module_from_spec("
		"importlib.machinery.PathFinder.find_spec('a.b', [os.path.dirname(p)])));"
		"m = m or sys.modules.setdefault('a.b', types.ModuleType('a.b'));"
		"mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p);"
		"m and setattr(sys.modules['os'], 'b', m)\n";

	(void)state;
	assert_string_equal(line_id(single), "setuptools-nspkg");
	assert_string_equal(line_id(dotted), "setuptools-nspkg-dotted");
	assert_null(line_id(wrong_tuple));
	assert_null(line_id(wrong_parent));
}

/* Replaces the first occurrence of from in line with to (same length). */
static void
replace_once(char *line, const char *from, const char *to)
{
	char *at = strstr(line, from);

	assert_non_null(at);
	assert_int_equal(strlen(from), strlen(to));
	memcpy(at, to, strlen(to));
}

static void
test_nspkg_real_setuptools(void **state)
{
	static const char command[] =
		SETUPTOOLS_PYTHON " -c \""
		"from setuptools.namespaces import Installer, DevelopInstaller\n"
		"d = DevelopInstaller(); d.egg_path = '/srv/src tree'\n"
		"for p in ('zope', 'google.cloud', 'a.b.c'):\n"
		"    print(Installer()._gen_nspkg_line(p), end='')\n"
		"for p in ('backports', 'backports.ssl'):\n"
		"    print(d._gen_nspkg_line(p), end='')\n"
		"\" 2>/dev/null";
	static const char *const expected[] = {
		"setuptools-nspkg-mfs", "setuptools-nspkg-mfs-dotted", "setuptools-nspkg-mfs-dotted",
		"setuptools-nspkg-mfs-develop", "setuptools-nspkg-mfs-develop-dotted",
	};
	size_t len, i;
	char *out, *line, *next;

	(void)state;
	if (access(SETUPTOOLS_PYTHON, X_OK) != 0) {
		print_message("skipped: %s is not installed\n", SETUPTOOLS_PYTHON);
		skip();
	}
	out = run_output(command, &len);
	assert_non_null(out);

	line = out;
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next = '\0';
		assert_string_equal(line_id(line), expected[i]);

		/* A namespace name changed in only one of its places must not match. */
		if (i == 0) {
			replace_once(line, "types.ModuleType('zope')", "types.ModuleType('zopf')");
			assert_null(line_id(line));
		}
		if (i == 1) {
			replace_once(line, "*('google', 'cloud')", "*('google', 'clouc')");
			assert_null(line_id(line));
		}
		line = next + 1;
	}
	assert_string_equal(line, "");
	free(out);
}

static void
test_editable_real_setuptools(void **state)
{
	static const char command[] =
		SETUPTOOLS_PYTHON " -c \""
		"from setuptools.command.editable_wheel import _make_identifier\n"
		"f = _make_identifier('__editable__.my-pkg-1.0.post2.finder')\n"
		"print(f'import {f}; {f}.install()')\n"
		"\" 2>/dev/null";
	size_t len;
	char *out;

	(void)state;
	if (access(SETUPTOOLS_PYTHON, X_OK) != 0) {
		print_message("skipped: %s is not installed\n", SETUPTOOLS_PYTHON);
		skip();
	}
	out = run_output(command, &len);
	assert_non_null(out);
	assert_string_equal(line_id(out), "setuptools-editable-finder");
	free(out);
}

/* Checks every executable line of a real .pth file against the catalogue. */
static size_t
check_real_pth(const char *path)
{
	size_t len = 0, matched = 0;
	char *buf = read_file(path, &len);
	char *line, *end;

	assert_non_null(buf);
	for (line = buf; line < buf + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(buf + len - line));
		if (!end)
			end = buf + len;
		if (strncmp(line, "import ", 7) == 0 || strncmp(line, "import\t", 7) == 0) {
			const struct catalogue_entry *e =
				catalogue_match_line(line, (size_t)(end - line) + (end < buf + len));

			if (!e)
				fail_msg("%s: executable line not in the catalogue", path);
			print_message("%s: %s\n", path, e->id);
			matched++;
		}
	}
	free(buf);
	return matched;
}

static void
test_real_distutils_precedence_files(void **state)
{
	glob_t g;
	size_t i, matched = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	/* GLOB_NOMATCH is fine here because the path count is checked below. */
	(void)glob("/usr/lib/python3/dist-packages/distutils-precedence.pth", 0, NULL, &g);
	(void)glob("/root/.pyenv/versions/*/lib/python3.*/site-packages/distutils-precedence.pth",
		   GLOB_APPEND, NULL, &g);
	if (g.gl_pathc == 0) {
		globfree(&g);
		print_message("skipped: no distutils-precedence.pth on this machine\n");
		skip();
	}
	for (i = 0; i < g.gl_pathc; i++)
		matched += check_real_pth(g.gl_pathv[i]);
	assert_int_equal(matched, g.gl_pathc);
	globfree(&g);
}

/*
 * Builds a real venv with the pyenv 3.11.7 ensurepip (setuptools 65.5.0),
 * which writes distutils-precedence.pth. Debian's python3-virtualenv is
 * not installed here, so _virtualenv.pth is checked only against its shape.
 */
static void
test_real_venv_hooks(void **state)
{
	char dir[] = "/tmp/sitehound-catalogue-XXXXXX";
	char command[512], path[512];
	size_t len;
	char *out;
	int n;

	(void)state;
	if (access(SETUPTOOLS_PYTHON, X_OK) != 0) {
		print_message("skipped: %s is not installed\n", SETUPTOOLS_PYTHON);
		skip();
	}
	if (access("/usr/lib/python3/dist-packages/virtualenv", F_OK) != 0)
		print_message("note: python3-virtualenv is not installed, so no real "
			      "_virtualenv.pth is checked\n");

	assert_non_null(mkdtemp(dir));
	n = snprintf(command, sizeof(command), SETUPTOOLS_PYTHON " -m venv %s/venv && echo ok",
		     dir);
	assert_true(n > 0 && (size_t)n < sizeof(command));
	out = run_output(command, &len);
	assert_non_null(out);
	free(out);

	n = snprintf(path, sizeof(path),
		     "%s/venv/lib/python3.11/site-packages/distutils-precedence.pth", dir);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	assert_int_equal(check_real_pth(path), 1);

	n = snprintf(command, sizeof(command), "rm -rf -- %s", dir);
	assert_true(n > 0 && (size_t)n < sizeof(command));
	assert_int_equal(system(command), 0);
}

static void
test_real_debian_sitecustomize(void **state)
{
	static const char path[] = "/etc/python3.11/sitecustomize.py";
	const struct catalogue_entry *e;
	size_t len = 0, i, j = 0;
	char *buf = read_file(path, &len);
	char *crlf;

	(void)state;
	if (!buf) {
		print_message("skipped: %s is not present\n", path);
		skip();
	}
	e = catalogue_match_module(buf, len);
	assert_non_null(e);
	assert_string_equal(e->id, "debian-apport-sitecustomize");

	crlf = malloc(2 * len + 1);
	assert_non_null(crlf);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			crlf[j++] = '\r';
		crlf[j++] = buf[i];
	}
	assert_ptr_equal(catalogue_match_module(crlf, j), e);

	/* One appended statement makes it unknown. */
	memcpy(crlf, buf, len);
	memcpy(crlf + len, "import os", 9);
	assert_null(catalogue_match_module(crlf, len + 9));
	assert_null(catalogue_match_module(buf, len - 1));
	assert_null(catalogue_match_line(buf, len));
	free(crlf);
	free(buf);
}

static void
test_module_shape_not_a_line(void **state)
{
	const struct catalogue_entry *e = entry_by_id("virtualenv");

	(void)state;
	assert_null(catalogue_match_module(e->shape, e->shape_len));
}

/* Allowlist ------------------------------------------------------------- */

#define DIGEST_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define DIGEST_B "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"

static struct allowlist
parse_allowlist(const char *text)
{
	struct allowlist list;

	assert_int_equal(allowlist_parse(text, strlen(text), &list), 0);
	return list;
}

static void
hex_to_digest(const char *hex, uint8_t digest[ALLOWLIST_DIGEST_LEN])
{
	size_t i;

	for (i = 0; i < ALLOWLIST_DIGEST_LEN; i++) {
		char pair[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

		digest[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
}

static void
test_allowlist_valid_lines(void **state)
{
	struct allowlist list = parse_allowlist(
		"# hooks this site accepts\n"
		"\n"
		DIGEST_A "  CA bundle injection for the egress proxy\r\n"
		"   \t\n"
		"\t" DIGEST_B "\tempty file, kept on purpose  \n");
	uint8_t digest[ALLOWLIST_DIGEST_LEN];
	const struct allowlist_entry *e;

	(void)state;
	assert_int_equal(list.count, 2);
	assert_int_equal(list.ndiags, 0);

	hex_to_digest(DIGEST_A, digest);
	e = allowlist_find(&list, digest);
	assert_non_null(e);
	assert_string_equal(e->comment, "CA bundle injection for the egress proxy");
	assert_int_equal(e->line, 3);

	hex_to_digest(DIGEST_B, digest);
	e = allowlist_find(&list, digest);
	assert_non_null(e);
	assert_string_equal(e->comment, "empty file, kept on purpose");
	assert_int_equal(e->line, 5);

	digest[0] ^= 1;
	assert_null(allowlist_find(&list, digest));
	allowlist_free(&list);
}

struct bad_line_case {
	const char *text;
	const char *reason_start;
};

static void
test_allowlist_bad_lines(void **state)
{
	static const struct bad_line_case cases[] = {
		{ DIGEST_A "\n", "missing comment" },
		{ DIGEST_A "   \n", "missing comment" },
		{ "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0 short\n",
		  "invalid SHA-256 digest" },
		{ "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08a x\n",
		  "invalid SHA-256 digest" },
		{ "zf86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 x\n",
		  "invalid SHA-256 digest" },
		{ DIGEST_A "#comment\n", "invalid SHA-256 digest" },
		{ "sha256:" DIGEST_A " x\n", "invalid SHA-256 digest" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct allowlist list = parse_allowlist(cases[i].text);

		assert_int_equal(list.count, 0);
		assert_int_equal(list.ndiags, 1);
		assert_int_equal(list.diags[0].line, 1);
		assert_true(strncmp(list.diags[0].reason, cases[i].reason_start,
				    strlen(cases[i].reason_start)) == 0);
		allowlist_free(&list);
	}
}

static void
test_allowlist_continues_after_errors(void **state)
{
	static const char text[] =
		"not a digest\n"
		DIGEST_A " first\n"
		"x\0y\n"
		DIGEST_A " second copy\n"
		DIGEST_B " other";
	struct allowlist list;
	uint8_t digest[ALLOWLIST_DIGEST_LEN];

	(void)state;
	assert_int_equal(allowlist_parse(text, sizeof(text) - 1, &list), 0);
	assert_int_equal(list.count, 2);
	assert_int_equal(list.ndiags, 3);
	assert_int_equal(list.diags[0].line, 1);
	assert_int_equal(list.diags[1].line, 3);
	assert_string_equal(list.diags[1].reason, "line contains a NUL byte");
	assert_int_equal(list.diags[2].line, 4);
	assert_true(strncmp(list.diags[2].reason, "duplicate digest", 16) == 0);
	hex_to_digest(DIGEST_A, digest);
	assert_string_equal(allowlist_find(&list, digest)->comment, "first");
	allowlist_free(&list);
}

static void
test_allowlist_caps(void **state)
{
	size_t n = ALLOWLIST_MAX_ENTRIES + 150, i, pos = 0;
	size_t line_len = 64 + 3;
	char *text = malloc(n * line_len + ALLOWLIST_MAX_LINE + 3);
	struct allowlist list;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++) {
		int w = snprintf(text + pos, line_len + 1, "%064zx c\n", i);

		assert_int_equal(w, (int)line_len);
		pos += line_len;
	}
	memset(text + pos, 'a', ALLOWLIST_MAX_LINE + 1);
	pos += ALLOWLIST_MAX_LINE + 1;
	text[pos++] = '\n';

	assert_int_equal(allowlist_parse(text, pos, &list), 0);
	assert_int_equal(list.count, ALLOWLIST_MAX_ENTRIES);
	assert_int_equal(list.ndiags, ALLOWLIST_MAX_DIAGS);
	assert_int_equal(list.diags_dropped, 150 + 1 - ALLOWLIST_MAX_DIAGS);
	assert_int_equal(list.diags[0].line, ALLOWLIST_MAX_ENTRIES + 1);
	assert_true(strncmp(list.diags[0].reason, "too many entries", 16) == 0);
	allowlist_free(&list);
	free(text);
}

/* The digests sha256sum prints for real hook files are accepted and found. */
static void
test_allowlist_real_sha256sum(void **state)
{
	static const char path[] = "/usr/lib/python3/dist-packages/distutils-precedence.pth";
	char *out;
	size_t len;
	struct allowlist list;
	uint8_t digest[ALLOWLIST_DIGEST_LEN];

	(void)state;
	if (access(path, R_OK) != 0) {
		print_message("skipped: %s is not present\n", path);
		skip();
	}
	out = run_output("sha256sum /usr/lib/python3/dist-packages/distutils-precedence.pth", &len);
	assert_non_null(out);
	assert_int_equal(allowlist_parse(out, len, &list), 0);
	assert_int_equal(list.count, 1);
	assert_int_equal(list.ndiags, 0);
	assert_string_equal(list.entries[0].comment, path);
	hex_to_digest(out, digest);
	assert_ptr_equal(allowlist_find(&list, digest), &list.entries[0]);
	allowlist_free(&list);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_shapes_match),
		cmocka_unit_test(test_entries_are_described),
		cmocka_unit_test(test_template_holes_are_delimited),
		cmocka_unit_test(test_distutils_lookalikes),
		cmocka_unit_test(test_small_lookalikes),
		cmocka_unit_test(test_editable_lines),
		cmocka_unit_test(test_nspkg_new_form),
		cmocka_unit_test(test_nspkg_real_setuptools),
		cmocka_unit_test(test_editable_real_setuptools),
		cmocka_unit_test(test_real_distutils_precedence_files),
		cmocka_unit_test(test_real_venv_hooks),
		cmocka_unit_test(test_real_debian_sitecustomize),
		cmocka_unit_test(test_module_shape_not_a_line),
		cmocka_unit_test(test_allowlist_valid_lines),
		cmocka_unit_test(test_allowlist_bad_lines),
		cmocka_unit_test(test_allowlist_continues_after_errors),
		cmocka_unit_test(test_allowlist_caps),
		cmocka_unit_test(test_allowlist_real_sha256sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
