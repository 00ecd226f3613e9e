/*
 * pyc: read the header of a CPython byte-code file and list the strings
 * its code objects carry, so a cached .pyc can be checked against its .py
 * without running or compiling either.
 *
 * Header layouts, from Lib/importlib/_bootstrap_external.py of each release:
 *   2.7, 3.0-3.2          magic, source mtime                     8 bytes
 *   3.3-3.6, 3.7a1-a3     magic, source mtime, source size        12 bytes
 *   3.7a4+ (PEP 552)      magic, flags, mtime+size or hash        16 bytes
 * Every field is a little-endian uint32, and the magic ends in "\r\n".
 *
 * pyc_parse_header() allocates nothing. pyc_collect_strings() and
 * pyc_strings_missing_from_source() allocate *out (free it with
 * pyc_strings_free()). They return 0, -EINVAL for a stream that is not
 * valid marshal data, -E2BIG when a PYC_MAX_* cap is reached, or -ENOMEM;
 * *out is empty on failure.
 */
#ifndef SITEHOUND_PYTHON_PYC_H
#define SITEHOUND_PYTHON_PYC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting of marshal objects; CPython allows 2000, real modules need far fewer. */
#define PYC_MAX_DEPTH 200
/* Marshal objects per file; an object takes at least one byte of the stream. */
#define PYC_MAX_OBJECTS (4u * 1024 * 1024)
/* Marshal stream size; the largest pyc of the 3.13 standard library is 811433 bytes. */
#define PYC_MAX_STREAM (64u * 1024 * 1024)
/* Distinct strings collected; more sets truncated. */
#define PYC_MAX_STRINGS (256u * 1024)
/* Bytes of collected strings in total; more sets truncated. */
#define PYC_MAX_STRING_BYTES (32u * 1024 * 1024)

enum pyc_validation {
	PYC_TIMESTAMP,      /* checked against the source's mtime (and size from 3.3) */
	PYC_HASH_CHECKED,   /* flags 0x3: checked against the source's SipHash */
	PYC_HASH_UNCHECKED, /* flags 0x1: never checked by default */
};

struct pyc_info {
	uint32_t magic;          /* the first four bytes, little-endian */
	uint32_t ver_lo, ver_hi; /* releases that write this magic (PYVER encoding, python/version.h) */
	bool magic_known;        /* listed in CPython's table; otherwise the range is a guess */
	enum pyc_validation validation;
	uint32_t flags;          /* PEP 552 flags word; 0 before 3.7 */
	uint32_t source_mtime;   /* timestamp pycs */
	uint32_t source_size;    /* timestamp pycs from 3.3: size & 0xFFFFFFFF */
	bool has_source_size;
	uint8_t source_hash[8];  /* hash-based pycs */
	size_t header_len;       /* where the marshal stream starts */
};

/*
 * Parses the header. Returns 0, or -EINVAL when buf is too short for its
 * layout, the magic does not end in "\r\n" or is of no known layout, or the
 * flags word has bits other than 0x3 (importlib rejects such files).
 */
__attribute__((warn_unused_result))
int pyc_parse_header(const uint8_t *buf, size_t len, struct pyc_info *out);

/* Release range for a magic number; false when the table lacks it. */
bool pyc_magic_lookup(uint32_t magic, uint32_t *ver_lo, uint32_t *ver_hi);

struct pyc_strings {
	char **items;   /* NUL-terminated copies of the raw bytes */
	size_t *lens;   /* byte lengths; an item may hold NUL bytes */
	size_t count;
	bool truncated; /* a PYC_MAX_STRINGS or PYC_MAX_STRING_BYTES cap was reached */
};

/*
 * Walks the marshal stream after info->header_len and collects, once each,
 * every str and bytes object of the code objects: constants (also inside
 * tuples and frozensets), names, local variable names, and code names.
 * Left out are co_filename and the byte-code, line-table and
 * exception-table bytes.
 */
__attribute__((warn_unused_result))
int pyc_collect_strings(const uint8_t *buf, size_t len, const struct pyc_info *info,
			struct pyc_strings *out);

void pyc_strings_free(struct pyc_strings *s);

/*
 * Stores in *missing the strings of s that the source text does not
 * account for. A string is accounted for when it is a substring of src,
 * or of src with adjacent string literals joined ("ab" "cd", "ab" + "cd").
 * A mangled private name "_Class__attr" is accounted for when "Class" and
 * "__attr" both are. Any other string is accounted for when each of its
 * ASCII words (runs of letters, digits and '_') is, or is a repeated unit
 * that is ("ab" * 40). This covers escapes, qualified names and the
 * docstrings that 3.13 dedents.
 *
 * Skipped as compiler-made: the empty string, strings starting with '<'
 * ("<module>", "<lambda>", "<genexpr>") or '.' (".0", ".type_params"),
 * dunder names ("__name__", "__qualname__", "__classcell__"), the
 * "<locals>" parts of qualified names, "return" (the key of a return
 * annotation), and "AssertionError" and "StopAsyncIteration", which
 * 3.6-3.8 load by name for assert and async for.
 * NOTE: constants the compiler folds from expressions ("0" + "1" * 9)
 * and words spelled with escapes ("\x41BC") are reported as missing.
 */
__attribute__((warn_unused_result))
int pyc_strings_missing_from_source(const struct pyc_strings *s, const uint8_t *src,
				    size_t srclen, struct pyc_strings *missing);

#endif
