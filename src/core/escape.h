/*
 * escape: render attacker-controlled bytes (paths, .pth lines) inert.
 *
 * The escaped form is printable UTF-8 with no control characters, so it is
 * safe on a terminal and inside JSON. It maps back to the original bytes
 * without ambiguity. A backslash becomes "\\", and the usual controls become
 * \n \r \t \f \v. Any other control byte, or byte that is not part of
 * valid UTF-8, becomes \xNN. Code points that reorder or hide text become
 * \uNNNN, or \UNNNNNNNN above U+FFFF: U+2028, U+2029, bidirectional
 * controls, zero-width and invisible characters, variation selectors, tag
 * characters, U+FEFF and C1 controls.
 */
#ifndef SITEHOUND_CORE_ESCAPE_H
#define SITEHOUND_CORE_ESCAPE_H

#include <stddef.h>

#include "core/strbuf.h"

/*
 * Appends the escaped form of s[0..len) to out. When out would grow past its
 * maximum, appends as much whole escaped text as fits, sets *truncated (if
 * not NULL) and returns 0; returns -ENOMEM on allocation failure.
 */
__attribute__((warn_unused_result))
int escape_bytes(struct strbuf *out, const void *s, size_t len, int *truncated);

#endif
