/*
 * pth: split a .pth file into lines and classify each line exactly as
 * site.addpackage() of one CPython release does.
 *
 * pth_parse() takes the raw bytes and one rule set (see version.h) and
 * allocates the line array; pth_result_free() releases it. Offsets point
 * into the caller's buffer, which must outlive the result. Returns 0,
 * -ENOMEM, or -E2BIG when the file has more lines than PTH_MAX_LINES.
 */
#ifndef SITEHOUND_PYTHON_PTH_H
#define SITEHOUND_PYTHON_PTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "python/version.h"

/* A cap on lines per file so a hostile file cannot exhaust memory. */
#define PTH_MAX_LINES (4u * 1024 * 1024)

enum pth_line_kind {
	PTH_LINE_COMMENT, /* starts with '#' at column 0 */
	PTH_LINE_BLANK,   /* only whitespace */
	PTH_LINE_EXEC,    /* starts with "import " or "import\t": passed to exec() */
	PTH_LINE_PATH,    /* anything else: rstrip()ed and added to sys.path if it exists */
};

struct pth_line {
	size_t offset;   /* first byte of the line in the file, BOM included for line 1 if kept */
	size_t len;      /* bytes up to, not including, the line break */
	long number;     /* 1-based, as CPython counts in "Error processing line N" */
	enum pth_line_kind kind;
	bool reached;    /* false when a decode failure aborts start-up before it */
};

struct pth_result {
	struct pth_line *lines;
	size_t nlines;
	bool aborts;          /* reading the file raises and start-up fails */
	size_t abort_offset;  /* the first byte that cannot be decoded */
	size_t bom_len;       /* 3 when the file starts with a UTF-8 BOM */
};

__attribute__((warn_unused_result))
int pth_parse(const uint8_t *buf, size_t len, const struct pth_rules *rules,
	      struct pth_result *out);
void pth_result_free(struct pth_result *res);

/*
 * Finds a site.addsitedir() call with one string literal argument in an
 * executable line. Returns true and stores the decoded literal (a slice of
 * line, without quotes) when the literal has no escapes to interpret.
 */
bool pth_find_addsitedir(const uint8_t *line, size_t len,
			 const uint8_t **arg, size_t *arglen);

/*
 * Like pth_find_addsitedir(), but also decodes a literal with escapes
 * ("/opt/x\x36") into out, NUL-terminated, at most size - 1 bytes.
 * Returns false when there is no such call, the path does not fit, or
 * the literal uses an escape it does not decode (\N{...}, NUL).
 */
bool pth_addsitedir_path(const uint8_t *line, size_t len, char *out, size_t size,
			 size_t *outlen);

#endif
