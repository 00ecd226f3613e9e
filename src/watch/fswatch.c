#include "watch/fswatch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The events a hook watcher needs, in the order one merged record reports them. */
static const struct {
	uint64_t fan;
	uint32_t in;
	enum fsev_kind kind;
} kinds[] = {
	{ FAN_CREATE, IN_CREATE, FSEV_CREATE },
	{ FAN_MOVED_TO, IN_MOVED_TO, FSEV_MOVED_TO },
	{ FAN_CLOSE_WRITE, IN_CLOSE_WRITE, FSEV_CLOSE_WRITE },
	{ FAN_ATTRIB, IN_ATTRIB, FSEV_ATTRIB },
	{ FAN_MOVED_FROM, IN_MOVED_FROM, FSEV_MOVED_FROM },
	{ FAN_DELETE, IN_DELETE, FSEV_DELETE },
};

/* The value of a path in fswatch.watched whose watch was removed. */
#define NOT_WATCHED ((size_t)-1)

#define FAN_EVENTS (FAN_CREATE | FAN_MOVED_TO | FAN_CLOSE_WRITE | FAN_ATTRIB | FAN_MOVED_FROM | \
		    FAN_DELETE | FAN_ONDIR)
#define IN_EVENTS (IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM | \
		   IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

const char *
fsev_kind_name(enum fsev_kind kind)
{
	switch (kind) {
	case FSEV_CREATE:
		return "created";
	case FSEV_CLOSE_WRITE:
		return "written";
	case FSEV_MOVED_FROM:
		return "moved-away";
	case FSEV_MOVED_TO:
		return "moved-in";
	case FSEV_DELETE:
		return "deleted";
	case FSEV_ATTRIB:
		return "attributes-changed";
	case FSEV_OVERFLOW:
		return "overflow";
	case FSEV_LOST_DIR:
		return "directory-lost";
	}
	return "unknown";
}

void
fsev_batch_init(struct fsev_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void
fsev_batch_clear(struct fsev_batch *b)
{
	size_t i;

	for (i = 0; i < b->count; i++)
		free(b->items[i].path);
	b->count = 0;
	b->unresolved = 0;
}

void
fsev_batch_free(struct fsev_batch *b)
{
	fsev_batch_clear(b);
	free(b->items);
	fsev_batch_init(b);
}

/* Appends an event; takes ownership of path, also on failure. */
static int
batch_add(struct fsev_batch *b, enum fsev_kind kind, bool is_dir, char *path, pid_t pid,
	  bool writer_gone)
{
	if (b->count == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct fsev *grown = realloc(b->items, cap * sizeof(*grown));

		if (!grown) {
			free(path);
			return -ENOMEM;
		}
		b->items = grown;
		b->cap = cap;
	}
	b->items[b->count].kind = kind;
	b->items[b->count].is_dir = is_dir;
	b->items[b->count].path = path;
	b->items[b->count].pid = pid;
	b->items[b->count].writer_gone = writer_gone;
	b->count++;
	return 0;
}

int
fswatch_open(struct fswatch *w, enum fswatch_mode mode)
{
	memset(w, 0, sizeof(*w));
	w->mode = mode;
	w->fd = -1;
	if (mode == FSWATCH_INOTIFY) {
		w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		return w->fd < 0 ? -errno : 0;
	}
#ifdef FAN_REPORT_PIDFD
	w->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_REPORT_PIDFD |
			      FAN_NONBLOCK | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	w->pidfd = w->fd >= 0;
	if (w->fd < 0 && errno != EINVAL)
		return -errno;
#endif
	if (w->fd < 0)
		w->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_NONBLOCK |
				      FAN_CLOEXEC, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	return w->fd < 0 ? -errno : 0;
}

size_t
fswatch_active(const struct fswatch *w)
{
	return w->mode == FSWATCH_FANOTIFY ? w->nfs : w->active;
}

int
fswatch_fd(const struct fswatch *w)
{
	return w->fd;
}

static uint64_t
fsid_of(const struct statfs *sfs)
{
	uint64_t a, b;

	memcpy(&a, &sfs->f_fsid, sizeof(uint32_t));
	memcpy(&b, (const char *)&sfs->f_fsid + sizeof(uint32_t), sizeof(uint32_t));
	return (a & 0xffffffffu) | (b << 32);
}

static int
fanotify_add(struct fswatch *w, const char *path)
{
	struct statfs sfs;
	uint64_t fsid;
	size_t i;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	fsid = fsid_of(&sfs);
	for (i = 0; i < w->nfs; i++) {
		if (w->fs[i].fsid == fsid) {
			close(fd);
			return 0;
		}
	}
	if (w->nfs == FSWATCH_FILESYSTEMS_MAX) {
		close(fd);
		return -E2BIG;
	}
	if (fanotify_mark(w->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_EVENTS, fd, NULL) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	w->fs[w->nfs].fsid = fsid;
	w->fs[w->nfs].mount_fd = fd;
	w->nfs++;
	return 0;
}

/* Remembers the path of watch descriptor wd. */
static int
remember_dir(struct fswatch *w, int wd, const char *path)
{
	char *copy;

	if ((size_t)wd >= w->dirs_cap) {
		size_t cap = w->dirs_cap ? w->dirs_cap : 256;
		char **grown;

		while (cap <= (size_t)wd)
			cap *= 2;
		grown = realloc(w->dirs, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		memset(grown + w->dirs_cap, 0, (cap - w->dirs_cap) * sizeof(*grown));
		w->dirs = grown;
		w->dirs_cap = cap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	if (!w->dirs[wd])
		w->active++;
	free(w->dirs[wd]);
	w->dirs[wd] = copy;
	return strmap_put(&w->watched, path, (size_t)wd);
}

/* Watches dir and the directories below it, depth levels deep. */
static int
inotify_add_tree(struct fswatch *w, const char *dir, int depth)
{
	struct dirent *de;
	size_t known;
	DIR *d;
	int wd, rc = 0;

	if (strmap_get(&w->watched, dir, &known) && known != NOT_WATCHED)
		return 0;
	if (w->watched.count >= FSWATCH_INOTIFY_DIRS_MAX) {
		w->dirs_dropped++;
		return 0;
	}
	wd = inotify_add_watch(w->fd, dir, IN_EVENTS);
	if (wd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -errno;
	rc = remember_dir(w, wd, dir);
	if (rc < 0 || depth >= FSWATCH_INOTIFY_DEPTH_MAX)
		return rc;
	d = opendir(dir);
	if (!d)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *child;

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&child, "%s/%s", strcmp(dir, "/") ? dir : "", de->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		rc = inotify_add_tree(w, child, depth + 1);
		free(child);
	}
	closedir(d);
	return rc;
}

int
fswatch_add(struct fswatch *w, const char *path)
{
	if (w->mode == FSWATCH_FANOTIFY)
		return fanotify_add(w, path);
	return inotify_add_tree(w, path, 0);
}

int
fswatch_parse_fanotify(const unsigned char *buf, size_t len, size_t *at,
		       struct fanotify_record *out)
{
	struct fanotify_event_metadata meta;
	size_t info, end;

	if (*at >= len)
		return 0;
	if (len - *at < sizeof(meta))
		return -EINVAL;
	memcpy(&meta, buf + *at, sizeof(meta));
	if (meta.vers != FANOTIFY_METADATA_VERSION || meta.event_len < sizeof(meta) ||
	    meta.metadata_len < sizeof(meta) || meta.metadata_len > meta.event_len ||
	    meta.event_len > len - *at)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->mask = meta.mask;
	out->pid = meta.pid;
	out->pidfd = -1;
	info = *at + meta.metadata_len;
	end = *at + meta.event_len;
	while (info < end) {
		struct fanotify_event_info_header hdr;

		if (end - info < sizeof(hdr))
			return -EINVAL;
		memcpy(&hdr, buf + info, sizeof(hdr));
		if (hdr.len < sizeof(hdr) || hdr.len > end - info)
			return -EINVAL;
		if (hdr.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME ||
		    hdr.info_type == FAN_EVENT_INFO_TYPE_DFID) {
			size_t fixed = sizeof(struct fanotify_event_info_fid);
			uint32_t handle_bytes;
			size_t handle_len, name_at;
			__kernel_fsid_t fsid;

			if (hdr.len < fixed + sizeof(struct file_handle))
				return -EINVAL;
			memcpy(&fsid, buf + info + sizeof(hdr), sizeof(fsid));
			memcpy(&handle_bytes, buf + info + fixed, sizeof(handle_bytes));
			handle_len = sizeof(struct file_handle) + (size_t)handle_bytes;
			if (handle_bytes > MAX_HANDLE_SZ || handle_len > hdr.len - fixed)
				return -EINVAL;
			out->fsid = ((uint64_t)(uint32_t)fsid.val[0]) |
				    ((uint64_t)(uint32_t)fsid.val[1] << 32);
			out->handle = buf + info + fixed;
			out->handle_len = handle_len;
			name_at = info + fixed + handle_len;
			if (hdr.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME) {
				if (name_at >= info + hdr.len ||
				    !memchr(buf + name_at, '\0', info + hdr.len - name_at))
					return -EINVAL;
				out->name = (const char *)buf + name_at;
			}
		} else if (hdr.info_type == FAN_EVENT_INFO_TYPE_PIDFD) {
			struct fanotify_event_info_pidfd p;

			if (hdr.len < sizeof(p))
				return -EINVAL;
			memcpy(&p, buf + info, sizeof(p));
			out->pidfd = p.pidfd;
		}
		info += hdr.len;
	}
	*at = end;
	return 1;
}

/* Turns a directory handle and an entry name into a path; NULL when the directory is gone. */
static char *
resolve_fanotify_path(const struct fswatch *w, const struct fanotify_record *r)
{
	char link[64], dir[PATH_MAX], *path = NULL;
	struct file_handle *fh;
	ssize_t n;
	size_t i;
	int mount_fd = -1, fd;

	for (i = 0; i < w->nfs; i++) {
		if (w->fs[i].fsid == r->fsid)
			mount_fd = w->fs[i].mount_fd;
	}
	if (mount_fd < 0 || !r->handle)
		return NULL;
	fh = malloc(r->handle_len);
	if (!fh)
		return NULL;
	memcpy(fh, r->handle, r->handle_len); /* aligned for the system call */
	fd = open_by_handle_at(mount_fd, fh, O_PATH | O_CLOEXEC);
	free(fh);
	if (fd < 0)
		return NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, dir, sizeof(dir) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	if (!r->name || strcmp(r->name, ".") == 0)
		return strdup(dir);
	if (asprintf(&path, "%s/%s", strcmp(dir, "/") ? dir : "", r->name) < 0)
		return NULL;
	return path;
}

/* Whether the process behind a pidfd has exited; false without a pidfd. */
static bool
pidfd_exited(int pidfd)
{
	if (pidfd < 0)
		return false;
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0 && errno == ESRCH;
}

static int
read_fanotify(struct fswatch *w, const unsigned char *buf, size_t len, struct fsev_batch *out)
{
	struct fanotify_record r;
	size_t at = 0, k;
	int rc;

	while ((rc = fswatch_parse_fanotify(buf, len, &at, &r)) == 1) {
		bool is_dir = (r.mask & FAN_ONDIR) != 0;
		bool gone = pidfd_exited(r.pidfd);
		char *path;

		if (r.pidfd >= 0)
			close(r.pidfd);
		if (r.mask & FAN_Q_OVERFLOW) {
			rc = batch_add(out, FSEV_OVERFLOW, false, NULL, 0, false);
			if (rc < 0)
				return rc;
			continue;
		}
		if (w->filter && !w->filter(r.name ? r.name : "", is_dir, w->filter_ctx))
			continue;
		path = resolve_fanotify_path(w, &r);
		if (!path) {
			out->unresolved++;
			continue;
		}
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			char *copy;

			if (!(r.mask & kinds[k].fan))
				continue;
			copy = strdup(path);
			rc = copy ? batch_add(out, kinds[k].kind, is_dir, copy, r.pid, gone) : -ENOMEM;
			if (rc < 0)
				break;
		}
		free(path);
		if (rc < 0)
			return rc;
	}
	return rc < 0 ? rc : 0;
}

static int
read_inotify(struct fswatch *w, const unsigned char *buf, size_t len, struct fsev_batch *out)
{
	size_t at = 0, k;
	int rc = 0;

	while (rc == 0 && len - at >= sizeof(struct inotify_event)) {
		struct inotify_event ev;
		const char *name;
		const char *dir;
		char *path;

		memcpy(&ev, buf + at, sizeof(ev));
		if (ev.len > len - at - sizeof(ev))
			return -EINVAL;
		name = ev.len ? (const char *)buf + at + sizeof(ev) : "";
		at += sizeof(ev) + ev.len;
		if (ev.mask & IN_Q_OVERFLOW) {
			rc = batch_add(out, FSEV_OVERFLOW, false, NULL, 0, false);
			continue;
		}
		dir = ev.wd >= 0 && (size_t)ev.wd < w->dirs_cap ? w->dirs[ev.wd] : NULL;
		if (!dir)
			continue;
		if (ev.mask & IN_IGNORED) {
			/* The directory is gone; it may be watched again if it comes back. */
			rc = strmap_put(&w->watched, dir, NOT_WATCHED);
			free(w->dirs[ev.wd]);
			w->dirs[ev.wd] = NULL;
			w->active--;
			continue;
		}
		if (ev.mask & IN_DELETE_SELF) {
			path = strdup(dir);
			rc = path ? batch_add(out, FSEV_LOST_DIR, true, path, 0, false) : -ENOMEM;
			continue;
		}
		if (name[0] && asprintf(&path, "%s/%s", strcmp(dir, "/") ? dir : "", name) < 0)
			return -ENOMEM;
		if (!name[0] && !(path = strdup(dir)))
			return -ENOMEM;
		/* A new directory (a new virtual environment) gets its watches before its events. */
		if ((ev.mask & IN_ISDIR) && (ev.mask & (IN_CREATE | IN_MOVED_TO)))
			rc = inotify_add_tree(w, path, 1);
		if (w->filter && !w->filter(name, (ev.mask & IN_ISDIR) != 0, w->filter_ctx)) {
			free(path);
			continue;
		}
		for (k = 0; rc == 0 && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			char *copy;

			if (!(ev.mask & kinds[k].in))
				continue;
			copy = strdup(path);
			rc = copy ? batch_add(out, kinds[k].kind, (ev.mask & IN_ISDIR) != 0, copy, 0, false)
				  : -ENOMEM;
		}
		free(path);
	}
	return rc;
}

int
fswatch_read(struct fswatch *w, struct fsev_batch *out)
{
	unsigned char *buf = malloc(FSWATCH_READ_BYTES);
	ssize_t n;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = read(w->fd, buf, FSWATCH_READ_BYTES);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		rc = w->mode == FSWATCH_FANOTIFY ? read_fanotify(w, buf, (size_t)n, out)
						 : read_inotify(w, buf, (size_t)n, out);
		if (rc < 0)
			break;
	}
	free(buf);
	return rc;
}

void
fswatch_close(struct fswatch *w)
{
	size_t i;

	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; i < w->nfs; i++)
		close(w->fs[i].mount_fd);
	for (i = 0; i < w->dirs_cap; i++)
		free(w->dirs[i]);
	free(w->dirs);
	strmap_free(&w->watched);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}
