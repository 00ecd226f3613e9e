/*
 * walk: a bounded depth-first walk of directories inside an fsroot.
 *
 * The walk never follows symlinks, never enters pseudo file systems (proc,
 * sysfs, cgroup, ...) and skips network file systems unless asked. Each
 * directory is visited once (device and inode are remembered), so hard
 * links and bind mounts cannot make it loop. The visitor returns
 * WALK_DESCEND, WALK_SKIP (do not enter this directory) or a negative
 * errno to stop. Unreadable directories go to the diagnostic callback.
 */
#ifndef SITEHOUND_SCAN_WALK_H
#define SITEHOUND_SCAN_WALK_H

#include <stdbool.h>

#include "scan/fsroot.h"
#include "scan/scan.h"

enum { WALK_DESCEND = 0, WALK_SKIP = 1 };

struct walk_entry {
	const char *path;        /* directory path on the scanned system */
	int fd;                  /* open O_RDONLY|O_DIRECTORY descriptor of it */
	const struct dirlist *names; /* its entries, unsorted */
	int depth;               /* 0 for the start directory */
};

typedef int (*walk_visit_fn)(const struct walk_entry *e, void *ctx);

struct walk_options {
	int max_depth;
	bool network_mounts;
};

__attribute__((warn_unused_result))
int walk_tree(const struct fsroot *root, const char *start, const struct walk_options *wo,
	      const struct scan_callbacks *cb, walk_visit_fn visit, void *ctx);

/* True for file systems that hold no installed software (proc, sysfs, ...). */
bool walk_fs_is_pseudo(long f_type);
/* True for NFS, CIFS/SMB, FUSE, AFS, Ceph, 9p and similar. */
bool walk_fs_is_network(long f_type);

#endif
