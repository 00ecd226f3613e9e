/*
 * pytext: the parts of Python's str methods that the startup-file readers
 * need, applied to UTF-8 bytes without decoding them into a copy.
 *
 * Bytes that are not valid UTF-8 are never whitespace, which matches a
 * file decoded with surrogateescape. No allocation, no failure paths.
 */
#ifndef SITEHOUND_PYTHON_PYTEXT_H
#define SITEHOUND_PYTHON_PYTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether str.isspace() is true for the code point (CPython 3.x tables). */
bool py_is_space(uint32_t cp);

/* Narrows [*s, *s + *len) the way str.strip() with no argument does. */
void py_strip(const uint8_t **s, size_t *len);

/*
 * Splits like str.splitlines(): returns the length of the line starting at
 * s (without its break) and stores in *next the offset just past the break.
 * Breaks are \n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029.
 */
size_t py_splitlines_next(const uint8_t *s, size_t len, size_t *next);

/*
 * Copies Python source src[0..len) to out (len bytes of room) without its
 * comments: a '#' outside string literals drops the rest of its line, the
 * line break stays. String literals, single, triple-quoted and with any
 * prefix, are copied whole, and f-string replacement fields are read as
 * code (PEP 701, 3.12: they may hold comments and the same quotes).
 * Nesting deeper than 64 levels is dropped. Returns the length written.
 */
size_t py_strip_comments(const uint8_t *src, size_t len, uint8_t *out);

#endif
