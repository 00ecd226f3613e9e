/*
 * The rules follow Modules/getpath.py and getpath_readlines() in
 * Modules/getpath.c (CPython 3.11-3.13, "SET pythonpath FROM _PTH FILE"):
 * the file is decoded as UTF-8 with surrogateescape, read only up to the
 * first NUL, and split on '\n'; each line becomes line.partition('#')[0]
 * .strip(). An empty result is skipped, "import site" sets site_import,
 * any other line starting with "import " only warns, and every other line
 * is joinpath(dirname(file), line).
 *
 * NOTE: Windows 3.6-3.10 read the file in PC/getpathp.c with its own line
 * reader; this module applies the 3.11+ rules to those releases too.
 */
#include "python/dotpth.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "python/pytext.h"

static int
add_entry(struct dotpth *p, size_t *cap, enum dotpth_entry_kind kind, long line,
	  const uint8_t *text, size_t len)
{
	struct dotpth_entry *e;
	char *copy;

	if (p->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;

		if (p->count >= DOTPTH_MAX_ENTRIES)
			return -E2BIG;
		e = realloc(p->entries, ncap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		p->entries = e;
		*cap = ncap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';

	e = &p->entries[p->count++];
	e->kind = kind;
	e->line = line;
	e->text = copy;
	return 0;
}

static int
classify_line(struct dotpth *p, size_t *cap, const uint8_t *line, size_t len, long number)
{
	const uint8_t *hash = memchr(line, '#', len);
	enum dotpth_entry_kind kind = DOTPTH_PATH;

	if (hash)
		len = (size_t)(hash - line);
	py_strip(&line, &len);
	if (len == 0)
		return 0;

	if (len == 11 && memcmp(line, "import site", 11) == 0) {
		kind = DOTPTH_IMPORT_SITE;
		p->import_site = true;
	} else if (len >= 7 && memcmp(line, "import ", 7) == 0) {
		kind = DOTPTH_IMPORT_OTHER;
	}
	return add_entry(p, cap, kind, number, line, len);
}

int
dotpth_parse(const uint8_t *buf, size_t len, struct dotpth *out)
{
	const uint8_t *nul = memchr(buf, '\0', len);
	size_t cap = 0, start = 0;
	long number = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->over_getpath_limit = len >= DOTPTH_GETPATH_MAX_BYTES;
	if (nul) {
		out->truncated_at_nul = true;
		len = (size_t)(nul - buf);
	}
	out->bad_bytes = nul || utf8_first_invalid(buf, len) != len;

	while (start < len && rc == 0) {
		const uint8_t *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;

		number++;
		rc = classify_line(out, &cap, buf + start, end - start, number);
		start = nl ? end + 1 : len;
	}

	if (rc < 0)
		dotpth_free(out);
	return rc;
}

void
dotpth_free(struct dotpth *p)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		free(p->entries[i].text);
	free(p->entries);
	memset(p, 0, sizeof(*p));
}
