#include "scan/fsroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/utf8.h"


static int
sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	long rc = syscall(SYS_openat2, dirfd, path, how, sizeof(*how));

	return rc < 0 ? -errno : (int)rc;
}

int
fsroot_open(struct fsroot *root, const char *dir)
{
	struct stat st;
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	root->dir = strdup(dir);
	if (!root->dir) {
		close(fd);
		return -ENOMEM;
	}
	root->fd = fd;
	return 0;
}

void
fsroot_close(struct fsroot *root)
{
	if (root->fd >= 0)
		close(root->fd);
	free(root->dir);
	root->fd = -1;
	root->dir = NULL;
}

int
fsroot_open_path(const struct fsroot *root, const char *path, int flags, bool follow, int *fd)
{
	struct open_how how;
	int rc;

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	do {
		rc = sys_openat2(root->fd, path, &how);
	} while (rc == -EAGAIN || rc == -EINTR);
	if (rc < 0)
		return rc;
	*fd = rc;
	return 0;
}

int
fsroot_stat(const struct fsroot *root, const char *path, bool follow, struct stat *st)
{
	int fd, rc;

	rc = fsroot_open_path(root, path, O_PATH, follow, &fd);
	if (rc < 0)
		return rc;
	rc = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

bool
fsroot_is_dir(const struct fsroot *root, const char *path)
{
	struct stat st;

	return fsroot_stat(root, path, true, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
fsroot_exists(const struct fsroot *root, const char *path)
{
	struct stat st;

	return fsroot_stat(root, path, true, &st) == 0;
}

int
fsroot_read_file(const struct fsroot *root, const char *path, size_t max,
		 uint8_t **buf, size_t *len, bool *truncated)
{
	struct stat st;
	uint8_t *data = NULL;
	size_t used = 0, cap;
	int fd, rc;

	*truncated = false;
	/* O_PATH first: opening a FIFO or device for reading can block. */
	rc = fsroot_open_path(root, path, O_PATH, true, &fd);
	if (rc < 0)
		return rc;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	rc = fsroot_open_path(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, true, &fd);
	if (rc < 0)
		return rc;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}

	cap = st.st_size > 0 && (uint64_t)st.st_size < max ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	data = malloc(cap);
	if (!data) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			uint8_t *p;

			if (ncap <= cap)
				break;
			p = realloc(data, ncap);
			if (!p) {
				rc = -ENOMEM;
				goto fail;
			}
			data = p;
			cap = ncap;
		}
		n = read(fd, data + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max)
			break;
	}
	close(fd);
	if (used > max) {
		used = max;
		*truncated = true;
	}
	*buf = data;
	*len = used;
	return 0;
fail:
	free(data);
	close(fd);
	return rc;
}

int
fsroot_readlink(const struct fsroot *root, const char *path, char **target)
{
	char buf[4096];
	ssize_t n;
	int fd, rc;

	rc = fsroot_open_path(root, path, O_PATH, false, &fd);
	if (rc < 0)
		return rc;
	n = readlinkat(fd, "", buf, sizeof(buf));
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	*target = strndup(buf, (size_t)n);
	return *target ? 0 : -ENOMEM;
}

int
dirlist_read_fd(int dirfd, struct dirlist *list)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;
	int fd, rc = 0;

	list->names = NULL;
	list->count = 0;
	list->truncated = false;
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		return rc;
	}
	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de) {
			rc = errno ? -errno : 0;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (list->count == DIRLIST_MAX) {
			list->truncated = true;
			break;
		}
		if (list->count == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **p = realloc(list->names, ncap * sizeof(*p));

			if (!p) {
				rc = -ENOMEM;
				break;
			}
			list->names = p;
			cap = ncap;
		}
		list->names[list->count] = strdup(de->d_name);
		if (!list->names[list->count]) {
			rc = -ENOMEM;
			break;
		}
		list->count++;
	}
	closedir(dir);
	if (rc < 0)
		dirlist_free(list);
	return rc;
}

int
fsroot_listdir(const struct fsroot *root, const char *path, struct dirlist *list)
{
	int fd, rc;

	rc = fsroot_open_path(root, path, O_RDONLY | O_DIRECTORY, true, &fd);
	if (rc < 0)
		return rc;
	rc = dirlist_read_fd(fd, list);
	close(fd);
	return rc;
}

void
dirlist_free(struct dirlist *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->names[i]);
	free(list->names);
	list->names = NULL;
	list->count = 0;
	list->truncated = false;
}

static int
compare_python_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return utf8_compare_names((const uint8_t *)x, strlen(x), (const uint8_t *)y, strlen(y));
}

void
dirlist_sort_python(struct dirlist *list)
{
	if (list->count > 1)
		qsort(list->names, list->count, sizeof(list->names[0]), compare_python_names);
}

static int
compare_bytes(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
dirlist_sort_bytes(struct dirlist *list)
{
	if (list->count > 1)
		qsort(list->names, list->count, sizeof(list->names[0]), compare_bytes);
}

char *
path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	p = malloc(dl + nl + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (dl == 0 || dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

char *
path_normalize(const char *base, const char *path)
{
	char *joined, *out;
	size_t i = 0, o = 0, len;

	joined = path[0] == '/' ? strdup(path) : path_join(base, path);
	if (!joined)
		return NULL;
	len = strlen(joined);
	out = malloc(len + 2);
	if (!out) {
		free(joined);
		return NULL;
	}
	while (i < len) {
		size_t start, seg;

		while (i < len && joined[i] == '/')
			i++;
		start = i;
		while (i < len && joined[i] != '/')
			i++;
		seg = i - start;
		if (seg == 0 || (seg == 1 && joined[start] == '.'))
			continue;
		if (seg == 2 && joined[start] == '.' && joined[start + 1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, joined + start, seg);
		o += seg;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(joined);
	return out;
}

char *
path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}
