/*
 * version: which .pth rules a CPython release applies, by version.
 *
 * Versions are encoded like CPython's PY_VERSION_HEX: major << 24 |
 * minor << 16 | micro << 8 | level << 4 | serial, where level is 0xA
 * (alpha), 0xB (beta), 0xC (release candidate) or 0xF (final). An
 * interpreter whose exact release is unknown is a closed range [lo, hi].
 *
 * Sources for each rule are CPython's Lib/site.py at the release that
 * changed it; the table in version.c names them. No allocation.
 */
#ifndef SITEHOUND_PYTHON_VERSION_H
#define SITEHOUND_PYTHON_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PYVER(major, minor, micro) \
	(((uint32_t)(major) << 24) | ((uint32_t)(minor) << 16) | ((uint32_t)(micro) << 8) | 0xF0u)
#define PYVER_PRE(major, minor, micro, level, serial)                              \
	(((uint32_t)(major) << 24) | ((uint32_t)(minor) << 16) | ((uint32_t)(micro) << 8) | \
	 ((uint32_t)(level) << 4) | (uint32_t)(serial))
/* Every release sitehound models, for PATH arguments with no interpreter. */
#define PYVER_ANY_LO PYVER_PRE(2, 7, 0, 0xA, 0)
#define PYVER_ANY_HI 0x03FFFFFFu

#define PYVER_MAJOR(v) ((int)(((v) >> 24) & 0xFF))
#define PYVER_MINOR(v) ((int)(((v) >> 16) & 0xFF))
#define PYVER_MICRO(v) ((int)(((v) >> 8) & 0xFF))

/* The decoding that site.addpackage() applies to the bytes of a .pth file. */
enum pth_decode {
	/* 2.7: bytes, with no decoding step that could fail. */
	PTH_DECODE_BYTES,
	/*
	 * 3.0 to 3.12.3 and 3.13.0a1 to a6: a text stream in the locale
	 * encoding (modelled as UTF-8), decoded chunk by chunk while lines
	 * run. A BOM stays in line 1, and bad bytes abort start-up.
	 */
	PTH_DECODE_LOCALE_STREAM,
	/* 3.13.0b1: whole file as UTF-8 with the BOM kept; bad bytes abort. */
	PTH_DECODE_UTF8,
	/* 3.12.4+ and 3.13.0b2+: whole file as utf-8-sig; bad bytes abort. */
	PTH_DECODE_UTF8_SIG,
};

struct pth_rules {
	bool skip_hidden;      /* names starting with '.' are not read */
	bool split_all_breaks; /* str.splitlines(), not universal newlines */
	bool start_files;      /* PEP 829: a NAME.start silences NAME.pth imports */
	enum pth_decode decode;
};

/* Fills *rules with what release `version` does. */
void pth_rules_for(uint32_t version, struct pth_rules *rules);

/*
 * Stores in out[] each distinct rule set that some release in [lo, hi]
 * applies, with one example release per set in examples[] (may be NULL).
 * Returns how many were stored (at most max; the table has fewer than 16).
 */
size_t pth_rules_in_range(uint32_t lo, uint32_t hi, struct pth_rules *out,
			  uint32_t *examples, size_t max);

bool pth_rules_equal(const struct pth_rules *a, const struct pth_rules *b);

/*
 * Parses "3", "3.11", "3.11.7", "3.13.0b", "3.13.0b1" or "3.13.0rc2" into
 * a range. A missing minor or micro widens the range to every matching
 * release ("3.11" is 3.11.0a0 to 3.11.255), and a level without a serial
 * to every serial. "3.11.7" is the final release only, because CPython
 * spells a pre-release with its level ("3.13.0rc2") in sys.version.
 * Returns 0, or -EINVAL for text that is not a version.
 */
__attribute__((warn_unused_result))
int pyver_parse(const char *text, size_t len, uint32_t *lo, uint32_t *hi);

/*
 * Formats a version ("3.11.7", "3.13.0b1") into buf and returns buf.
 * 16 bytes always fit; a smaller buf that is too short gets "".
 */
char *pyver_format(uint32_t version, char *buf, size_t size);

#endif
