/*
 * envconf: the persistent environment of a system and of each account,
 * read statically from the files that set it at login, shell start,
 * service start and cron job start, plus IPython start-up files.
 *
 * envconf_collect() reads, through fsroot only (so never outside the
 * root), each file with the reader for its format (shellenv, fishenv,
 * envfile, unitfile, crontab, ipyconf) and returns every assignment of a
 * Python start-up variable (env_is_python_var()), every IPython exec_lines
 * and exec_files entry and start-up file, and every `source` line or
 * EnvironmentFile= path that it did not read (ENV_NOT_READ). A `source`
 * line or EnvironmentFile= whose path resolves to an absolute path is
 * followed, ENVCONF_SOURCE_DEPTH_MAX levels deep. Files are read once each (by device and inode),
 * so a file reached twice keeps the context of its first reading.
 *
 * Records and diagnostics are the caller's; envconf_result_free()
 * releases them. Returns 0 (problems with single files are diagnostics),
 * -E2BIG when ENVCONF_RECORDS_MAX records were kept and more dropped (the
 * result is marked truncated), or -ENOMEM.
 */
#ifndef SITEHOUND_SCAN_ENVCONF_H
#define SITEHOUND_SCAN_ENVCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/accounts.h"
#include "scan/envitem.h"
#include "scan/fsroot.h"

/* Bytes read from one file. Hand-written profiles and units are a few
 * KiB; a larger file is read up to here and reported as truncated. */
#define ENVCONF_FILE_MAX (1u << 20)
/* Entries read from one configuration directory (profile.d, conf.d, a
 * unit directory, cron.d). A Debian host with many packages has about
 * 1500 units in /usr/lib/systemd/system (an estimate). */
#define ENVCONF_DIR_MAX 16384
/* Records kept for one collection. */
#define ENVCONF_RECORDS_MAX (1u << 16)
/* Diagnostics kept for one collection; the rest are only counted. */
#define ENVCONF_DIAGS_MAX 4096
/* Levels of `source` followed below a start-up file. Debian's ~/.profile
 * sources ~/.bashrc, which often sources a tool's env file (~/.cargo/env). */
#define ENVCONF_SOURCE_DEPTH_MAX 3
/* Files read for one collection, sourced files included. */
#define ENVCONF_FILES_MAX (1u << 16)

struct envconf_record {
	char *path;             /* the file that sets it, on the scanned system */
	size_t line;
	enum env_kind kind;
	char *name;             /* variable, directive or "CLASS.exec_lines" */
	char *raw;              /* value as written */
	char *value;            /* expanded value, NULL when unresolved */
	const char *unresolved; /* static reason when value is NULL */
	char *function;         /* enclosing shell function, or NULL */
	unsigned flags;         /* ENV_* scope flags */
	char *account;          /* account whose file it is, NULL for system-wide */
};

struct envconf_diag {
	char *path;
	size_t line;            /* 0 when not about a line */
	int err;                /* errno value, 0 when message is complete */
	const char *message;    /* static text, NULL when err alone describes it */
};

struct envconf_result {
	struct envconf_record *records;
	size_t count, cap;
	struct envconf_diag *diags;
	size_t ndiags, dcap;
	size_t diags_dropped;   /* diagnostics past ENVCONF_DIAGS_MAX */
	bool truncated;         /* records past ENVCONF_RECORDS_MAX were dropped */
};

void envconf_result_init(struct envconf_result *result);
void envconf_result_free(struct envconf_result *result);

/* Reads the persistent environment under root for the system and each
 * account of accts (which may be NULL) into result. */
__attribute__((warn_unused_result))
int envconf_collect(const struct fsroot *root, const struct accounts *accts,
		    struct envconf_result *result);

#endif
