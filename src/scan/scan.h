/*
 * scan: find every Python start-up hook on a system or in given paths.
 *
 * scan_run() discovers installations (discover.h), reads each site
 * directory as the interpreter that uses it would, and hands every finding
 * and every diagnostic to the caller's callbacks. It never prints. Returns
 * 0 when the scan completed (diagnostics may have been reported), or a
 * negative errno when it could not run at all (the root cannot be opened,
 * memory ran out, a callback failed).
 */
#ifndef SITEHOUND_SCAN_SCAN_H
#define SITEHOUND_SCAN_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/finding.h"

struct allowlist;
struct install;
struct provdb;

struct scan_options {
	const char *root;           /* "/" for the live system */
	char *const *paths;         /* PATH arguments; none means the whole system */
	size_t npaths;
	uint32_t ver_lo, ver_hi;    /* releases whose rules apply to PATH arguments */
	int max_depth;              /* how deep to look for pyvenv.cfg below a search root */
	bool network_mounts;        /* also search NFS, CIFS and FUSE mounts */
	size_t max_file_size;       /* bytes read from one file at most */
	time_t now;                 /* stamped on every finding */
	const struct allowlist *allow; /* hooks the site accepts by SHA-256; NULL for none */
	/* Package databases already open on the same root, used instead of loading them
	 * (the watcher keeps one across alerts); NULL loads them once per scan. */
	struct provdb *provdb;
	/* When set, only the environment is read, and only settings made in this file
	 * are reported (the watcher uses it when a configuration file changes). */
	const char *env_file;
};

/* A problem with one input that did not stop the scan. */
struct scan_diag {
	const char *path;  /* as on the scanned system */
	long line;         /* 0 when not about a line */
	int err;           /* errno value, 0 when the message is complete without it */
	const char *message;
	bool incomplete;   /* part of what was asked for was not scanned (exit status 2) */
};

struct scan_callbacks {
	int (*on_finding)(const struct finding *f, void *ctx);     /* nonzero stops the scan */
	void (*on_diag)(const struct scan_diag *d, void *ctx);
	/* Called once per discovered installation when listing sites; may be NULL. */
	int (*on_install)(const struct install *inst, void *ctx);
	void *ctx;
};

void scan_options_init(struct scan_options *opts);
__attribute__((warn_unused_result))
int scan_run(const struct scan_options *opts, const struct scan_callbacks *cb);
/* Discovers installations and reports each through on_install; no findings. */
__attribute__((warn_unused_result))
int scan_list_sites(const struct scan_options *opts, const struct scan_callbacks *cb);

#endif
