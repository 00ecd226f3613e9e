/*
 * discover: find Python installations and their site directories on disk
 * without running any Python.
 *
 * discover_run() fills a struct installs; installs_free() releases it and
 * every string in it. Paths are as on the scanned system. Problems with
 * single directories go to the diagnostic callback and do not stop
 * discovery. Returns 0 or -ENOMEM.
 */
#ifndef SITEHOUND_SCAN_DISCOVER_H
#define SITEHOUND_SCAN_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/fsroot.h"
#include "scan/scan.h"

enum install_kind {
	INSTALL_SYSTEM,    /* /usr or /usr/local with a standard library */
	INSTALL_PREFIX,    /* any other prefix with one: a source build, /opt/python */
	INSTALL_PYENV,
	INSTALL_CONDA,
	INSTALL_UV_PYTHON, /* interpreters managed by uv */
	INSTALL_VENV,      /* any directory with pyvenv.cfg (pipx, uv tool, virtualenv) */
	INSTALL_USER_SITE, /* a user site with no installation of that version found */
};

/* Site directories in the order site.main() processes them. */
enum site_role {
	SITE_VENV,      /* the environment's own site-packages */
	SITE_USER,      /* a user site (~/.local/lib/pythonX.Y/site-packages) */
	SITE_SYSTEM,    /* getsitepackages() of a prefix */
};

struct site_dir {
	char *path;
	enum site_role role;
	char *user;      /* account name for SITE_USER, else NULL */
	const char *why; /* static text: why CPython reads this directory */
};

struct install {
	enum install_kind kind;
	char *prefix;          /* sys.prefix */
	char *base_prefix;     /* sys.base_prefix; equals prefix outside a venv */
	char *label;           /* short human description: "CPython 3.11.2 (Debian)" */
	uint32_t ver_lo, ver_hi;
	bool version_certain;  /* the exact release is known */
	char *version_source;  /* where the version came from */
	bool debian;           /* Debian's dist-packages layout patch applies */
	bool freethreaded;
	bool system_site;      /* venv: include-system-site-packages */
	char *venv_home;       /* venv: the home key of pyvenv.cfg, NULL when absent */
	long venv_home_line;
	char *why;             /* how this installation was found */
	/* sys.path entries before the site directories: zip, stdlib, lib-dynload */
	char **syspath;
	size_t nsyspath;
	struct site_dir *sites;
	size_t nsites;
};

struct installs {
	struct install *items;
	size_t count;
};

__attribute__((warn_unused_result))
int discover_run(const struct fsroot *root, const struct scan_options *opts,
		 const struct scan_callbacks *cb, struct installs *out);
void installs_free(struct installs *list);

const char *install_kind_name(enum install_kind kind);

#endif
