#include "scan/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Directories visited in one walk; a home tree rarely contains more than 1e5. */
#define WALK_MAX_DIRS (1u << 21)

/* File system magic numbers from <linux/magic.h> and statfs(2). */
static const long pseudo_fs[] = {
	0x9fa0,     /* proc */
	0x62656572, /* sysfs */
	0x1cd1,     /* devpts */
	0x27e0eb,   /* cgroup */
	0x63677270, /* cgroup2 */
	0x64626720, /* debugfs */
	0x74726163, /* tracefs */
	0x73636673, /* securityfs */
	0x6165676c, /* pstore */
	0xcafe4a11, /* bpf */
	0x62656570, /* configfs */
	0x65735543, /* fusectl */
	0x19800202, /* mqueue */
	0x958458f6, /* hugetlbfs */
	0x0187,     /* autofs */
	0x42494e4d, /* binfmt_misc */
	0xde5e81e4, /* efivarfs */
	0xf97cff8c, /* selinuxfs */
	0x6e736673, /* nsfs */
	0x1373,     /* devfs */
};

static const long network_fs[] = {
	0x6969,     /* nfs */
	0x517b,     /* smb */
	0xfe534d42, /* smb2 */
	0xff534d42, /* cifs */
	0x73757245, /* coda */
	0x5346414f, /* afs */
	0x6b414653, /* kafs */
	0x65735546, /* fuse (sshfs, s3fs, ...) */
	0x00c36400, /* ceph */
	0x01021997, /* v9fs */
	0x47504653, /* gpfs */
	0x0bd00bd0, /* lustre */
	0x013111a8, /* ibrix */
	0x19830326, /* fhgfs / beegfs */
};

static bool
in_list(const long *list, size_t n, long v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((unsigned long)list[i] == ((unsigned long)v & 0xffffffffUL))
			return true;
	}
	return false;
}

bool
walk_fs_is_pseudo(long f_type)
{
	return in_list(pseudo_fs, sizeof(pseudo_fs) / sizeof(pseudo_fs[0]), f_type);
}

bool
walk_fs_is_network(long f_type)
{
	return in_list(network_fs, sizeof(network_fs) / sizeof(network_fs[0]), f_type);
}

/* An open-addressing set of (device, inode) pairs of visited directories. */
struct seen {
	struct seen_slot { dev_t dev; ino_t ino; bool used; } *slots;
	size_t count, cap;
};

static size_t
seen_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = ((uint64_t)dev * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)ino * 0xC2B2AE3D27D4EB4Full);

	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static int
seen_grow(struct seen *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024, i;
	struct seen_slot *slots = calloc(ncap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->slots[i].used)
			continue;
		j = seen_hash(s->slots[i].dev, s->slots[i].ino, ncap);
		while (slots[j].used)
			j = (j + 1) & (ncap - 1);
		slots[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->cap = ncap;
	return 0;
}

/* Returns 1 when already present, 0 when added, or a negative errno. */
static int
seen_add(struct seen *s, dev_t dev, ino_t ino)
{
	size_t j;
	int rc;

	if (s->count >= WALK_MAX_DIRS)
		return -E2BIG;
	if ((s->count + 1) * 2 > s->cap) {
		rc = seen_grow(s);
		if (rc < 0)
			return rc;
	}
	j = seen_hash(dev, ino, s->cap);
	while (s->slots[j].used) {
		if (s->slots[j].dev == dev && s->slots[j].ino == ino)
			return 1;
		j = (j + 1) & (s->cap - 1);
	}
	s->slots[j].dev = dev;
	s->slots[j].ino = ino;
	s->slots[j].used = true;
	s->count++;
	return 0;
}

struct walker {
	const struct fsroot *root;
	const struct walk_options *wo;
	const struct scan_callbacks *cb;
	walk_visit_fn visit;
	void *ctx;
	struct seen seen;
	bool full_reported;
};

static void
report(const struct walker *w, const char *path, int err, const char *message)
{
	struct scan_diag d = { path, 0, err, message, false };

	if (w->cb && w->cb->on_diag)
		w->cb->on_diag(&d, w->cb->ctx);
}

static void
report_incomplete(const struct walker *w, const char *path, const char *message)
{
	struct scan_diag d = { path, 0, 0, message, true };

	if (w->cb && w->cb->on_diag)
		w->cb->on_diag(&d, w->cb->ctx);
}

static int walk_dir(struct walker *w, int fd, const char *path, int depth);

static int
walk_child(struct walker *w, int parent, const char *parent_path, const char *name, int depth)
{
	char *path;
	int fd, rc;

	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = errno;
		if (rc == ENOTDIR || rc == ELOOP || rc == ENOENT)
			return 0;
		path = path_join(parent_path, name);
		if (path) {
			report(w, path, rc, NULL);
			free(path);
		}
		return 0;
	}
	path = path_join(parent_path, name);
	if (!path) {
		close(fd);
		return -ENOMEM;
	}
	rc = walk_dir(w, fd, path, depth);
	free(path);
	close(fd);
	return rc;
}

static bool
entry_may_be_dir(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return S_ISDIR(st.st_mode);
}

static int
walk_dir(struct walker *w, int fd, const char *path, int depth)
{
	struct walk_entry e;
	struct dirlist names;
	struct statfs sfs;
	struct stat st;
	size_t i;
	int rc;

	if (fstat(fd, &st) < 0)
		return 0;
	rc = seen_add(&w->seen, st.st_dev, st.st_ino);
	if (rc == 1)
		return 0;
	if (rc == -E2BIG) {
		if (!w->full_reported)
			report_incomplete(w, path, "too many directories below this search root; the rest were not searched");
		w->full_reported = true;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (fstatfs(fd, &sfs) == 0) {
		if (walk_fs_is_pseudo((long)sfs.f_type))
			return 0;
		if (!w->wo->network_mounts && walk_fs_is_network((long)sfs.f_type))
			return 0;
	}
	rc = dirlist_read_fd(fd, &names);
	if (rc == 0 && names.truncated) {
		report_incomplete(w, path, "directory has more than 1048576 entries; the rest were not searched");
	} else if (rc < 0) {
		report(w, path, -rc, NULL);
		return 0;
	}
	/* Sorted, so that installations are listed in the same order everywhere. */
	dirlist_sort_python(&names);
	e.path = path;
	e.fd = fd;
	e.names = &names;
	e.depth = depth;
	rc = w->visit(&e, w->ctx);
	if (rc == WALK_SKIP || depth >= w->wo->max_depth) {
		dirlist_free(&names);
		return rc < 0 ? rc : 0;
	}
	if (rc < 0) {
		dirlist_free(&names);
		return rc;
	}
	for (i = 0; i < names.count; i++) {
		if (!entry_may_be_dir(fd, names.names[i]))
			continue;
		rc = walk_child(w, fd, path, names.names[i], depth + 1);
		if (rc < 0)
			break;
	}
	dirlist_free(&names);
	return rc < 0 ? rc : 0;
}

int
walk_tree(const struct fsroot *root, const char *start, const struct walk_options *wo,
	  const struct scan_callbacks *cb, walk_visit_fn visit, void *ctx)
{
	struct walker w = { root, wo, cb, visit, ctx, { NULL, 0, 0 }, false };
	int fd, rc;

	rc = fsroot_open_path(root, start, O_RDONLY | O_DIRECTORY | O_NONBLOCK, true, &fd);
	if (rc < 0) {
		if (rc != -ENOENT && rc != -ENOTDIR)
			report(&w, start, -rc, NULL);
		return 0;
	}
	rc = walk_dir(&w, fd, start, 0);
	close(fd);
	free(w.seen.slots);
	return rc;
}
