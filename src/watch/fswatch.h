/*
 * fswatch: file system notifications for the directories that hold start-up
 * hooks, from fanotify when the kernel and privileges allow it, else from
 * recursive inotify watches.
 *
 * fanotify marks whole file systems (FAN_MARK_FILESYSTEM) and reports the
 * directory of each event as a file handle plus the entry name
 * (FAN_REPORT_DFID_NAME), and the writer as a pid and, where the kernel has
 * it, a pidfd. A directory created after the watch started is covered at
 * once. It needs CAP_SYS_ADMIN, and CAP_DAC_READ_SEARCH to turn handles
 * into paths. inotify needs no privilege but one watch per directory,
 * added as directories appear, and it names no writer.
 *
 * Functions return 0 or a negative errno and print nothing.
 */
#ifndef SITEHOUND_WATCH_FSWATCH_H
#define SITEHOUND_WATCH_FSWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/strmap.h"

/* File systems marked at most (fanotify). */
#define FSWATCH_FILESYSTEMS_MAX 64
/* Directories watched at most (inotify); more are counted as lost. */
#define FSWATCH_INOTIFY_DIRS_MAX 65536
/* Directory levels added below a watched path (inotify). */
#define FSWATCH_INOTIFY_DEPTH_MAX 16
/* Bytes read from the notification descriptor per call. */
#define FSWATCH_READ_BYTES (256u * 1024)

enum fswatch_mode {
	FSWATCH_FANOTIFY,
	FSWATCH_INOTIFY,
};

enum fsev_kind {
	FSEV_CREATE,      /* a name was created */
	FSEV_CLOSE_WRITE, /* a file opened for writing was closed */
	FSEV_MOVED_FROM,  /* a name was moved out of the directory */
	FSEV_MOVED_TO,    /* a name was moved into the directory */
	FSEV_DELETE,      /* a name was deleted */
	FSEV_ATTRIB,      /* metadata (mode, owner, times) changed */
	FSEV_OVERFLOW,    /* the kernel queue overflowed: events were lost */
	FSEV_LOST_DIR,    /* a watched directory vanished or could not be watched */
};

struct fsev {
	enum fsev_kind kind;
	bool is_dir;
	char *path;  /* full path; NULL for FSEV_OVERFLOW */
	pid_t pid;   /* the process that caused it; 0 when unknown */
	/* With a pidfd, the writer was seen to have exited when the event was read, so
	 * /proc/PID may already belong to another process. */
	bool writer_gone;
};

struct fsev_batch {
	struct fsev *items;
	size_t count, cap;
	unsigned long unresolved; /* fanotify events whose directory could not be opened */
};

struct fswatch_fs {
	uint64_t fsid;
	int mount_fd; /* any descriptor on the file system, for open_by_handle_at() */
};

/*
 * Decides from an entry's name alone whether its events matter, so that the
 * rest of a busy file system costs no path lookup. Directories always pass
 * under inotify, which must watch new ones.
 */
typedef bool (*fswatch_filter)(const char *name, bool is_dir, void *ctx);

struct fswatch {
	enum fswatch_mode mode;
	int fd;
	fswatch_filter filter; /* NULL keeps every event */
	void *filter_ctx;
	bool pidfd;   /* fanotify reports pidfds */
	struct fswatch_fs fs[FSWATCH_FILESYSTEMS_MAX];
	size_t nfs;
	/* inotify: watch descriptor -> directory path, and the paths watched */
	char **dirs;
	size_t dirs_cap;
	struct strmap watched;
	unsigned long dirs_dropped; /* directories not watched for the cap */
	size_t active;              /* inotify watches in place */
};

/*
 * Opens a watch in mode. FSWATCH_FANOTIFY fails with -EPERM without
 * CAP_SYS_ADMIN and -ENOSYS or -EINVAL where the kernel lacks the needed
 * flags; the caller then opens FSWATCH_INOTIFY.
 */
__attribute__((warn_unused_result))
int fswatch_open(struct fswatch *w, enum fswatch_mode mode);

/*
 * Watches path: for fanotify the whole file system that contains it (once
 * per file system), for inotify path and every directory below it.
 */
__attribute__((warn_unused_result))
int fswatch_add(struct fswatch *w, const char *path);

/* The number of inotify watches in place; for fanotify, the file systems marked. */
size_t fswatch_active(const struct fswatch *w);

/* The descriptor to poll for readability. */
int fswatch_fd(const struct fswatch *w);

/*
 * Reads the pending events into out without blocking (0 events when none
 * are pending). inotify adds watches for new directories as it reads.
 */
__attribute__((warn_unused_result))
int fswatch_read(struct fswatch *w, struct fsev_batch *out);

void fsev_batch_init(struct fsev_batch *b);
/* Frees the paths, keeping the array for reuse. */
void fsev_batch_clear(struct fsev_batch *b);
void fsev_batch_free(struct fsev_batch *b);

void fswatch_close(struct fswatch *w);

const char *fsev_kind_name(enum fsev_kind kind);

/*
 * One fanotify record, parsed without any system call: the event mask,
 * pid, the directory handle and file system id, the entry name and the
 * pidfd. Exposed for the fuzz target.
 */
struct fanotify_record {
	uint64_t mask;
	pid_t pid;
	uint64_t fsid;
	const unsigned char *handle; /* a struct file_handle, or NULL */
	size_t handle_len;
	const char *name;            /* NUL-terminated inside the buffer, or NULL */
	int pidfd;                   /* -1 when absent */
};

/*
 * Parses the record at buf[*at..len) and moves *at past it. Returns 1 for
 * a record, 0 at the end of the buffer, -EINVAL for a malformed one (after
 * which the rest of the buffer cannot be read).
 */
int fswatch_parse_fanotify(const unsigned char *buf, size_t len, size_t *at,
			   struct fanotify_record *out);

#endif
