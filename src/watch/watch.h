/*
 * watch: a long-running monitor of start-up hooks. It scans once for a
 * baseline, then turns file system notifications (see fswatch.h) into
 * findings: a hook that appears, changes, is moved into place or
 * disappears, and a start-up configuration file that changes. Each alert
 * is assessed by the scan code itself and carries the event's action and
 * the writing process.
 *
 * Nothing is lost silently. A kernel queue overflow produces a loss record
 * (rule "watch-loss") and a rescan, and so does a deleted watched
 * directory. Directories that could not be watched and events in
 * directories deleted before they could be named are logged. Alerts beyond the rate limit are held back and counted in a
 * "watch-held-back" record.
 */
#ifndef SITEHOUND_WATCH_WATCH_H
#define SITEHOUND_WATCH_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/finding.h"
#include "scan/scan.h"
#include "watch/fswatch.h"

/* Alerts below high passed on per second at most; the rest are counted and
 * summarised. High alerts, the baseline and rescans are never held back. */
#define WATCH_ALERTS_PER_SECOND 200
/* Hook files a new directory is searched for, and how deep (inotify only). */
#define WATCH_NEW_DIR_FILES_MAX 4096
#define WATCH_NEW_DIR_DEPTH_MAX 8

struct watch_options {
	struct scan_options scan;  /* paths limit what is watched; root may be another tree */
	bool inotify_only;         /* do not try fanotify */
	bool no_baseline;          /* skip the start-up scan */
	/* Alerts below this are not passed on and do not count toward the rate limit;
	 * loss records always are. */
	enum severity min_severity;
};

/* Messages about the watcher itself: start, mode, losses, rescans, stop. */
enum watch_log_level {
	WATCH_LOG_INFO,
	WATCH_LOG_WARNING,
	WATCH_LOG_ERROR,
};

struct watch_callbacks {
	int (*on_finding)(const struct finding *f, void *ctx); /* nonzero stops the watch */
	void (*on_diag)(const struct scan_diag *d, void *ctx);
	void (*on_log)(enum watch_log_level level, const char *message, void *ctx);
	int (*on_reopen)(void *ctx);     /* SIGHUP: reopen the output; may be NULL */
	void (*on_batch_end)(void *ctx); /* after each batch of alerts, to flush */
	void *ctx;
};

/*
 * Runs until SIGTERM or SIGINT (blocked here and read through a signalfd)
 * or until a callback returns nonzero. Returns 0, or a negative errno when
 * the watch could not start or failed.
 */
__attribute__((warn_unused_result))
int watch_run(const struct watch_options *opts, const struct watch_callbacks *cb);

/* The kind of a path for the watcher, judged from its name and place. */
enum watch_path_kind {
	WATCH_PATH_OTHER,
	WATCH_PATH_HOOK,       /* .pth, ._pth, .start, pyvenv.cfg, sitecustomize, usercustomize */
	WATCH_PATH_ENV_FILE,   /* a file that sets the persistent environment */
};

enum watch_path_kind watch_classify_path(const char *path);
/* Whether a bare entry name may belong to a hook or a configuration file. */
bool watch_name_may_matter(const char *name, bool is_dir, void *unused);

#endif
