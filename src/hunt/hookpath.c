#include "hunt/hookpath.h"

#include <string.h>

#include "hunt/kql.h"

struct view {
	const char *data;
	size_t len;
};

/* The last components of a path: name, its directory and two above. */
struct tail {
	struct view name, parent, grandparent, great;
	bool windows;
};

/*
 * A drive letter, a UNC or device path, or backslashes in a path that does
 * not start with '/' (a POSIX file name may contain a backslash).
 */
bool
hookpath_is_windows(const char *path, size_t len)
{
	if (len >= 2 && path[1] == ':')
		return true;
	if (len >= 2 && path[0] == '\\' && path[1] == '\\')
		return true;
	return len > 0 && path[0] != '/' && memchr(path, '\\', len) != NULL;
}

static bool
is_sep(char c, bool windows)
{
	return c == '/' || (windows && c == '\\');
}

/*
 * Takes the last component of path[0..*end), skipping empty and "."
 * components ("dir//x", "dir/./x") and resolving ".." ("dir/x/.." is dir),
 * and moves *end before it. Returns false when none is left.
 */
static bool
take_component(const char *path, size_t *end, bool windows, struct view *out)
{
	unsigned int skip = 0;

	for (;;) {
		size_t stop = *end, start = stop;

		while (start > 0 && !is_sep(path[start - 1], windows))
			start--;
		out->data = path + start;
		out->len = stop - start;
		*end = start > 0 ? start - 1 : 0;
		if (out->len == 2 && out->data[0] == '.' && out->data[1] == '.')
			skip++;
		else if (out->len > 0 && !(out->len == 1 && out->data[0] == '.') && skip > 0)
			skip--;
		else if (out->len > 0 && !(out->len == 1 && out->data[0] == '.'))
			return true;
		if (start == 0)
			return false;
	}
}

static void
split_tail(const char *path, size_t len, struct tail *t)
{
	size_t end = len;

	memset(t, 0, sizeof(*t));
	t->windows = hookpath_is_windows(path, len);
	if (!take_component(path, &end, t->windows, &t->name) || end == 0)
		return;
	if (!take_component(path, &end, t->windows, &t->parent) || end == 0)
		return;
	if (!take_component(path, &end, t->windows, &t->grandparent) || end == 0)
		return;
	take_component(path, &end, t->windows, &t->great);
}

static bool
eq_exact(struct view v, const char *s)
{
	return v.len == strlen(s) && memcmp(v.data, s, v.len) == 0;
}

/* Directory names: without case on Windows, exact elsewhere. */
static bool
eq_dir(struct view v, const char *s, bool windows)
{
	size_t n = strlen(s);

	if (windows)
		return kql_equals_ci(v.data, v.len, s, n);
	return eq_exact(v, s);
}

static bool
ends_with(struct view v, const char *suffix)
{
	size_t n = strlen(suffix);

	return v.len >= n && memcmp(v.data + v.len - n, suffix, n) == 0;
}

static bool
starts_with(struct view v, const char *prefix)
{
	size_t n = strlen(prefix);

	return v.len >= n && memcmp(v.data, prefix, n) == 0;
}

static bool
is_site_dir(struct view d, bool windows)
{
	return eq_dir(d, "site-packages", windows) || eq_dir(d, "dist-packages", windows) ||
	       (!windows && eq_exact(d, "site-python"));
}

/* "python3.11", "python2.7", "python3.13t": a POSIX standard library directory. */
static bool
is_posix_stdlib_name(struct view d, int *minor)
{
	size_t i = 8;
	int m = 0;

	if (d.len < 9 || memcmp(d.data, "python", 6) != 0 || (d.data[6] != '2' && d.data[6] != '3') ||
	    d.data[7] != '.')
		return false;
	if (d.data[i] < '0' || d.data[i] > '9')
		return false;
	/* Minor versions have two digits; more only saturate. */
	for (; i < d.len && d.data[i] >= '0' && d.data[i] <= '9'; i++)
		m = m < 1000 ? m * 10 + (d.data[i] - '0') : m;
	if (i < d.len && d.data[i] == 't')
		i++;
	if (i != d.len)
		return false;
	*minor = d.data[6] == '3' ? m : -1;
	return true;
}

/*
 * The standard library directory: lib/pythonX.Y (or lib64/pythonX.Y) on
 * POSIX, Lib on Windows. above is the directory that contains d.
 */
static bool
is_stdlib_dir(struct view d, struct view above, bool windows, int *minor)
{
	*minor = -1;
	if (windows)
		return eq_dir(d, "Lib", true);
	return (eq_exact(above, "lib") || eq_exact(above, "lib64")) &&
	       is_posix_stdlib_name(d, minor);
}

static bool is_windows_root(struct view d);

/*
 * Directories every start-up puts on sys.path besides site directories,
 * including a Windows installation or virtual environment root.
 */
static bool
is_always_on_path(struct view d, struct view above, bool windows, int *minor)
{
	if (is_site_dir(d, windows) || is_stdlib_dir(d, above, windows, minor))
		return true;
	if (windows)
		return eq_dir(d, "DLLs", true) || is_windows_root(d);
	return eq_exact(d, "lib-dynload");
}

/*
 * Windows reads .pth files in the installation root itself
 * (site.getsitepackages() returns prefix and prefix\Lib\site-packages),
 * and a virtual environment's root is its prefix. Roots are recognised by
 * the names installers give them.
 */
static bool
is_windows_root(struct view d)
{
	static const char *const prefixes[] = {
		"python", "anaconda", "miniconda", "miniforge", "mambaforge",
	};
	size_t i;

	if (kql_equals_ci(d.data, d.len, ".venv", 5) || kql_equals_ci(d.data, d.len, "venv", 4))
		return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (d.len > n && kql_equals_ci(d.data, n, prefixes[i], n) &&
		    d.data[n] >= '0' && d.data[n] <= '9')
			return true;
	}
	return false;
}

/* Names that setuptools, virtualenv, coverage and pywin32 write. */
static bool
is_installer_pth_name(struct view name)
{
	return eq_exact(name, "distutils-precedence.pth") || eq_exact(name, "_virtualenv.pth") ||
	       eq_exact(name, "easy-install.pth") || eq_exact(name, "pywin32.pth") ||
	       eq_exact(name, "a1_coverage.pth") || starts_with(name, "__editable__.") ||
	       ends_with(name, "-nspkg.pth");
}

static void
set_hook(struct hook *h, enum hook_kind kind, enum severity sev, const char *rule,
	 const char *kind_name, const char *form, const char *where)
{
	h->kind = kind;
	h->severity = sev;
	h->rule = rule;
	h->kind_name = kind_name;
	h->form = form;
	h->where = where;
}

static bool
classify_pth(const struct tail *t, struct hook *h)
{
	if (!ends_with(t->name, ".pth")) {
		set_hook(h, HOOK_LOOKALIKE, SEV_INFO, "pth-write", "pth", "path configuration file",
			 "site.py reads only names that end in lower-case \".pth\"");
		return true;
	}
	h->known_benign_name = is_installer_pth_name(t->name);
	if (is_site_dir(t->parent, t->windows)) {
		set_hook(h, HOOK_PTH, SEV_MEDIUM, "pth-write", "pth", "path configuration file",
			 "in a site directory, so its import lines run at every start-up");
		return true;
	}
	if (t->windows && is_windows_root(t->parent)) {
		set_hook(h, HOOK_PTH, SEV_MEDIUM, "pth-write", "pth", "path configuration file",
			 "in a Windows installation or virtual environment root, which "
			 "CPython reads as a site directory");
		return true;
	}
	set_hook(h, HOOK_LOOKALIKE, SEV_INFO, "pth-write", "pth", "path configuration file",
		 "not directly in a site directory, so CPython does not read it at start-up");
	return true;
}

static bool
is_extension_name(struct view name, bool windows)
{
	return ends_with(name, ".so") || (windows && ends_with(name, ".pyd"));
}

/*
 * Recognises module `module` in name (in dir) as source, sourceless byte
 * code, extension module, __pycache__ byte code or package __init__.
 * Returns the form, or NULL.
 */
static const char *
module_form(const struct tail *t, const char *module, bool *exact)
{
	size_t n = strlen(module);
	struct view name = t->name;
	char dotted[32];

	*exact = true;
	memcpy(dotted, module, n);
	dotted[n] = '.';
	dotted[n + 1] = '\0';
	if (starts_with(name, dotted)) {
		struct view rest = { name.data + n, name.len - n };

		if (eq_exact(rest, ".py") || (t->windows && eq_exact(rest, ".pyw")))
			return "source";
		if (eq_exact(rest, ".pyc"))
			return "byte code without source";
		if (eq_dir(t->parent, "__pycache__", t->windows) && ends_with(rest, ".pyc"))
			return "byte code in __pycache__";
		if (is_extension_name(rest, t->windows))
			return "extension module";
	}
	if (eq_exact(t->parent, module) && starts_with(name, "__init__."))
		return "package";
	if (eq_dir(t->parent, "__pycache__", t->windows) && eq_exact(t->grandparent, module) &&
	    starts_with(name, "__init__."))
		return "package byte code";
	/* A name that differs only in case is never imported. */
	if (name.len > n && kql_equals_ci(name.data, n, module, n) && name.data[n] == '.' &&
	    kql_endswith(name.data, name.len, ".py", 3)) {
		*exact = false;
		return "source";
	}
	return NULL;
}

/* The directory a module form lives in (the package or __pycache__ parent). */
static struct view
module_dir(const struct tail *t, const char *form, struct view *above)
{
	if (strcmp(form, "byte code in __pycache__") == 0 || strcmp(form, "package") == 0) {
		*above = t->great;
		return t->grandparent;
	}
	if (strcmp(form, "package byte code") == 0) {
		/* sitecustomize/__pycache__/__init__...pyc: the package sits in great. */
		*above = (struct view){ NULL, 0 };
		return t->great;
	}
	*above = t->grandparent;
	return t->parent;
}

static bool
classify_customize(const struct tail *t, struct hook *h)
{
	static const char *const modules[] = { "sitecustomize", "usercustomize" };
	size_t i;

	for (i = 0; i < 2; i++) {
		bool exact;
		const char *form = module_form(t, modules[i], &exact);
		struct view dir, above;
		int minor;

		if (!form)
			continue;
		if (!exact) {
			set_hook(h, HOOK_LOOKALIKE, SEV_INFO, "customize-write", modules[i], form,
				 "import matches module names case-sensitively, so CPython never "
				 "imports this file under that name");
			return true;
		}
		dir = module_dir(t, form, &above);
		if (dir.data && !t->windows && is_posix_stdlib_name(dir, &minor) &&
		    eq_exact(above, "etc")) {
			set_hook(h, HOOK_CUSTOMIZE, SEV_HIGH, "customize-write", modules[i], form,
				 "Debian links this file into the standard library directory");
			return true;
		}
		if (dir.data && is_always_on_path(dir, above, t->windows, &minor)) {
			set_hook(h, HOOK_CUSTOMIZE, SEV_HIGH, "customize-write", modules[i], form,
				 "in a directory that is on sys.path of every start-up");
			return true;
		}
		set_hook(h, HOOK_CUSTOMIZE, SEV_MEDIUM, "customize-write", modules[i], form,
			 "runs at start-up when its directory is on sys.path (through "
			 "PYTHONPATH, a .pth path line or a ._pth entry)");
		return true;
	}
	return false;
}

static bool
classify_site(const struct tail *t, struct hook *h)
{
	bool pycache = eq_dir(t->parent, "__pycache__", t->windows);
	const char *form = "source";
	struct view dir, above;
	int minor = -1;

	if (eq_exact(t->name, "site.py") || eq_exact(t->name, "site.pyc")) {
		dir = t->parent;
		above = t->grandparent;
		if (eq_exact(t->name, "site.pyc"))
			form = "byte code without source";
	} else if (pycache && starts_with(t->name, "site.") && ends_with(t->name, ".pyc")) {
		dir = t->grandparent;
		above = t->great;
		form = "byte code in __pycache__";
	} else if (kql_equals_ci(t->name.data, t->name.len, "site.py", 7)) {
		set_hook(h, HOOK_LOOKALIKE, SEV_INFO, "site-module-write", "site-module", "source",
			 "import matches module names case-sensitively, so this is not the site module");
		return true;
	} else {
		return false;
	}
	if (!is_stdlib_dir(dir, above, t->windows, &minor)) {
		set_hook(h, HOOK_LOOKALIKE, SEV_INFO, "site-module-write", "site-module", form,
			 "outside a standard library directory, so it runs only if it shadows the "
			 "standard site module through PYTHONPATH (CPython 3.10 and older)");
		return true;
	}
	if (minor >= 11) {
		set_hook(h, HOOK_SITE, SEV_MEDIUM, "site-module-write", "site-module", form,
			 "the standard site module; CPython 3.11 and later run a frozen copy "
			 "unless frozen modules are turned off");
		return true;
	}
	set_hook(h, HOOK_SITE, SEV_HIGH, "site-module-write", "site-module", form,
		 "the standard site module, which runs at every start-up");
	return true;
}

bool
hookpath_classify(const char *path, size_t len, struct hook *hook)
{
	struct tail t;

	memset(hook, 0, sizeof(*hook));
	split_tail(path, len, &t);
	if (t.name.len == 0)
		return false;
	if (kql_endswith(t.name.data, t.name.len, "._pth", 5)) {
		set_hook(hook, HOOK_DOTPTH, SEV_HIGH, "dotpth-write", "dotpth", "path configuration file",
			 "replaces sys.path of the interpreter it is named after and turns on "
			 "isolated mode (Windows from 3.6, every platform from 3.11)");
		return true;
	}
	if (kql_endswith(t.name.data, t.name.len, ".pth", 4))
		return classify_pth(&t, hook);
	if (classify_customize(&t, hook))
		return true;
	return classify_site(&t, hook);
}
