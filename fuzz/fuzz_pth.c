/*
 * libFuzzer target: pth_parse() under every distinct rule set must return
 * lines that lie inside the input, in order, numbered from 1, classified
 * consistently with their bytes, and reached only before a decode abort.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/pth.h"
#include "python/version.h"

#define MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_line(const uint8_t *data, size_t size, const struct pth_line *line)
{
	const uint8_t *arg;
	size_t arglen;

	if (line->offset > size || line->len > size - line->offset)
		abort();
	if (line->kind == PTH_LINE_COMMENT && data[line->offset] != '#')
		abort();
	if (line->kind == PTH_LINE_EXEC &&
	    (line->len < 7 || memcmp(data + line->offset, "import", 6) != 0 ||
	     (data[line->offset + 6] != ' ' && data[line->offset + 6] != '\t')))
		abort();
	if (pth_find_addsitedir(data + line->offset, line->len, &arg, &arglen) &&
	    (arg < data + line->offset || arglen > line->len ||
	     arg + arglen > data + line->offset + line->len))
		abort();
	{
		char dir[64];
		size_t dirlen = 0;

		if (pth_addsitedir_path(data + line->offset, line->len, dir, sizeof(dir), &dirlen) &&
		    (dirlen >= sizeof(dir) || strlen(dir) != dirlen))
			abort();
	}
}

static void
check_result(const uint8_t *data, size_t size, const struct pth_rules *rules,
	     const struct pth_result *res)
{
	size_t i, next = 0, gap;
	bool reached = true;

	if (res->bom_len != 0 && (res->bom_len != 3 || size < 3 || memcmp(data, "\xef\xbb\xbf", 3) != 0))
		abort();
	if (rules->decode == PTH_DECODE_UTF8_SIG)
		next = res->bom_len;
	if (res->aborts && (rules->decode == PTH_DECODE_BYTES || res->abort_offset >= size))
		abort();

	for (i = 0; i < res->nlines; i++) {
		const struct pth_line *line = &res->lines[i];

		check_line(data, size, line);
		if (line->number != (long)i + 1)
			abort();
		/* Lines follow each other, separated by one line break of 1 to 3 bytes. */
		if (line->offset != next)
			abort();
		next = line->offset + line->len;
		if (next < size) {
			gap = (i + 1 < res->nlines ? res->lines[i + 1].offset : size) - next;
			if (gap < 1 || gap > 3)
				abort();
			next += gap;
		}
		if (line->reached && !reached)
			abort(); /* a line after an unreached one cannot run */
		reached = line->reached;
		if (!res->aborts && !line->reached)
			abort();
		if (res->aborts && line->reached &&
		    (rules->decode != PTH_DECODE_LOCALE_STREAM ||
		     line->offset + line->len > res->abort_offset))
			abort();
	}
	if (next != size)
		abort();
}

/* Parses data under rules and returns the line count, aborting on a bad result. */
static size_t
parse_checked(const uint8_t *data, size_t size, const struct pth_rules *rules)
{
	struct pth_result res;
	size_t n;
	int rc = pth_parse(data, size, rules, &res);

	if (rc != 0) {
		if (rc != -ENOMEM && !(rc == -E2BIG && size > PTH_MAX_LINES))
			abort();
		return 0;
	}
	check_result(data, size, rules, &res);
	n = res.nlines;
	pth_result_free(&res);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pth_rules sets[MAX_SETS], stream, utf8;
	size_t n, i, universal, all;

	n = pth_rules_in_range(PYVER_ANY_LO, PYVER_ANY_HI, sets, NULL, MAX_SETS);
	if (n < 2)
		abort();
	for (i = 0; i < n; i++)
		parse_checked(data, size, &sets[i]);

	/* Both keep a BOM, so more line break kinds can only add lines. */
	pth_rules_for(PYVER(3, 12, 3), &stream);
	pth_rules_for(PYVER_PRE(3, 13, 0, 0xB, 1), &utf8);
	universal = parse_checked(data, size, &stream);
	all = parse_checked(data, size, &utf8);
	if (all < universal)
		abort();
	return 0;
}
