/*
 * startfile: read a PEP 829 "NAME.start" file (CPython 3.15, Lib/site.py
 * on main; 3.15 was unreleased when this was written, so details may
 * still change).
 *
 * site reads the whole file, decodes it as utf-8-sig and splits it with
 * str.splitlines(). Each line is stripped; blank lines and lines starting
 * with '#' are skipped, and every other line is an entry point
 * "pkg.mod:callable" that site resolves with pkgutil.resolve_name(strict=
 * True) and calls with no arguments, after all .pth path lines are applied.
 * A file that does not decode is skipped whole, and then it does not
 * silence the import lines of the matching NAME.pth either.
 *
 * startfile_parse() allocates the entry array and every text in it (NUL-
 * terminated copies); startfile_free() releases them. Returns 0, -ENOMEM,
 * or -E2BIG past STARTFILE_MAX_ENTRIES; *out is empty on failure.
 */
#ifndef SITEHOUND_PYTHON_STARTFILE_H
#define SITEHOUND_PYTHON_STARTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries kept per file so a hostile file cannot exhaust memory. */
#define STARTFILE_MAX_ENTRIES (1u << 20)

struct start_entry {
	long line;  /* 1-based, counted as str.splitlines() counts */
	char *text; /* the stripped line */
	bool valid; /* "dotted.module:dotted.callable", which resolve_name accepts */
};

struct startfile {
	struct start_entry *entries;
	size_t count;
	bool decode_error; /* not UTF-8: site skips the file, count is 0 */
	bool has_nul;      /* some entry contains a NUL byte, and its text stops there */
};

__attribute__((warn_unused_result))
int startfile_parse(const uint8_t *buf, size_t len, struct startfile *out);
void startfile_free(struct startfile *s);

/*
 * Whether text matches pkgutil.resolve_name(strict=True): dotted words
 * that do not start with a digit, one ':', then dotted words again.
 */
bool startfile_entry_valid(const uint8_t *text, size_t len);

#endif
