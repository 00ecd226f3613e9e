#include "cli/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/strbuf.h"
#include "provenance/allowlist.h"

void
fput_escaped(const char *s, FILE *fp)
{
	struct strbuf sb;
	int truncated = 0;

	strbuf_init(&sb, 64 * 1024);
	if (escape_bytes(&sb, s, strlen(s), &truncated) < 0)
		fputs("?", fp);
	else if (sb.data)
		fputs(sb.data, fp);
	strbuf_free(&sb);
}

FILE *
open_output(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *fp;

	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "w");
	if (!fp)
		close(fd);
	return fp;
}

/* Reads at most ALLOW_FILE_MAX bytes of a regular file; sets *too_big when it is larger. */
static int
read_small_file(const char *path, char **buf, size_t *len, bool *too_big)
{
	struct stat st;
	ssize_t got;
	int fd, err;

	*buf = NULL;
	*len = 0;
	*too_big = false;
	/* O_NONBLOCK so that a named pipe is rejected below instead of blocking the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	*buf = malloc(ALLOW_FILE_MAX + 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (*len <= ALLOW_FILE_MAX) {
		got = read(fd, *buf + *len, ALLOW_FILE_MAX + 1 - *len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = errno;
			close(fd);
			free(*buf);
			*buf = NULL;
			return -err;
		}
		if (got == 0)
			break;
		*len += (size_t)got;
	}
	close(fd);
	if (*len > ALLOW_FILE_MAX)
		*too_big = true;
	return 0;
}

int
load_allowlist(const char *path, struct allowlist *out)
{
	char *buf = NULL;
	size_t len = 0, i;
	bool too_big = false;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_small_file(path, &buf, &len, &too_big);
	if (rc == 0 && too_big) {
		free(buf);
		fputs("sitehound: --allow file '", stderr);
		fput_escaped(path, stderr);
		fprintf(stderr, "' is larger than %u bytes; list only the hooks the site accepts\n",
			ALLOW_FILE_MAX);
		return -1;
	}
	if (rc < 0) {
		fputs("sitehound: cannot read --allow file '", stderr);
		fput_escaped(path, stderr);
		fprintf(stderr, "': %s\n", rc == -EINVAL ? "not a regular file" : strerror(-rc));
		return -1;
	}
	rc = allowlist_parse(buf, len, out);
	free(buf);
	if (rc < 0) {
		fprintf(stderr, "sitehound: cannot parse --allow file: %s\n", strerror(-rc));
		return -1;
	}
	for (i = 0; i < out->ndiags; i++) {
		fputs("sitehound: ", stderr);
		fput_escaped(path, stderr);
		fprintf(stderr, ":%ld: %s; line ignored\n", out->diags[i].line, out->diags[i].reason);
	}
	if (out->diags_dropped > 0) {
		fputs("sitehound: ", stderr);
		fput_escaped(path, stderr);
		fprintf(stderr, ": %lu more bad lines ignored\n", out->diags_dropped);
	}
	return 0;
}
