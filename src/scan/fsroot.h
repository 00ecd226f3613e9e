/*
 * fsroot: file access confined to a root directory.
 *
 * Every path given here is a path on the scanned system ("/usr/lib/x.pth")
 * and is resolved by the kernel inside the root with openat2(2)
 * RESOLVE_IN_ROOT: absolute symlinks and ".." stop at the root, so nothing
 * outside it is ever opened. For a live host the root is "/".
 * Functions return 0 or a negative errno; buffers they return are the
 * caller's to free().
 */
#ifndef SITEHOUND_SCAN_FSROOT_H
#define SITEHOUND_SCAN_FSROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct fsroot {
	int fd;    /* O_PATH descriptor of the root directory */
	char *dir; /* the root as given, for messages */
};

__attribute__((warn_unused_result))
int fsroot_open(struct fsroot *root, const char *dir);
void fsroot_close(struct fsroot *root);

/*
 * Opens path inside the root. flags are open(2) flags; O_CLOEXEC is always
 * added. With follow false, a symlink in the last component is not followed
 * (O_NOFOLLOW, or an O_PATH descriptor of the link itself with O_PATH).
 */
__attribute__((warn_unused_result))
int fsroot_open_path(const struct fsroot *root, const char *path, int flags, bool follow,
		     int *fd);

/* stat(2) (follow true) or lstat(2) (follow false) of path inside the root. */
__attribute__((warn_unused_result))
int fsroot_stat(const struct fsroot *root, const char *path, bool follow, struct stat *st);

bool fsroot_is_dir(const struct fsroot *root, const char *path);
bool fsroot_exists(const struct fsroot *root, const char *path);

/*
 * Reads a regular file (symlinks followed inside the root) into a fresh
 * buffer, at most max bytes. *truncated is set when the file is longer.
 * Returns -EINVAL for a path that is not a regular file (a FIFO or device
 * is never opened for reading, so it cannot block the scan).
 */
__attribute__((warn_unused_result))
int fsroot_read_file(const struct fsroot *root, const char *path, size_t max,
		     uint8_t **buf, size_t *len, bool *truncated);

/* Reads the target of the symlink at path (not followed); NUL-terminated. */
__attribute__((warn_unused_result))
int fsroot_readlink(const struct fsroot *root, const char *path, char **target);

/*
 * A directory listing: names in readdir order, "." and ".." left out. A
 * directory with more than DIRLIST_MAX entries is listed up to the cap and
 * marked truncated; callers report that.
 */
#define DIRLIST_MAX (1u << 20)

struct dirlist {
	char **names;
	size_t count;
	bool truncated;
};

__attribute__((warn_unused_result))
int fsroot_listdir(const struct fsroot *root, const char *path, struct dirlist *list);
/* Lists an open directory descriptor; the descriptor stays the caller's. */
__attribute__((warn_unused_result))
int dirlist_read_fd(int dirfd, struct dirlist *list);
void dirlist_free(struct dirlist *list);
/* Sorts names as Python 3's sorted() orders str names (see core/utf8.h). */
void dirlist_sort_python(struct dirlist *list);
/* Sorts names byte by byte, as Python 2's sorted() orders byte strings. */
void dirlist_sort_bytes(struct dirlist *list);

/* Joins dir and name with one '/'; NULL on allocation failure. */
char *path_join(const char *dir, const char *name);
/*
 * Makes path absolute against base and removes ".", ".." and repeated
 * slashes lexically, as os.path.abspath() does on POSIX.
 */
char *path_normalize(const char *base, const char *path);
/* Returns a fresh copy of the directory part of path ("/" for "/x"). */
char *path_dirname(const char *path);

#endif
