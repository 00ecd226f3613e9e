/*
 * Unit tests for hunt/hookpath: how the path of a file event is classified
 * as a start-up hook, with the severity and rule of each class. The
 * expected classes follow CPython's site.py and import system (3.6 to
 * 3.13) and Debian's packaging of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hunt/hookpath.h"

struct path_case {
	const char *path;
	bool classified;        /* hookpath_classify's return value */
	enum hook_kind kind;
	enum severity severity;
	const char *rule;
	const char *form;       /* NULL: not checked */
};

#define PTH "pth-write"
#define CUSTOMIZE "customize-write"
#define SITE "site-module-write"
#define NOT_A_HOOK false, HOOK_NONE, SEV_INFO, NULL, NULL

static const struct path_case path_cases[] = {
	/* .pth files are read only directly in a site directory. */
	{ "/usr/lib/python3.11/site-packages/evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "/usr/lib/python3/dist-packages/evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "/usr/local/lib/python3.11/dist-packages/evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	/* Empty, "." and ".." components name the directory they resolve to. */
	{ "/usr/lib/python3/dist-packages//evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "/usr/lib/python3/dist-packages/./evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "/usr/lib/python3/dist-packages/x/../evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "/usr/lib/python3/dist-packages/../evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "C:\\Python311\\sitecustomize.py", true, HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE, "source" },
	{ "/usr/lib/site-python/evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "/usr/local/lib/python3.13t/site-packages/evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "C:\\Program Files\\Python311\\Lib\\site-packages\\evil.pth", true, HOOK_PTH, SEV_MEDIUM,
	  PTH, NULL },
	{ "C:\\Program Files\\Python311\\lib\\Site-Packages\\evil.pth", true, HOOK_PTH, SEV_MEDIUM,
	  PTH, NULL },
	{ "C:\\Users\\bob\\AppData\\Roaming\\Python\\Python311\\site-packages\\evil.pth", true,
	  HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	/* Windows also reads .pth files in the installation or environment root. */
	{ "C:\\Python311\\evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "C:\\Users\\bob\\AppData\\Local\\Programs\\Python\\Python313t\\evil.pth", true, HOOK_PTH,
	  SEV_MEDIUM, PTH, NULL },
	{ "C:\\ProgramData\\anaconda3\\evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "C:\\src\\proj\\.venv\\evil.pth", true, HOOK_PTH, SEV_MEDIUM, PTH, NULL },
	{ "C:\\Users\\bob\\Documents\\evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "C:\\Python\\evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "C:\\tools\\site-python\\evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "/opt/Python311/evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "/usr/lib/python3.11/Site-Packages/evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "/usr/lib/python3.11/site-packages/EVIL.PTH", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "/usr/lib/python3.11/site-packages/evil.Pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "/usr/lib/python3.11/site-packages/pkg/evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "C:\\Python311\\Lib\\site-packages\\pkg\\evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH,
	  NULL },
	{ "evil.pth", true, HOOK_LOOKALIKE, SEV_INFO, PTH, NULL },
	{ "/usr/lib/python3.11/site-packages/evil.pth.bak", NOT_A_HOOK },

	/* ._pth files replace sys.path of the interpreter they are named after. */
	{ "C:\\Python311\\python311._pth", true, HOOK_DOTPTH, SEV_HIGH, "dotpth-write", NULL },
	{ "/opt/py/bin/python3.11._pth", true, HOOK_DOTPTH, SEV_HIGH, "dotpth-write", NULL },

	/* sitecustomize and usercustomize in every importable form. */
	{ "/usr/lib/python3.11/site-packages/sitecustomize.py", true, HOOK_CUSTOMIZE, SEV_HIGH,
	  CUSTOMIZE, "source" },
	{ "/usr/lib/python3.12/sitecustomize.py", true, HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE, "source" },
	{ "/home/bob/.local/lib/python3.11/site-packages/usercustomize.py", true, HOOK_CUSTOMIZE,
	  SEV_HIGH, CUSTOMIZE, "source" },
	{ "/usr/lib/python3/dist-packages/usercustomize.py", true, HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE,
	  "source" },
	{ "/tmp/work/sitecustomize.py", true, HOOK_CUSTOMIZE, SEV_MEDIUM, CUSTOMIZE, "source" },
	{ "C:\\Python311\\Lib\\site-packages\\sitecustomize.pyw", true, HOOK_CUSTOMIZE, SEV_HIGH,
	  CUSTOMIZE, "source" },
	{ "C:\\Python311\\Lib\\sitecustomize.py", true, HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE, "source" },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.pyw", NOT_A_HOOK },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.pyc", true, HOOK_CUSTOMIZE, SEV_HIGH,
	  CUSTOMIZE, "byte code without source" },
	{ "/usr/lib/python3.11/site-packages/__pycache__/sitecustomize.cpython-311.pyc", true,
	  HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE, "byte code in __pycache__" },
	{ "/usr/lib/python3.11/__pycache__/usercustomize.cpython-311.opt-1.pyc", true,
	  HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE, "byte code in __pycache__" },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.cpython-311-x86_64-linux-gnu.so", true,
	  HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE, "extension module" },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.abi3.so", true, HOOK_CUSTOMIZE, SEV_HIGH,
	  CUSTOMIZE, "extension module" },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.so", true, HOOK_CUSTOMIZE, SEV_HIGH,
	  CUSTOMIZE, "extension module" },
	{ "C:\\Python311\\Lib\\site-packages\\sitecustomize.cp311-win_amd64.pyd", true, HOOK_CUSTOMIZE,
	  SEV_HIGH, CUSTOMIZE, "extension module" },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.pyd", NOT_A_HOOK },
	{ "/usr/lib/python3.11/site-packages/sitecustomize/__init__.py", true, HOOK_CUSTOMIZE,
	  SEV_HIGH, CUSTOMIZE, "package" },
	/* The site directory lies three components above a package's byte code. */
	{ "/usr/lib/python3.11/site-packages/sitecustomize/__pycache__/__init__.cpython-311.pyc", true,
	  HOOK_CUSTOMIZE, SEV_HIGH, CUSTOMIZE, "package byte code" },
	{ "/srv/app/sitecustomize/__pycache__/__init__.cpython-311.pyc", true,
	  HOOK_CUSTOMIZE, SEV_MEDIUM, CUSTOMIZE, "package byte code" },
	/* import compares module names with case even on Windows. */
	{ "/usr/lib/python3.11/site-packages/SiteCustomize.py", true, HOOK_LOOKALIKE, SEV_INFO,
	  CUSTOMIZE, NULL },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.PY", true, HOOK_LOOKALIKE, SEV_INFO,
	  CUSTOMIZE, NULL },
	{ "C:\\Python311\\Lib\\site-packages\\SITECUSTOMIZE.PY", true, HOOK_LOOKALIKE, SEV_INFO,
	  CUSTOMIZE, NULL },
	{ "/usr/lib/python3.11/site-packages/sitecustomize.py.bak", NOT_A_HOOK },
	{ "/usr/lib/python3.11/site-packages/mysitecustomize.py", NOT_A_HOOK },

	/* site.py: frozen into CPython 3.11 and later, on disk before. */
	{ "/usr/lib/python3.9/site.py", true, HOOK_SITE, SEV_HIGH, SITE, "source" },
	{ "/usr/lib/python2.7/site.py", true, HOOK_SITE, SEV_HIGH, SITE, "source" },
	{ "/usr/lib/python3.12/site.py", true, HOOK_SITE, SEV_MEDIUM, SITE, "source" },
	{ "/usr/lib/python3.13t/site.py", true, HOOK_SITE, SEV_MEDIUM, SITE, "source" },
	/* A Windows path does not name the version, so the worse case is taken. */
	{ "C:\\Python311\\Lib\\site.py", true, HOOK_SITE, SEV_HIGH, SITE, "source" },
	{ "/usr/lib/python3.9/__pycache__/site.cpython-39.pyc", true, HOOK_SITE, SEV_HIGH, SITE,
	  "byte code in __pycache__" },
	{ "/usr/lib/python3.12/__pycache__/site.cpython-312.pyc", true, HOOK_SITE, SEV_MEDIUM, SITE,
	  "byte code in __pycache__" },
	{ "/usr/lib/python3.10/__pycache__/site.cpython-310.opt-2.pyc", true, HOOK_SITE, SEV_HIGH,
	  SITE, "byte code in __pycache__" },
	{ "/home/bob/proj/site.py", true, HOOK_LOOKALIKE, SEV_INFO, SITE, "source" },
	{ "/home/bob/proj/__pycache__/site.cpython-39.pyc", true, HOOK_LOOKALIKE, SEV_INFO, SITE,
	  "byte code in __pycache__" },
	{ "/usr/lib/python3.9/Site.py", true, HOOK_LOOKALIKE, SEV_INFO, SITE, NULL },
	{ "/usr/lib/python3.9/site.py.bak", NOT_A_HOOK },
	{ "/usr/lib/python3.9/os.py", NOT_A_HOOK },
	{ "/usr/lib/python3.9/", NOT_A_HOOK },
	{ "", NOT_A_HOOK },
};

static void
test_classify_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];
		struct hook hook;
		bool classified = hookpath_classify(c->path, strlen(c->path), &hook);

		if (classified != c->classified ||
		    (classified && (hook.kind != c->kind || hook.severity != c->severity ||
				    strcmp(hook.rule, c->rule) != 0 ||
				    (c->form && strcmp(hook.form, c->form) != 0))))
			print_error("unexpected class for %s\n", c->path);
		assert_int_equal(classified, c->classified);
		if (!c->classified)
			continue;
		assert_int_equal(hook.kind, c->kind);
		assert_int_equal(hook.severity, c->severity);
		assert_string_equal(hook.rule, c->rule);
		assert_non_null(hook.kind_name);
		assert_non_null(hook.where);
		if (c->form)
			assert_string_equal(hook.form, c->form);
	}
}

static void
test_classify_kind_names(void **state)
{
	static const struct {
		const char *path;
		const char *kind_name;
	} cases[] = {
		{ "/usr/lib/python3.11/site-packages/evil.pth", "pth" },
		{ "/usr/lib/python3.11/site-packages/sitecustomize.py", "sitecustomize" },
		{ "/usr/lib/python3.11/site-packages/usercustomize.py", "usercustomize" },
		{ "/usr/lib/python3.9/site.py", "site-module" },
		{ "C:\\Python311\\python311._pth", "dotpth" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hook hook;

		assert_true(hookpath_classify(cases[i].path, strlen(cases[i].path), &hook));
		assert_string_equal(hook.kind_name, cases[i].kind_name);
	}
}

/* Debian links /usr/lib/python3.X/sitecustomize.py to /etc/python3.X/sitecustomize.py. */
static void
test_classify_debian_sitecustomize(void **state)
{
	static const char path[] = "/etc/python3.11/sitecustomize.py";
	struct hook hook;

	(void)state;
	assert_true(hookpath_classify(path, sizeof(path) - 1, &hook));
	assert_int_equal(hook.kind, HOOK_CUSTOMIZE);
	assert_int_equal(hook.severity, SEV_HIGH);
	assert_string_equal(hook.rule, CUSTOMIZE);
	assert_non_null(strstr(hook.where, "Debian"));
}

/* site.pyc beside no site.py is byte code, as sitecustomize.pyc is. */
static void
test_classify_site_sourceless(void **state)
{
	static const char path[] = "/usr/lib/python3.9/site.pyc";
	struct hook hook;

	(void)state;
	assert_true(hookpath_classify(path, sizeof(path) - 1, &hook));
	assert_int_equal(hook.kind, HOOK_SITE);
	assert_int_equal(hook.severity, SEV_HIGH);
	assert_string_equal(hook.rule, SITE);
	assert_string_equal(hook.form, "byte code without source");
}

/*
 * A version directory with more digits than an int can contain must be
 * classified without overflowing the minor version; the sanitizer build
 * turns an overflow into a failure.
 */
static void
test_classify_huge_minor_version(void **state)
{
	static const char path[] = "/usr/lib/python3.99999999999/site.py";
	struct hook hook;

	(void)state;
	assert_true(hookpath_classify(path, sizeof(path) - 1, &hook));
	assert_string_equal(hook.rule, SITE);
}

/* A directory named like a standard library outside lib/ is not one. */
static void
test_classify_stdlib_name_elsewhere(void **state)
{
	static const char path[] = "/tmp/python3.11/sitecustomize.py";
	struct hook hook;

	(void)state;
	assert_true(hookpath_classify(path, sizeof(path) - 1, &hook));
	assert_int_equal(hook.kind, HOOK_CUSTOMIZE);
	assert_int_equal(hook.severity, SEV_MEDIUM);
}

static void
test_classify_installer_names(void **state)
{
	static const struct {
		const char *path;
		bool benign;
	} cases[] = {
		{ "/usr/lib/python3.11/site-packages/distutils-precedence.pth", true },
		{ "/usr/lib/python3.11/site-packages/_virtualenv.pth", true },
		{ "/usr/lib/python3.11/site-packages/easy-install.pth", true },
		{ "C:\\Python311\\Lib\\site-packages\\pywin32.pth", true },
		{ "/usr/lib/python3.11/site-packages/a1_coverage.pth", true },
		{ "/usr/lib/python3.11/site-packages/__editable__.demo-1.0.pth", true },
		{ "/usr/lib/python3.11/site-packages/zope.interface-5.4-py3.11-nspkg.pth", true },
		{ "/usr/lib/python3.11/site-packages/evil.pth", false },
		{ "/usr/lib/python3.11/site-packages/Distutils-Precedence.pth", false },
		{ "/usr/lib/python3.11/site-packages/distutils-precedence.pth.pth", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hook hook;

		assert_true(hookpath_classify(cases[i].path, strlen(cases[i].path), &hook));
		assert_int_equal(hook.kind, HOOK_PTH);
		if (hook.known_benign_name != cases[i].benign)
			print_error("unexpected installer name result for %s\n", cases[i].path);
		assert_int_equal(hook.known_benign_name, cases[i].benign);
	}
}

/* Only path[0..len) is read, although the bytes after it finish another name. */
static void
test_classify_reads_only_length(void **state)
{
	static const char path[] = "/usr/lib/python3.11/site-packages/evil.pthx";
	static const char site[] = "/usr/lib/python3.9/site.pyc";
	struct hook hook;

	(void)state;
	assert_true(hookpath_classify(path, sizeof(path) - 2, &hook));
	assert_int_equal(hook.kind, HOOK_PTH);
	assert_true(hookpath_classify(site, sizeof(site) - 2, &hook));
	assert_int_equal(hook.kind, HOOK_SITE);
	assert_string_equal(hook.form, "source");
}

static void
test_is_windows(void **state)
{
	(void)state;
	assert_true(hookpath_is_windows("C:\\Python311", 12));
	assert_true(hookpath_is_windows("C:/Python311", 12));
	assert_true(hookpath_is_windows("\\\\server\\share\\x.pth", 20));
	assert_true(hookpath_is_windows("rel\\x.pth", 9));
	assert_false(hookpath_is_windows("/usr/lib/x.pth", 14));
	assert_false(hookpath_is_windows("x.pth", 5));
	assert_false(hookpath_is_windows("", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_table),
		cmocka_unit_test(test_classify_kind_names),
		cmocka_unit_test(test_classify_debian_sitecustomize),
		cmocka_unit_test(test_classify_site_sourceless),
		cmocka_unit_test(test_classify_stdlib_name_elsewhere),
		cmocka_unit_test(test_classify_huge_minor_version),
		cmocka_unit_test(test_classify_installer_names),
		cmocka_unit_test(test_classify_reads_only_length),
		cmocka_unit_test(test_is_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
