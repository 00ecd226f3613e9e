/*
 * pyvenv: read a virtual environment's pyvenv.cfg the way CPython does.
 *
 * Two readers in CPython look at this file. site.venv() (Lib/site.py,
 * 3.3+) opens it as UTF-8 text, and for each line containing '=' splits at
 * the first '=', strips the key with str.strip() and lower-cases it, and
 * strips the value; only "home" and "include-system-site-packages" change
 * what it does. Modules/getpath.py (3.11+) reads the first "home" line to
 * find the base interpreter's standard library.
 *
 * pyvenv_parse() allocates every string in *out (NUL-terminated copies of
 * the raw value bytes, which may be hostile); pyvenv_cfg_free() releases
 * them. It returns 0 or -ENOMEM and leaves *out empty on failure.
 */
#ifndef SITEHOUND_PYTHON_PYVENV_H
#define SITEHOUND_PYTHON_PYVENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Files of this size or more make getpath's readlines() raise
 * MemoryError, so 3.11+ interpreters fail to start (Modules/getpath.c,
 * getpath_readlines, 3.11-3.13).
 */
#define PYVENV_GETPATH_MAX_BYTES (32u * 1024)

struct pyvenv_cfg {
	/* First "home" value, which getpath.py uses; NULL when absent. */
	char *home;
	long home_line;
	long home_count;      /* how many "home" lines; site.py keeps the last */

	/*
	 * include-system-site-packages: true when the key is missing or its
	 * last value lower-cases to exactly "true"; any other value is false.
	 */
	bool system_site;
	bool system_site_set; /* the key is present */
	long system_site_line;

	/* From "version" (venv, uv), else "version_info" (virtualenv); NULL when absent. */
	char *version;
	long version_line;
	char *executable;     /* venv 3.11+: the base interpreter's sys.executable */
	long executable_line;
	char *command;        /* venv 3.11+: the command that created the environment */
	long command_line;
	char *prompt;
	long prompt_line;

	long bad_lines;       /* lines skipped because they hold a NUL byte */
	bool decode_error;    /* not UTF-8: site.venv() raises and start-up fails (3.x) */
	bool over_getpath_limit; /* at least PYVENV_GETPATH_MAX_BYTES long */
};

__attribute__((warn_unused_result))
int pyvenv_parse(const uint8_t *buf, size_t len, struct pyvenv_cfg *out);
void pyvenv_cfg_free(struct pyvenv_cfg *cfg);

#endif
