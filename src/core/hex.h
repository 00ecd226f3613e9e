/*
 * hex: hexadecimal digits, for JSON \uXXXX escapes and printed digests.
 * No allocation, no failure paths beyond the -1 results below.
 */
#ifndef SITEHOUND_CORE_HEX_H
#define SITEHOUND_CORE_HEX_H

#include <stdbool.h>
#include <stddef.h>

/* Returns the value of one hex digit (either case), or -1 for any other byte. */
int hex_digit(unsigned char c);

/* Returns the value of the four hex digits at p (a \uXXXX escape's), or -1. */
int hex_uint16(const char *p);

/* Decodes 2 * n hex digits of text into out[0..n); false when one is not a digit. */
bool hex_decode(const char *text, size_t n, unsigned char *out);

#endif
