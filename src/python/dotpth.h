/*
 * dotpth: read a "._pth" file, which replaces sys.path wholesale.
 *
 * CPython looks for "<basename>._pth" beside the runtime library and the
 * executable: on Windows from 3.6 (PC/getpathp.c), on every platform from
 * 3.11 (Modules/getpath.py). Its presence turns on isolated mode and turns
 * off site unless a line is exactly "import site".
 *
 * dotpth_parse() allocates the entry array and every text in it (NUL-
 * terminated copies); dotpth_free() releases them. Returns 0, -ENOMEM, or
 * -E2BIG past DOTPTH_MAX_ENTRIES; *out is empty on failure.
 */
#ifndef SITEHOUND_PYTHON_DOTPTH_H
#define SITEHOUND_PYTHON_DOTPTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * getpath's readlines() raises MemoryError for files of 32 KiB or more,
 * and start-up fails (Modules/getpath.c, 3.11-3.13).
 */
#define DOTPTH_GETPATH_MAX_BYTES (32u * 1024)

/* A 32 KiB file cannot hold more non-empty lines than this. */
#define DOTPTH_MAX_ENTRIES (16u * 1024)

enum dotpth_entry_kind {
	DOTPTH_PATH,         /* joined to the file's directory and put on sys.path */
	DOTPTH_IMPORT_SITE,  /* exactly "import site": site runs as usual */
	DOTPTH_IMPORT_OTHER, /* other "import " line: a warning (3.11+) or fatal (Windows <= 3.10) */
};

struct dotpth_entry {
	enum dotpth_entry_kind kind;
	long line;  /* 1-based */
	char *text; /* the line with its comment removed, stripped */
};

struct dotpth {
	struct dotpth_entry *entries;
	size_t count;
	bool import_site;       /* some line enables site */
	bool bad_bytes;         /* has a NUL, or is not UTF-8; the text is kept raw */
	bool truncated_at_nul;  /* getpath stops reading at the first NUL byte */
	bool over_getpath_limit; /* at least DOTPTH_GETPATH_MAX_BYTES: 3.11+ fails to start */
};

__attribute__((warn_unused_result))
int dotpth_parse(const uint8_t *buf, size_t len, struct dotpth *out);
void dotpth_free(struct dotpth *p);

#endif
