#include "cli/common.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/strbuf.h"

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
