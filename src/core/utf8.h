/*
 * utf8: strict UTF-8 decoding as Python's "utf-8" codec does it.
 *
 * Surrogates (U+D800..U+DFFF), overlong forms and code points past U+10FFFF
 * are invalid, as in CPython 3. No allocation, no failure paths.
 */
#ifndef SITEHOUND_CORE_UTF8_H
#define SITEHOUND_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point at s[0..len). Returns its length in bytes (1..4)
 * and stores the code point, or returns 0 when the bytes there are not a
 * valid UTF-8 sequence (or len is 0).
 */
size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);

/* Returns the offset of the first byte that breaks UTF-8, or len if valid. */
size_t utf8_first_invalid(const uint8_t *s, size_t len);

/*
 * Compares two byte strings as Python compares file names decoded with
 * surrogateescape: by code point, with each undecodable byte B standing
 * for U+DC00+B. Returns <0, 0 or >0 like strcmp.
 */
int utf8_compare_names(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#endif
