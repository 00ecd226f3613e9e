/*
 * scanner: state shared by the parts of one scan (site directories, .pth
 * files, customize modules, interpreter files). Internal to src/scan.
 *
 * All memory hangs off struct scanner and is released by scanner_free().
 * Functions return 0 or a negative errno; a negative value stops the scan,
 * so problems with single files are reported and then return 0.
 */
#ifndef SITEHOUND_SCAN_SCANNER_H
#define SITEHOUND_SCAN_SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/finding.h"
#include "core/strlist.h"
#include "core/strmap.h"
#include "assess/content.h"
#include "python/version.h"
#include "scan/discover.h"
#include "scan/fsroot.h"
#include "scan/provdb.h"
#include "scan/scan.h"

/* Distinct .pth rule sets across all releases; the table has fewer. */
#define VARIANTS_MAX 16
/* site.addsitedir() calls followed inside each other, at most. */
#define ADDSITEDIR_DEPTH_MAX 8
/* Release ranges that share one site directory, at most. */
#define RANGES_MAX 32

/* The releases that read one site directory. */
struct ranges {
	uint32_t lo[RANGES_MAX], hi[RANGES_MAX];
	size_t count;
	char *label; /* the interpreters, for the finding's interpreter field */
};

/* A site directory already read, with what its .pth files add to sys.path. */
struct site_result {
	char *path;
	dev_t dev;
	ino_t ino;
	struct strlist additions;
};

struct scanner {
	const struct scan_options *opts;
	const struct scan_callbacks *cb;
	struct fsroot root;
	struct pth_rules universe[VARIANTS_MAX];
	uint32_t universe_example[VARIANTS_MAX];
	size_t nuniverse;
	struct site_result *sites;
	size_t nsites;
	struct strmap site_index;  /* "dev:ino" of a site directory -> index in sites */
	struct ranges *site_ranges; /* the releases that read each site directory */
	size_t nsite_ranges;
	struct strmap ranges_index; /* site directory path -> index in site_ranges */
	struct strmap reported;     /* "rule\npath" keys already reported */
	struct provdb own_prov;     /* the databases this scan loaded itself */
	struct provdb *prov;        /* the databases in use, valid when PROV_DB_OPEN */
	enum { PROV_DB_CLOSED, PROV_DB_OPEN, PROV_DB_FAILED } prov_state;
	/* PYTHONPATH directories set anywhere on the system, while the environment is scanned. */
	const struct strlist *env_path_dirs;
	/* While a start-up variable is followed, the highest severity emitted for its code. */
	struct {
		bool active;
		enum severity max;
	} follow;
};

/* One Python start-up variable that a configuration file or a live process sets. */
struct env_setting {
	const char *file;       /* the file that sets it, as on the scanned system */
	long line;              /* 1-based; 0 for a process environment */
	const char *name;       /* such as "PYTHONSTARTUP" */
	const char *raw;        /* the value as written */
	const char *value;      /* the value after static expansion, or NULL */
	const char *unresolved; /* why value is NULL */
	const char *function;   /* the shell function it is set in, or NULL */
	unsigned flags;         /* ENV_* flags of scan/envitem.h */
	const char *account;    /* the account whose start-up file sets it; NULL system-wide */
	const char *process;    /* "pid 42 (python3)" for a live process, else NULL */
};

/*
 * Reports one setting of a Python start-up variable and follows its value
 * to the code it makes the interpreter run, which is reported and assessed
 * separately. Other variables are ignored. Returns 0 or a negative errno.
 */
__attribute__((warn_unused_result))
int scan_env_setting(struct scanner *s, const struct env_setting *set);
/*
 * Reports the Python start-up variables in the environment of every
 * running process that can be read, one finding per distinct setting.
 * Only for a scan of the live system.
 */
__attribute__((warn_unused_result))
int scan_process_environments(struct scanner *s);
/*
 * Reads the persistent environment of the system and of every account
 * (shell, PAM, systemd and cron files) and the IPython start-up files,
 * and reports each Python start-up variable and start-up file found.
 */
__attribute__((warn_unused_result))
int scan_environment(struct scanner *s);

/* The facts about one hook file, gathered once for all of its findings. */
struct hook_facts {
	struct prov_result prov; /* the package record that lists it and the hash check */
	const char *allowed;     /* the --allow comment for its SHA-256, or NULL */
	size_t known_lines;      /* executable lines with a known benign shape (.pth files) */
	const char *dir;         /* a .pth file's directory, where its imports are looked up; else NULL */
	bool complete;           /* the whole file was read */
};

/*
 * Fills out for the hook file at path whose content is buf[0..len).
 * complete is false when the file was cut at the read cap, so no hash is
 * compared. Returns 0 or -ENOMEM.
 */
__attribute__((warn_unused_result))
int scanner_hook_facts(struct scanner *s, const char *path, const uint8_t *buf, size_t len,
		       bool complete, struct hook_facts *out);
/*
 * Sets the severity, confidence, owner and reasons of f, a finding for
 * code (one .pth line or a whole module, NULL when it is not Python text)
 * from facts. A finding whose rule gave it less than medium (the hook does
 * not run as things stand) stays there unless its code is dangerous.
 * Returns 0 or -ENOMEM.
 */
__attribute__((warn_unused_result))
int scanner_assess(struct scanner *s, const struct hook_facts *facts, enum content_kind kind,
		   const uint8_t *code, size_t len, struct finding *f);

/* Hands f to the finding callback and frees it; returns the callback's verdict. */
__attribute__((warn_unused_result))
int scanner_emit(struct scanner *s, struct finding *f);
void scanner_diag(struct scanner *s, const char *path, long line, int err, const char *message);
/* Reports that part of path was not scanned; the exit status becomes 2. */
void scanner_incomplete(struct scanner *s, const char *path, const char *message);
/* Reports a directory listing cut at DIRLIST_MAX entries, if it was. */
void scanner_check_listing(struct scanner *s, const char *dir, const struct dirlist *names);
/* True when rule+path was reported before; remembers it otherwise. */
bool scanner_seen(struct scanner *s, const char *rule, const char *path);

/*
 * Reads one site directory (its .pth and .start files) for the releases
 * in r, once per scan; *out points at the cached result.
 */
__attribute__((warn_unused_result))
int scan_site_dir(struct scanner *s, const char *dir, const struct ranges *r, int depth,
		  const struct site_result **out);
/*
 * Reads one .pth file. *aborted (may be NULL) is the mask of rule sets
 * under which an earlier file of the same directory stopped start-up.
 * The rule sets under which this file stops it are added to the mask.
 */
__attribute__((warn_unused_result))
int scan_pth_file(struct scanner *s, const char *path, const struct ranges *r,
		  struct strlist *additions, int depth, unsigned *aborted);

/*
 * Resolves sitecustomize and usercustomize over the modelled sys.path
 * (first match wins, later candidates reported as shadowed) and checks
 * their __pycache__ byte code. With user_site false (a virtual environment
 * without system site packages) usercustomize is never imported.
 */
__attribute__((warn_unused_result))
int scan_customize(struct scanner *s, const struct strlist *syspath, const struct ranges *r,
		   bool user_site);
/* Checks one module file given as a PATH argument. */
__attribute__((warn_unused_result))
int scan_customize_file(struct scanner *s, const char *path, const struct ranges *r);

/* ._pth files, pythonXY.zip and pyvenv.cfg of one installation. */
__attribute__((warn_unused_result))
int scan_install_files(struct scanner *s, const struct install *in, const struct installs *all);
__attribute__((warn_unused_result))
int scan_dotpth_file(struct scanner *s, const char *path, const struct ranges *r);
__attribute__((warn_unused_result))
int scan_pyvenv_file(struct scanner *s, const char *path, const struct installs *all);
__attribute__((warn_unused_result))
int scan_start_file(struct scanner *s, const char *path, const struct ranges *r);

/*
 * True when path lies in a temporary directory or when it, or the nearest
 * existing directory above it, is writable by every user.
 */
bool scanner_path_is_unsafe(struct scanner *s, const char *path, char **why);

/* The result of following the symbolic links of a hook path. */
struct link_check {
	bool is_link;
	bool special;     /* a hop leads into /dev or /proc (e.g. /dev/stdin) */
	bool unsafe;      /* a hop leads into a temporary or world-writable place */
	char *target;     /* the hop that decided it, or the first target */
	char *why;        /* why the place is unsafe */
};

/*
 * Follows the symbolic links at path hop by hop (at most 40, as the
 * kernel does) without leaving the root. Returns 0 or -ENOMEM; call
 * link_check_free() after.
 */
__attribute__((warn_unused_result))
int scanner_check_link(struct scanner *s, const char *path, struct link_check *lc);
void link_check_free(struct link_check *lc);

/* Paths longer than this are shortened when a reason quotes them. */
#define QUOTED_PATH_MAX 512

/*
 * Returns a copy of s for quoting in a reason: whole when it is at most
 * QUOTED_PATH_MAX bytes, else its start with the full length noted.
 * NULL on allocation failure.
 */
char *quoted_path(const char *s);

/* Formats the releases of r as text ("3.11.2", "3.12.0a0 to 3.12.255"). */
char *ranges_describe(const struct ranges *r);

#endif
