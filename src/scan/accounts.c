#include "scan/accounts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Accounts kept; more than this in one passwd file is reported. */
#define ACCOUNTS_MAX 100000

static bool
has_home(const struct accounts *list, const char *home)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (strcmp(list->items[i].home, home) == 0)
			return true;
	}
	return false;
}

static int
add_account(struct accounts *list, const char *name, size_t namelen, const char *home,
	    size_t homelen)
{
	struct account *p;
	char *raw, *norm;

	if (list->count >= ACCOUNTS_MAX)
		return -E2BIG;
	raw = strndup(home, homelen);
	if (!raw)
		return -ENOMEM;
	norm = path_normalize("/", raw);
	free(raw);
	if (!norm)
		return -ENOMEM;
	if (has_home(list, norm)) {
		free(norm);
		return 0;
	}
	p = realloc(list->items, (list->count + 1) * sizeof(*p));
	if (!p) {
		free(norm);
		return -ENOMEM;
	}
	list->items = p;
	p[list->count].home = norm;
	p[list->count].name = strndup(name, namelen);
	if (!p[list->count].name) {
		free(norm);
		return -ENOMEM;
	}
	list->count++;
	return 0;
}

static void
report_line(const struct scan_callbacks *cb, const char *path, long line, const char *message)
{
	struct scan_diag d = { path, line, 0, message, false };

	if (cb && cb->on_diag)
		cb->on_diag(&d, cb->ctx);
}

int
accounts_parse_passwd(const char *buf, size_t len, const char *path,
		      const struct scan_callbacks *cb, struct accounts *out)
{
	size_t pos = 0;
	long lineno = 0;
	int rc;

	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *field[7];
		size_t flen[7], k = 0, i, start = 0;

		lineno++;
		pos += n + (nl ? 1 : 0);
		if (n == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		for (i = 0; i <= n && k < 7; i++) {
			if (i == n || line[i] == ':') {
				field[k] = line + start;
				flen[k] = i - start;
				k++;
				start = i + 1;
			}
		}
		if (k != 7 || flen[0] == 0 || flen[5] == 0 || field[5][0] != '/' ||
		    memchr(line, '\0', n)) {
			report_line(cb, path, lineno, "not a passwd entry (name:password:uid:gid:gecos:home:shell); line skipped");
			continue;
		}
		rc = add_account(out, field[0], flen[0], field[5], flen[5]);
		if (rc == -E2BIG) {
			report_line(cb, path, lineno, "too many accounts; this and later lines skipped");
			return 0;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
accounts_load(const struct fsroot *root, const struct scan_callbacks *cb, struct accounts *out)
{
	struct dirlist homes;
	uint8_t *buf = NULL;
	size_t len = 0, i;
	bool truncated;
	int rc;

	out->items = NULL;
	out->count = 0;
	rc = fsroot_read_file(root, "/etc/passwd", PASSWD_MAX, &buf, &len, &truncated);
	if (rc == 0) {
		if (truncated)
			report_line(cb, "/etc/passwd", 0, "file larger than the read limit; later accounts not read");
		rc = accounts_parse_passwd((const char *)buf, len, "/etc/passwd", cb, out);
		free(buf);
		if (rc < 0)
			goto fail;
	} else if (rc != -ENOENT) {
		struct scan_diag d = { "/etc/passwd", 0, -rc, NULL, false };

		if (cb && cb->on_diag)
			cb->on_diag(&d, cb->ctx);
	}

	if (!has_home(out, "/root") && fsroot_is_dir(root, "/root")) {
		rc = add_account(out, "root", 4, "/root", 5);
		if (rc < 0 && rc != -E2BIG)
			goto fail;
	}
	if (fsroot_listdir(root, "/home", &homes) == 0) {
		dirlist_sort_python(&homes);
		for (i = 0; i < homes.count; i++) {
			char *home = path_join("/home", homes.names[i]);

			if (!home) {
				dirlist_free(&homes);
				rc = -ENOMEM;
				goto fail;
			}
			if (!has_home(out, home) && fsroot_is_dir(root, home))
				rc = add_account(out, homes.names[i], strlen(homes.names[i]), home,
						 strlen(home));
			free(home);
			if (rc < 0 && rc != -E2BIG) {
				dirlist_free(&homes);
				goto fail;
			}
		}
		dirlist_free(&homes);
	}
	return 0;
fail:
	accounts_free(out);
	return rc;
}

void
accounts_free(struct accounts *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		free(list->items[i].name);
		free(list->items[i].home);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}
