/*
 * predict: print which .pth lines of one directory a CPython release runs,
 * using only sitehound's public pth/version API and its directory listing.
 * tests/differential/run compares this with what real interpreters run.
 *
 * Usage: predict VERSION DIR
 * Output, tab-separated, for each rule set that VERSION spans:
 *   rules  EXAMPLE-RELEASE  SKIP-HIDDEN  SPLIT-ALL  DECODE
 *   exec   HEX-NAME  LINE  OFFSET  LENGTH   (one per line that runs, in order)
 *   abort  HEX-NAME  OFFSET                 (start-up fails reading this file)
 * Exit status 0, or 2 on a usage or I/O error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "python/pth.h"
#include "python/version.h"
#include "scan/fsroot.h"

/* Generated test files are small; anything larger is a harness bug. */
#define PREDICT_MAX_FILE (16u * 1024 * 1024)
#define PREDICT_MAX_SETS 16

static const char *const decode_names[] = {
	[PTH_DECODE_BYTES] = "bytes",
	[PTH_DECODE_LOCALE_STREAM] = "locale-stream",
	[PTH_DECODE_UTF8] = "utf-8",
	[PTH_DECODE_UTF8_SIG] = "utf-8-sig",
};

static void
print_hex(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		printf("%02x", *p);
}

static bool
has_pth_suffix(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && memcmp(name + n - 4, ".pth", 4) == 0;
}

/* Python 2 lists byte-string names, so sorted() compares bytes. */
static int
compare_bytes(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads a whole regular file; returns 0, 1 when it is not one, or -errno. */
static int
read_pth(int dirfd, const char *name, uint8_t **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	*buf = NULL;
	*len = 0;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno == EISDIR || errno == ENOENT ? 1 : -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = 1;
		goto out;
	}
	if ((size_t)st.st_size > PREDICT_MAX_FILE) {
		rc = -EFBIG;
		goto out;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		rc = -ENOMEM;
		goto out;
	}
	while ((n = read(fd, *buf + *len, (size_t)st.st_size + 1 - *len)) > 0)
		*len += (size_t)n;
	if (n < 0)
		rc = -errno;
out:
	close(fd);
	return rc;
}

/* Prints the lines one rule set runs; returns 0 or -errno. */
static int
predict_dir(int dirfd, struct dirlist *names, const struct pth_rules *rules, uint32_t example)
{
	char ver[16];
	size_t i, j;

	printf("rules\t%s\t%d\t%d\t%s\n", pyver_format(example, ver, sizeof(ver)), rules->skip_hidden,
	       rules->split_all_breaks, decode_names[rules->decode]);
	if (PYVER_MAJOR(example) < 3)
		qsort(names->names, names->count, sizeof(names->names[0]), compare_bytes);
	else
		dirlist_sort_python(names);

	for (i = 0; i < names->count; i++) {
		const char *name = names->names[i];
		struct pth_result res;
		uint8_t *buf;
		size_t len;
		bool aborts;
		int rc;

		if (!has_pth_suffix(name) || (rules->skip_hidden && name[0] == '.'))
			continue;
		rc = read_pth(dirfd, name, &buf, &len);
		if (rc < 0) {
			fprintf(stderr, "predict: cannot read '%s': %s\n", name, strerror(-rc));
			return rc;
		}
		if (rc > 0)
			continue; /* CPython skips what it cannot open as a file */
		rc = pth_parse(buf, len, rules, &res);
		if (rc < 0) {
			fprintf(stderr, "predict: cannot parse '%s': %s\n", name, strerror(-rc));
			free(buf);
			return rc;
		}
		for (j = 0; j < res.nlines; j++) {
			const struct pth_line *l = &res.lines[j];

			if (l->kind != PTH_LINE_EXEC || !l->reached)
				continue;
			printf("exec\t");
			print_hex(name);
			printf("\t%ld\t%zu\t%zu\n", l->number, l->offset, l->len);
		}
		if (res.aborts) {
			printf("abort\t");
			print_hex(name);
			printf("\t%zu\n", res.abort_offset);
		}
		aborts = res.aborts;
		pth_result_free(&res);
		free(buf);
		if (aborts)
			break; /* the exception ends start-up: no later file is read */
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct pth_rules sets[PREDICT_MAX_SETS];
	uint32_t examples[PREDICT_MAX_SETS], lo, hi;
	struct dirlist names;
	size_t n, i;
	int dirfd, rc;

	if (argc != 3) {
		fprintf(stderr, "usage: predict VERSION DIR\n");
		return 2;
	}
	if (pyver_parse(argv[1], strlen(argv[1]), &lo, &hi) < 0) {
		fprintf(stderr, "predict: invalid version '%s'\n", argv[1]);
		return 2;
	}
	dirfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "predict: cannot open '%s': %s\n", argv[2], strerror(errno));
		return 2;
	}
	rc = dirlist_read_fd(dirfd, &names);
	if (rc < 0) {
		fprintf(stderr, "predict: cannot list '%s': %s\n", argv[2], strerror(-rc));
		close(dirfd);
		return 2;
	}

	n = pth_rules_in_range(lo, hi, sets, examples, PREDICT_MAX_SETS);
	for (i = 0; i < n && rc == 0; i++)
		rc = predict_dir(dirfd, &names, &sets[i], examples[i]);
	dirlist_free(&names);
	close(dirfd);
	return rc == 0 ? 0 : 2;
}
