#include "scan/discover.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/strlist.h"
#include "core/strmap.h"
#include "python/ondisk.h"
#include "python/pyvenv.h"
#include "python/version.h"
#include "scan/accounts.h"
#include "scan/walk.h"

/* pyvenv.cfg, patchlevel.h and conda-meta records are small text files. */
#define SMALL_FILE_MAX (256 * 1024)
/* /var/lib/dpkg/status is a few MiB on a large system. */
#define DPKG_STATUS_MAX (64u * 1024 * 1024)
/* Installations kept per scan; a build farm may hold a few thousand venvs. */
#define INSTALLS_MAX 65536

struct discovery {
	/* prefix -> index in out->items, so that each prefix is registered once */
	struct strmap by_prefix;
	bool full_reported; /* the INSTALLS_MAX message was given */
	/* virtual environments seen by the walks, registered once bases are known */
	struct strlist venvs;
	const struct fsroot *root;
	const struct scan_options *opts;
	const struct scan_callbacks *cb;
	struct installs *out;
	struct accounts accounts;
	/* X.Y -> Debian package version of libpythonX.Y-minimal, from dpkg */
	struct dpkg_python dpkg[DPKG_PYTHONS_MAX];
	size_t ndpkg;
};

const char *
install_kind_name(enum install_kind kind)
{
	switch (kind) {
	case INSTALL_SYSTEM:
		return "system";
	case INSTALL_PREFIX:
		return "prefix";
	case INSTALL_PYENV:
		return "pyenv";
	case INSTALL_CONDA:
		return "conda";
	case INSTALL_UV_PYTHON:
		return "uv-python";
	case INSTALL_VENV:
		return "venv";
	case INSTALL_USER_SITE:
		return "user-site";
	}
	return "unknown";
}

static void
diag(const struct discovery *d, const char *path, int err, const char *message)
{
	struct scan_diag dg = { path, 0, err, message, false };

	if (d->cb && d->cb->on_diag)
		d->cb->on_diag(&dg, d->cb->ctx);
}

static void
install_free(struct install *in)
{
	size_t i;

	free(in->prefix);
	free(in->base_prefix);
	free(in->label);
	free(in->version_source);
	free(in->why);
	free(in->venv_home);
	for (i = 0; i < in->nsyspath; i++)
		free(in->syspath[i]);
	free(in->syspath);
	for (i = 0; i < in->nsites; i++) {
		free(in->sites[i].path);
		free(in->sites[i].user);
	}
	free(in->sites);
}

void
installs_free(struct installs *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		install_free(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

__attribute__((format(printf, 1, 2)))
static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* Parses "pythonX.Y" or "pythonX.Yt"; returns false for anything else. */
static bool
parse_python_dirname(const char *name, int *major, int *minor, bool *ft)
{
	const char *p = name;
	long a = 0, b = 0;
	int digits;

	if (strncmp(p, "python", 6) != 0)
		return false;
	p += 6;
	for (digits = 0; isdigit((unsigned char)*p) && digits < 3; digits++, p++)
		a = a * 10 + (*p - '0');
	if (digits == 0 || *p != '.')
		return false;
	p++;
	for (digits = 0; isdigit((unsigned char)*p) && digits < 3; digits++, p++)
		b = b * 10 + (*p - '0');
	if (digits == 0)
		return false;
	*ft = false;
	if (*p == 't') {
		*ft = true;
		p++;
	}
	if (*p != '\0' || a < 2 || a > 3)
		return false;
	*major = (int)a;
	*minor = (int)b;
	return true;
}

static bool
is_file_in_root(const struct fsroot *root, const char *dir, const char *name)
{
	struct stat st;
	char *p = path_join(dir, name);
	bool ok;

	if (!p)
		return false;
	ok = fsroot_stat(root, p, true, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/* A stdlib directory contains os.py (or os.pyc in sourceless builds). */
static bool
looks_like_stdlib(const struct fsroot *root, const char *dir)
{
	return is_file_in_root(root, dir, "os.py") || is_file_in_root(root, dir, "os.pyc");
}

/* Reads PY_VERSION from include/pythonX.Y/patchlevel.h below prefix. */
static bool
version_from_patchlevel(const struct discovery *d, const char *prefix, int major, int minor,
			bool ft, uint32_t *lo, uint32_t *hi, char **source)
{
	/* Releases up to 3.7 name the directory with ABI flags: include/python3.7m. */
	char *path = xasprintf("%s/include/python%d.%d%s/patchlevel.h",
			       strcmp(prefix, "/") == 0 ? "" : prefix, major, minor,
			       ft ? "t" : (major == 3 && minor <= 7 ? "m" : ""));
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated, found = false;
	char text[40];

	if (!path)
		return false;
	if (fsroot_read_file(d->root, path, SMALL_FILE_MAX, &buf, &len, &truncated) == 0 &&
	    patchlevel_version(buf, len, lo, hi, text, sizeof(text)) &&
	    PYVER_MAJOR(*lo) == major && PYVER_MINOR(*lo) == minor) {
		*source = xasprintf("%s (PY_VERSION \"%s\")", path, text);
		found = *source != NULL;
	}
	free(buf);
	free(path);
	return found;
}

static const char *
dpkg_version_for(const struct discovery *d, int major, int minor)
{
	size_t i;

	for (i = 0; i < d->ndpkg; i++) {
		if (d->dpkg[i].major == major && d->dpkg[i].minor == minor)
			return d->dpkg[i].version;
	}
	return NULL;
}

/*
 * Remembers the version of every installed libpythonX.Y-minimal package
 * from dpkg's status file: Debian's interpreters carry no patchlevel.h
 * unless the -dev package is installed.
 */
static void
load_dpkg_versions(struct discovery *d)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated;

	if (fsroot_read_file(d->root, "/var/lib/dpkg/status", DPKG_STATUS_MAX, &buf, &len,
			     &truncated) < 0)
		return;
	if (truncated)
		diag(d, "/var/lib/dpkg/status", 0, "file larger than the read limit; later packages not read");
	d->ndpkg = dpkg_python_versions(buf, len, d->dpkg, DPKG_PYTHONS_MAX);
	free(buf);
}

static int
push_install(struct discovery *d, struct install *in)
{
	struct install *p;

	if (d->out->count == INSTALLS_MAX) {
		if (!d->full_reported) {
			struct scan_diag dg = { in->prefix, 0, 0,
				"more than 65536 Python installations; this one and later ones are not scanned", true };

			if (d->cb && d->cb->on_diag)
				d->cb->on_diag(&dg, d->cb->ctx);
		}
		d->full_reported = true;
		install_free(in);
		return 0;
	}
	p = realloc(d->out->items, (d->out->count + 1) * sizeof(*p));
	if (!p) {
		install_free(in);
		return -ENOMEM;
	}
	d->out->items = p;
	d->out->items[d->out->count] = *in;
	if (strmap_put(&d->by_prefix, in->prefix, d->out->count) < 0)
		return -ENOMEM;
	d->out->count++;
	return 0;
}

static struct install *
find_install_by_prefix(const struct discovery *d, const char *prefix)
{
	size_t i;

	return strmap_get(&d->by_prefix, prefix, &i) ? &d->out->items[i] : NULL;
}

static int
add_syspath(struct install *in, char *path)
{
	char **p;

	if (!path)
		return -ENOMEM;
	p = realloc(in->syspath, (in->nsyspath + 1) * sizeof(*p));
	if (!p) {
		free(path);
		return -ENOMEM;
	}
	in->syspath = p;
	in->syspath[in->nsyspath++] = path;
	return 0;
}

static int
add_site(struct install *in, char *path, enum site_role role, const char *user, const char *why)
{
	struct site_dir *p;
	size_t i;

	if (!path)
		return -ENOMEM;
	for (i = 0; i < in->nsites; i++) {
		if (strcmp(in->sites[i].path, path) == 0) {
			free(path);
			return 0;
		}
	}
	p = realloc(in->sites, (in->nsites + 1) * sizeof(*p));
	if (!p) {
		free(path);
		return -ENOMEM;
	}
	in->sites = p;
	p[in->nsites].path = path;
	p[in->nsites].role = role;
	p[in->nsites].user = user ? strdup(user) : NULL;
	p[in->nsites].why = why;
	in->nsites++;
	return 0;
}

static char *
join_prefix(const char *prefix, const char *rest)
{
	return xasprintf("%s%s", strcmp(prefix, "/") == 0 ? "" : prefix, rest);
}

/* sys.path entries of the interpreter itself: zip, stdlib, lib-dynload. */
static int
add_base_syspath(struct install *in, const char *base, int major, int minor, bool ft,
		 const char *libdir)
{
	int rc;

	rc = add_syspath(in, xasprintf("%s/%s/python%d%d.zip", strcmp(base, "/") ? base : "",
				       libdir, major, minor));
	if (rc == 0)
		rc = add_syspath(in, xasprintf("%s/%s/python%d.%d%s", strcmp(base, "/") ? base : "",
					       libdir, major, minor, ft ? "t" : ""));
	if (rc == 0)
		rc = add_syspath(in, xasprintf("%s/%s/python%d.%d%s/lib-dynload",
					       strcmp(base, "/") ? base : "", libdir, major, minor,
					       ft ? "t" : ""));
	return rc;
}

static int
add_user_sites(struct discovery *d, struct install *in, int major, int minor, bool ft)
{
	size_t i;
	int rc;

	for (i = 0; i < d->accounts.count; i++) {
		const struct account *a = &d->accounts.items[i];
		char *p = xasprintf("%s/.local/lib/python%d.%d%s/site-packages",
				    strcmp(a->home, "/") ? a->home : "", major, minor, ft ? "t" : "");

		if (!p)
			return -ENOMEM;
		if (!fsroot_is_dir(d->root, p)) {
			free(p);
			continue;
		}
		rc = add_site(in, p, SITE_USER, a->name,
			      "user site: site.addusersitepackages() runs it when the user site is enabled");
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * getsitepackages() for one prefix, in processing order. Debian's
 * interpreters (distutils-install-layout patch) read dist-packages
 * directories instead of lib/pythonX.Y/site-packages.
 */
static int
add_system_sites(struct discovery *d, struct install *in, const char *prefix, int major,
		 int minor, bool ft, bool debian)
{
	const char *t = ft ? "t" : "";
	int rc = 0;

	if (debian) {
		if (strcmp(prefix, "/usr") == 0) {
			char *p = xasprintf("/usr/local/lib/python%d.%d/dist-packages", major, minor);

			rc = add_site(in, p, SITE_SYSTEM, NULL,
				      "Debian getsitepackages(): local dist-packages");
		}
		if (rc == 0 && major == 3)
			rc = add_site(in, join_prefix(prefix, "/lib/python3/dist-packages"), SITE_SYSTEM,
				      NULL, "Debian getsitepackages(): shared dist-packages");
		if (rc == 0) {
			char *p = xasprintf("%s/lib/python%d.%d/dist-packages",
					    strcmp(prefix, "/") ? prefix : "", major, minor);

			rc = add_site(in, p, SITE_SYSTEM, NULL,
				      "Debian getsitepackages(): version dist-packages");
		}
		return rc;
	}
	if (major == 2) {
		rc = add_site(in, join_prefix(prefix, "/lib/python2.7/site-packages"), SITE_SYSTEM, NULL,
			      "getsitepackages(): site-packages of the prefix");
		if (rc == 0)
			rc = add_site(in, join_prefix(prefix, "/lib/site-python"), SITE_SYSTEM, NULL,
				      "getsitepackages() before 3.5: lib/site-python");
		return rc;
	}
	{
		char *lib64 = xasprintf("%s/lib64/python%d.%d%s/site-packages",
					strcmp(prefix, "/") ? prefix : "", major, minor, t);

		if (!lib64)
			return -ENOMEM;
		if (fsroot_is_dir(d->root, lib64))
			rc = add_site(in, lib64, SITE_SYSTEM, NULL,
				      "getsitepackages(): platlibdir lib64 site-packages");
		else
			free(lib64);
	}
	if (rc == 0)
		rc = add_site(in, xasprintf("%s/lib/python%d.%d%s/site-packages",
					    strcmp(prefix, "/") ? prefix : "", major, minor, t),
			      SITE_SYSTEM, NULL, "getsitepackages(): site-packages of the prefix");
	return rc;
}

static char *
make_label(uint32_t lo, uint32_t hi, bool certain, const char *vendor, bool ft)
{
	char v[32];

	if (certain)
		pyver_format(lo, v, sizeof(v));
	else if (snprintf(v, sizeof(v), "%d.%d", PYVER_MAJOR(lo), PYVER_MINOR(lo)) >= (int)sizeof(v))
		v[0] = '\0';
	return xasprintf("CPython %s%s%s%s%s", v, ft ? " free-threaded" : "", vendor ? " (" : "",
			 vendor ? vendor : "", vendor ? ")" : "");
	(void)hi;
}

/* Lists dir inside the root in Python's sorted() order; 0 or a negative errno. */
static int
list_sorted(const struct discovery *d, const char *dir, struct dirlist *names)
{
	int rc = fsroot_listdir(d->root, dir, names);

	if (rc == 0)
		dirlist_sort_python(names);
	return rc;
}

/* Version of a conda environment, from conda-meta/python-X.Y.Z-*.json. */
static bool
version_from_conda_meta(const struct discovery *d, const char *prefix, uint32_t *lo,
			uint32_t *hi, char **source)
{
	char *meta = join_prefix(prefix, "/conda-meta");
	struct dirlist names;
	size_t i;
	bool found = false;

	if (!meta)
		return false;
	if (fsroot_listdir(d->root, meta, &names) < 0) {
		free(meta);
		return false;
	}
	for (i = 0; i < names.count && !found; i++) {
		const char *n = names.names[i];
		size_t k = 7;

		if (strncmp(n, "python-", 7) != 0 || !isdigit((unsigned char)n[7]))
			continue;
		while (n[k] && (isdigit((unsigned char)n[k]) || n[k] == '.'))
			k++;
		if (n[k] != '-')
			continue;
		if (pyver_parse(n + 7, k - 7, lo, hi) == 0) {
			*source = xasprintf("%s/%s", meta, n);
			found = *source != NULL;
		}
	}
	dirlist_free(&names);
	free(meta);
	return found;
}

/* Version from a directory name such as "3.11.7" or "cpython-3.12.1-linux-x86_64-gnu". */
static bool
version_from_dirname(const char *prefix, uint32_t *lo, uint32_t *hi)
{
	const char *base = strrchr(prefix, '/');
	size_t n = 0;

	base = base ? base + 1 : prefix;
	if (strncmp(base, "cpython-", 8) == 0)
		base += 8;
	while (base[n] && (isdigit((unsigned char)base[n]) || base[n] == '.'))
		n++;
	if (n == 0 || (base[n] != '\0' && base[n] != '-' && base[n] != '+'))
		return false;
	return pyver_parse(base, n, lo, hi) == 0;
}

/*
 * Registers an installation whose standard library is
 * prefix/libdir/pythonX.Y[t]. Does nothing when that prefix is known.
 */
static int
add_prefix_install(struct discovery *d, const char *prefix, const char *libdir, int major,
		   int minor, bool ft, enum install_kind kind, const char *why)
{
	struct install in;
	const char *vendor = NULL, *debver;
	bool certain = false;
	int rc;

	if (find_install_by_prefix(d, prefix))
		return 0;
	memset(&in, 0, sizeof(in));
	in.kind = kind;
	in.prefix = strdup(prefix);
	in.base_prefix = strdup(prefix);
	in.freethreaded = ft;
	in.system_site = true;
	in.why = strdup(why);
	if (!in.prefix || !in.base_prefix || !in.why) {
		install_free(&in);
		return -ENOMEM;
	}

	debver = strcmp(prefix, "/usr") == 0 ? dpkg_version_for(d, major, minor) : NULL;
	in.debian = debver != NULL ||
		    (strcmp(prefix, "/usr") == 0 && fsroot_is_dir(d->root, "/usr/lib/python3/dist-packages"));
	if (debver && debian_upstream_version(debver, &in.ver_lo, &in.ver_hi)) {
		in.version_source = xasprintf("dpkg status: libpython%d.%d-minimal %s", major, minor, debver);
		certain = true;
	} else if (version_from_patchlevel(d, prefix, major, minor, ft, &in.ver_lo, &in.ver_hi,
					   &in.version_source)) {
		certain = true;
	} else if (kind == INSTALL_CONDA &&
		   version_from_conda_meta(d, prefix, &in.ver_lo, &in.ver_hi, &in.version_source)) {
		certain = true;
	} else if ((kind == INSTALL_PYENV || kind == INSTALL_UV_PYTHON) &&
		   version_from_dirname(prefix, &in.ver_lo, &in.ver_hi) &&
		   PYVER_MAJOR(in.ver_lo) == major && PYVER_MINOR(in.ver_lo) == minor) {
		in.version_source = xasprintf("directory name %s", prefix);
		certain = in.ver_lo == in.ver_hi;
	} else {
		in.ver_lo = PYVER_PRE(major, minor, 0, 0xA, 0);
		in.ver_hi = PYVER(major, minor, 255);
		in.version_source = xasprintf("directory name %s/%s/python%d.%d%s (patch level unknown)",
					      strcmp(prefix, "/") ? prefix : "", libdir, major, minor,
					      ft ? "t" : "");
	}
	in.version_certain = certain && in.ver_lo == in.ver_hi;
	if (in.debian)
		vendor = "Debian";
	else if (kind == INSTALL_CONDA)
		vendor = "conda";
	else if (kind == INSTALL_PYENV)
		vendor = "pyenv";
	else if (kind == INSTALL_UV_PYTHON)
		vendor = "uv";
	in.label = make_label(in.ver_lo, in.ver_hi, in.version_certain, vendor, ft);
	if (!in.version_source || !in.label) {
		install_free(&in);
		return -ENOMEM;
	}

	rc = add_base_syspath(&in, prefix, major, minor, ft, libdir);
	if (rc == 0)
		rc = add_user_sites(d, &in, major, minor, ft);
	if (rc == 0)
		rc = add_system_sites(d, &in, prefix, major, minor, ft, in.debian);
	if (rc < 0) {
		install_free(&in);
		return rc;
	}
	return push_install(d, &in);
}

/*
 * Looks in prefix/lib and prefix/lib64 for pythonX.Y[t] standard libraries
 * and registers an installation for each.
 */
static int
probe_prefix(struct discovery *d, const char *prefix, enum install_kind kind, const char *why)
{
	static const char *const libdirs[] = { "lib", "lib64" };
	size_t l, i;
	int rc = 0;

	for (l = 0; l < 2 && rc == 0; l++) {
		char *lib = xasprintf("%s/%s", strcmp(prefix, "/") ? prefix : "", libdirs[l]);
		struct dirlist names;

		if (!lib)
			return -ENOMEM;
		if (list_sorted(d, lib, &names) < 0) {
			free(lib);
			continue;
		}
		for (i = 0; i < names.count && rc == 0; i++) {
			int major, minor;
			bool ft;
			char *std;

			if (!parse_python_dirname(names.names[i], &major, &minor, &ft))
				continue;
			std = path_join(lib, names.names[i]);
			if (!std) {
				rc = -ENOMEM;
				break;
			}
			if (looks_like_stdlib(d->root, std))
				rc = add_prefix_install(d, prefix, libdirs[l], major, minor, ft, kind, why);
			free(std);
		}
		dirlist_free(&names);
		free(lib);
	}
	return rc;
}

/* Finds the X.Y of a venv from its lib/pythonX.Y directory. */
static bool
venv_python_dir(const struct discovery *d, const char *venv, int *major, int *minor, bool *ft)
{
	char *lib = join_prefix(venv, "/lib");
	struct dirlist names;
	size_t i;
	bool found = false;

	if (!lib)
		return false;
	if (list_sorted(d, lib, &names) == 0) {
		for (i = 0; i < names.count && !found; i++)
			found = parse_python_dirname(names.names[i], major, minor, ft);
		dirlist_free(&names);
	}
	free(lib);
	return found;
}

/* The installation whose prefix/bin (or prefix itself) is a venv's home. */
static const struct install *
base_for_home(const struct discovery *d, const char *home, int major, int minor)
{
	char *norm = path_normalize("/", home);
	size_t i, n;
	const struct install *best = NULL;

	if (!norm)
		return NULL;
	n = strlen(norm);
	if (n > 4 && strcmp(norm + n - 4, "/bin") == 0)
		norm[n - 4] = '\0';
	for (i = 0; i < d->out->count; i++) {
		const struct install *in = &d->out->items[i];

		if (in->kind == INSTALL_VENV || in->kind == INSTALL_USER_SITE)
			continue;
		if (PYVER_MAJOR(in->ver_lo) != major || PYVER_MINOR(in->ver_lo) != minor)
			continue;
		if (strcmp(in->prefix, norm) == 0 ||
		    (strcmp(norm, "/usr/local") == 0 && strcmp(in->prefix, "/usr") == 0 && in->debian && !best))
			best = in;
	}
	free(norm);
	return best;
}

static int
add_venv(struct discovery *d, const char *venv, const char *why)
{
	struct pyvenv_cfg cfg;
	struct install in;
	const struct install *base;
	char *cfgpath = join_prefix(venv, "/pyvenv.cfg");
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated, ft = false;
	int major = 0, minor = 0, rc;

	if (!cfgpath)
		return -ENOMEM;
	if (find_install_by_prefix(d, venv)) {
		free(cfgpath);
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	rc = fsroot_read_file(d->root, cfgpath, SMALL_FILE_MAX, &buf, &len, &truncated);
	if (rc < 0) {
		diag(d, cfgpath, -rc, NULL);
		free(cfgpath);
		return rc == -ENOMEM ? rc : 0;
	}
	rc = pyvenv_parse(buf, len, &cfg);
	free(buf);
	if (rc < 0) {
		free(cfgpath);
		return rc;
	}

	memset(&in, 0, sizeof(in));
	in.kind = INSTALL_VENV;
	in.prefix = strdup(venv);
	in.why = strdup(why);
	in.system_site = cfg.system_site;
	in.venv_home_line = cfg.home_line;
	if (cfg.home) {
		in.venv_home = strdup(cfg.home);
		if (!in.venv_home) {
			rc = -ENOMEM;
			goto out;
		}
	}
	if (!in.prefix || !in.why) {
		rc = -ENOMEM;
		goto out;
	}
	if (!venv_python_dir(d, venv, &major, &minor, &ft)) {
		if (!cfg.version || pyver_parse(cfg.version, strlen(cfg.version), &in.ver_lo, &in.ver_hi) < 0) {
			diag(d, cfgpath, 0, "virtual environment has no lib/pythonX.Y directory and no version; not scanned");
			rc = 0;
			goto out;
		}
		major = PYVER_MAJOR(in.ver_lo);
		minor = PYVER_MINOR(in.ver_lo);
	}
	in.freethreaded = ft;
	base = cfg.home ? base_for_home(d, cfg.home, major, minor) : NULL;
	if (cfg.version && pyver_parse(cfg.version, strlen(cfg.version), &in.ver_lo, &in.ver_hi) == 0 &&
	    PYVER_MAJOR(in.ver_lo) == major && PYVER_MINOR(in.ver_lo) == minor) {
		in.version_source = xasprintf("%s (version = %s)", cfgpath, cfg.version);
	} else if (base) {
		in.ver_lo = base->ver_lo;
		in.ver_hi = base->ver_hi;
		in.version_source = xasprintf("base installation %s (%s)", base->prefix, base->version_source);
	} else {
		in.ver_lo = PYVER_PRE(major, minor, 0, 0xA, 0);
		in.ver_hi = PYVER(major, minor, 255);
		in.version_source = xasprintf("directory name %s/lib/python%d.%d%s (patch level unknown)",
					      venv, major, minor, ft ? "t" : "");
	}
	in.version_certain = in.ver_lo == in.ver_hi;
	in.debian = base && base->debian;
	in.base_prefix = strdup(base ? base->prefix : venv);
	in.label = make_label(in.ver_lo, in.ver_hi, in.version_certain,
			      in.debian ? "Debian venv" : "venv", ft);
	if (!in.version_source || !in.base_prefix || !in.label) {
		rc = -ENOMEM;
		goto out;
	}

	if (base) {
		size_t i;

		for (i = 0; i < base->nsyspath && rc == 0; i++)
			rc = add_syspath(&in, strdup(base->syspath[i]));
	}
	/* site.venv() adds the venv's own site-packages first. */
	if (rc == 0)
		rc = add_site(&in, xasprintf("%s/lib/python%d.%d%s/site-packages", venv, major, minor,
					     ft ? "t" : ""),
			      SITE_VENV, NULL, "site.venv(): the environment's site-packages");
	if (rc == 0 && in.debian) {
		rc = add_site(&in, xasprintf("%s/local/lib/python%d.%d/dist-packages", venv, major, minor),
			      SITE_VENV, NULL, "Debian venv: local dist-packages");
		if (rc == 0)
			rc = add_site(&in, xasprintf("%s/lib/python3/dist-packages", venv), SITE_VENV, NULL,
				      "Debian venv: shared dist-packages");
		if (rc == 0)
			rc = add_site(&in, xasprintf("%s/lib/python%d.%d/dist-packages", venv, major, minor),
				      SITE_VENV, NULL, "Debian venv: version dist-packages");
	}
	if (rc == 0 && cfg.system_site) {
		rc = add_user_sites(d, &in, major, minor, ft);
		if (rc == 0 && base) {
			size_t i;

			for (i = 0; i < base->nsites && rc == 0; i++) {
				if (base->sites[i].role == SITE_SYSTEM)
					rc = add_site(&in, strdup(base->sites[i].path), SITE_SYSTEM, NULL,
						      "include-system-site-packages: the base installation's site directory");
			}
		}
	}
	if (rc < 0)
		goto out;
	rc = push_install(d, &in);
	memset(&in, 0, sizeof(in));
out:
	install_free(&in);
	pyvenv_cfg_free(&cfg);
	free(cfgpath);
	return rc;
}

/* Walk state shared by the searches for environments. */
struct finder {
	struct discovery *d;
	const char *why;
	size_t found;     /* environments collected below this search root */
	size_t max_found; /* 0 for no limit */
	const char *root;
};

static bool
has_name(const struct dirlist *names, const char *name)
{
	size_t i;

	for (i = 0; i < names->count; i++) {
		if (strcmp(names->names[i], name) == 0)
			return true;
	}
	return false;
}

static bool
is_bulky_dir(const char *name)
{
	static const char *const skip[] = {
		"node_modules", ".git", ".hg", ".svn", "__pycache__", "site-packages",
		"dist-packages", ".npm", ".cargo", ".rustup", "proc",
	};
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (strcmp(name, skip[i]) == 0)
			return true;
	}
	return false;
}

static bool
has_conda_meta_beside(const struct discovery *d, const char *path)
{
	char *parent = path_dirname(path), *meta;
	bool found;

	if (!parent)
		return false;
	meta = join_prefix(parent, "/conda-meta");
	free(parent);
	if (!meta)
		return false;
	found = fsroot_is_dir(d->root, meta);
	free(meta);
	return found;
}

/*
 * Package and container stores below /var/lib: they hold no environment
 * of the host itself (a container image is scanned with --root).
 */
static bool
is_var_lib_store(const char *path)
{
	static const char *const stores[] = {
		"/var/lib/docker", "/var/lib/containers", "/var/lib/snapd", "/var/lib/flatpak",
		"/var/lib/apt", "/var/lib/dpkg", "/var/lib/containerd",
	};
	size_t i;

	for (i = 0; i < sizeof(stores) / sizeof(stores[0]); i++) {
		if (strcmp(path, stores[i]) == 0)
			return true;
	}
	return false;
}

/*
 * Counts one more installation or environment found below the search
 * root. Returns false once the root's cap is reached, which is reported
 * once and makes the exit status 2.
 */
static bool
finder_take(struct finder *f)
{
	if (f->max_found && f->found == f->max_found) {
		struct scan_diag dg = { f->root, 0, 0,
			"more environments than one directory that its users can write is allowed to add; the rest below it were not scanned",
			true };

		if (f->d->cb && f->d->cb->on_diag)
			f->d->cb->on_diag(&dg, f->d->cb->ctx);
	}
	if (f->max_found && f->found >= f->max_found) {
		f->found = f->max_found + 1;
		return false;
	}
	f->found++;
	return true;
}

static bool
is_temp_root(const char *path)
{
	return strcmp(path, "/tmp") == 0 || strcmp(path, "/var/tmp") == 0;
}

static int
visit_for_envs(const struct walk_entry *e, void *opaque)
{
	struct finder *f = opaque;
	const char *base = strrchr(e->path, '/');
	int rc;

	base = base ? base + 1 : e->path;
	if (e->depth > 0 && (is_bulky_dir(base) || is_var_lib_store(e->path)))
		return WALK_SKIP;
	/* The temporary directories have a search of their own, with a cap. */
	if (e->depth > 0 && is_temp_root(e->path))
		return WALK_SKIP;
	if (has_name(e->names, "pyvenv.cfg")) {
		if (!finder_take(f))
			return WALK_SKIP;
		rc = strlist_add(&f->d->venvs, e->path);
		return rc < 0 ? rc : WALK_SKIP;
	}
	if (strcmp(base, "pkgs") == 0 && has_conda_meta_beside(f->d, e->path))
		return WALK_SKIP;
	if (has_name(e->names, "conda-meta")) {
		if (!finder_take(f))
			return WALK_SKIP;
		rc = probe_prefix(f->d, e->path, INSTALL_CONDA, "conda-meta directory");
		return rc < 0 ? rc : WALK_DESCEND;
	}
	/* A prefix: stop at lib/ and lib64/ once the installation is known. */
	if (e->depth > 0 && (strcmp(base, "lib") == 0 || strcmp(base, "lib64") == 0)) {
		char *prefix = path_dirname(e->path);
		enum install_kind kind = INSTALL_PREFIX;
		size_t before = f->d->out->count;

		if (!prefix)
			return -ENOMEM;
		if (strstr(prefix, "/.pyenv/versions/"))
			kind = INSTALL_PYENV;
		else if (strstr(prefix, "/uv/python/"))
			kind = INSTALL_UV_PYTHON;
		if (f->max_found && f->found > f->max_found) {
			free(prefix);
			return WALK_SKIP;
		}
		rc = probe_prefix(f->d, prefix, kind, f->why);
		if (rc == 0 && f->d->out->count > before)
			(void)finder_take(f);
		if (rc == 0 && find_install_by_prefix(f->d, prefix))
			rc = WALK_SKIP;
		free(prefix);
		return rc;
	}
	return WALK_DESCEND;
}

static bool
has_version(const struct discovery *d, int major, int minor, bool ft)
{
	size_t i;

	for (i = 0; i < d->out->count; i++) {
		const struct install *in = &d->out->items[i];

		if (PYVER_MAJOR(in->ver_lo) == major && PYVER_MINOR(in->ver_lo) == minor &&
		    in->freethreaded == ft)
			return true;
	}
	return false;
}

/*
 * A user site of a version that no installation found here has: its hooks
 * run as soon as such an interpreter is installed or brought in a venv.
 */
static int
discover_orphan_user_sites(struct discovery *d)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < d->accounts.count && rc == 0; i++) {
		const struct account *a = &d->accounts.items[i];
		char *lib = xasprintf("%s/.local/lib", strcmp(a->home, "/") ? a->home : "");
		struct dirlist names;

		if (!lib)
			return -ENOMEM;
		if (list_sorted(d, lib, &names) < 0) {
			free(lib);
			continue;
		}
		for (j = 0; j < names.count && rc == 0; j++) {
			struct install in;
			int major, minor;
			bool ft;
			char *site;

			if (!parse_python_dirname(names.names[j], &major, &minor, &ft) ||
			    has_version(d, major, minor, ft))
				continue;
			site = xasprintf("%s/%s/site-packages", lib, names.names[j]);
			if (!site)
				return -ENOMEM;
			if (!fsroot_is_dir(d->root, site)) {
				free(site);
				continue;
			}
			memset(&in, 0, sizeof(in));
			in.kind = INSTALL_USER_SITE;
			in.prefix = xasprintf("%s/.local", strcmp(a->home, "/") ? a->home : "");
			in.base_prefix = in.prefix ? strdup(in.prefix) : NULL;
			in.ver_lo = PYVER_PRE(major, minor, 0, 0xA, 0);
			in.ver_hi = PYVER(major, minor, 255);
			in.freethreaded = ft;
			in.system_site = true;
			in.version_source = xasprintf("directory name %s (no installation of this version found)", site);
			in.label = make_label(in.ver_lo, in.ver_hi, false, "no installation found", ft);
			in.why = xasprintf("user site of account %s", a->name);
			rc = add_site(&in, site, SITE_USER, a->name,
				      "user site: site.addusersitepackages() runs it when the user site is enabled");
			if (rc == 0 && (!in.prefix || !in.base_prefix || !in.version_source || !in.label || !in.why))
				rc = -ENOMEM;
			if (rc < 0) {
				install_free(&in);
				break;
			}
			rc = push_install(d, &in);
		}
		dirlist_free(&names);
		free(lib);
	}
	return rc;
}

/*
 * Any user can create directories in /tmp and /var/tmp, and each account
 * can in its own home. Environments taken from one of those are capped,
 * so that a flood of fake ones cannot push real ones out of the
 * installation limit. /root is not capped.
 */
#define TEMP_ENVIRONMENTS_MAX 4096
#define HOME_ENVIRONMENTS_MAX 16384

static int
search_tree(struct discovery *d, const char *start, int depth, const char *why)
{
	struct walk_options wo = { depth, d->opts->network_mounts };
	struct finder f = { d, why, 0, 0, start };

	if (is_temp_root(start))
		f.max_found = TEMP_ENVIRONMENTS_MAX;
	else if (strstr(why, "home directory") && strcmp(start, "/root") != 0)
		f.max_found = HOME_ENVIRONMENTS_MAX;
	return walk_tree(d->root, start, &wo, d->cb, visit_for_envs, &f);
}

int
discover_run(const struct fsroot *root, const struct scan_options *opts,
	     const struct scan_callbacks *cb, struct installs *out)
{
	/*
	 * Where installations and environments usually live besides homes.
	 * A depth of 0 means --max-depth; the root is searched two levels deep
	 * for container layouts such as /venv, /.venv and /code/.venv.
	 */
	static const struct { const char *dir; int depth; const char *why; } places[] = {
		{ "/", 2, "environment near the root (container layout)" },
		{ "/opt", 0, "installation below /opt" },
		{ "/srv", 0, "environment below /srv" },
		{ "/app", 0, "environment below /app" },
		{ "/code", 0, "environment below /code" },
		{ "/workspace", 0, "environment below /workspace" },
		{ "/var/www", 0, "environment below /var/www" },
		{ "/var/opt", 0, "environment below /var/opt" },
		{ "/usr/src", 0, "environment below /usr/src" },
		{ "/usr/local", 2, "environment below /usr/local" },
		{ "/usr/app", 0, "environment below /usr/app" },
		{ "/usr/lib", 1, "environment directly below /usr/lib" },
		{ "/var/lib", 4, "environment below /var/lib (AWX, Jenkins and other services)" },
		{ "/builds", 0, "environment below /builds (GitLab runners)" },
		{ "/github", 0, "environment below /github (GitHub Actions containers)" },
		{ "/__w", 0, "environment below /__w (GitHub Actions runners)" },
		{ "/usr/share", 3, "environment below /usr/share" },
		{ "/usr/local/share", 3, "environment below /usr/local/share" },
		{ "/tmp", 3, "environment below /tmp" },
		{ "/var/tmp", 3, "environment below /var/tmp" },
	};
	struct discovery d;
	size_t i;
	int rc, pass;

	memset(&d, 0, sizeof(d));
	d.root = root;
	d.opts = opts;
	d.cb = cb;
	d.out = out;
	out->items = NULL;
	out->count = 0;

	rc = accounts_load(root, cb, &d.accounts);
	if (rc < 0)
		return rc;
	load_dpkg_versions(&d);

	/* System prefixes first, so that venvs can find their base. */
	rc = probe_prefix(&d, "/usr", INSTALL_SYSTEM, "system prefix /usr");
	if (rc == 0)
		rc = probe_prefix(&d, "/usr/local", INSTALL_SYSTEM, "system prefix /usr/local");
	/*
	 * The system's own places first, then /root, then the other homes,
	 * and the temporary directories last: places that other users can
	 * fill come after the ones they cannot. Two levels more than
	 * --max-depth reach lib/pythonX.Y inside a prefix.
	 */
	for (i = 0; i < sizeof(places) / sizeof(places[0]) && rc == 0; i++) {
		int depth = places[i].depth ? places[i].depth : opts->max_depth + 2;

		if (depth > opts->max_depth + 2)
			depth = opts->max_depth + 2;
		if (!is_temp_root(places[i].dir))
			rc = search_tree(&d, places[i].dir, depth, places[i].why);
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < d.accounts.count && rc == 0; i++) {
			const char *home = d.accounts.items[i].home;

			if (strcmp(home, "/") == 0 || (strcmp(home, "/root") == 0) != (pass == 0))
				continue;
			rc = search_tree(&d, home, opts->max_depth + 2, "environment below a home directory");
		}
	}
	for (i = 0; i < sizeof(places) / sizeof(places[0]) && rc == 0; i++) {
		int depth = places[i].depth < opts->max_depth + 2 ? places[i].depth : opts->max_depth + 2;

		if (is_temp_root(places[i].dir))
			rc = search_tree(&d, places[i].dir, depth, places[i].why);
	}
	/* Environments last, so that each finds its base installation. */
	for (i = 0; i < d.venvs.count && rc == 0; i++)
		rc = add_venv(&d, d.venvs.items[i], "pyvenv.cfg found while searching for environments");
	if (rc == 0)
		rc = discover_orphan_user_sites(&d);
	strlist_free(&d.venvs);
	strmap_free(&d.by_prefix);
	accounts_free(&d.accounts);
	if (rc < 0)
		installs_free(out);
	return rc;
}
