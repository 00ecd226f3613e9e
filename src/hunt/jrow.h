/*
 * jrow: reads one JSON row object straight into a struct event, checking
 * the whole text but building no JSON tree.
 *
 * For every input the result equals that of json_loadb(JSON_ALLOW_NUL)
 * followed by event_from_json() with jansson 2.14. The same texts are
 * rejected: invalid UTF-8, raw control bytes in strings, unpaired UTF-16
 * surrogates, \u0000 in keys, integers outside long long, reals that
 * overflow a double and text after the object. The same columns get the
 * same bytes, and the same table is chosen. That covers streaming records
 * whose "properties" object is the row, and duplicate keys: a key's last
 * value wins, but keys are applied in the order of their first occurrence,
 * because that is how a jansson object iterates. fuzz/fuzz_jrow.c checks
 * this against jansson itself. The one difference is nesting: jrow stops at
 * JDOC_DEPTH_MAX levels, where jansson allows 2048.
 *
 * Memory: each call resets the caller's scratch buffer and grows it to
 * len + 1 bytes, because decoded text is never longer than its JSON form.
 * Its maximum must therefore be at least the longest row. On success the
 * string columns of ev point into scratch and the integer columns into
 * ev->number. They stay valid until the next call with the same scratch.
 * Nothing else is allocated, except a temporary list when one object
 * spells a column name in more than JROW_SPELLINGS_INLINE letter cases.
 * Calls in different threads are safe when each uses its own scratch.
 *
 * Failures: -EINVAL for text that is not one valid JSON object, -E2BIG
 * for nesting deeper than JDOC_DEPTH_MAX or a row longer than the scratch
 * maximum, -ENOMEM. *error is then a static lowercase message and
 * *error_offset the byte offset of the fault (either pointer may be NULL).
 * ev is written only when 0 is returned.
 */
#ifndef SITEHOUND_HUNT_JROW_H
#define SITEHOUND_HUNT_JROW_H

#include <stddef.h>

#include "core/strbuf.h"
#include "hunt/event.h"

/* jrow_read's result for a top-level object that the caller must split with jdoc. */
#define JROW_WRAPPER 1

/*
 * Letter cases of column names ("FileName", "filename") that one object
 * may use beyond the first spelling of each name without an allocation.
 */
#define JROW_SPELLINGS_INLINE 8

/*
 * Reads a top-level JSON value: one row, or a streaming record whose
 * "properties" object is the row. Returns 0 with ev filled, or a negative
 * errno as described above. Returns JROW_WRAPPER (1) when the object is a
 * wrapper that the caller must split with jdoc: its top level has a
 * "records", "Results"/"results" or "tables" key whose value is an array,
 * matched case-insensitively as jdoc does. That result comes as soon as
 * the wrapper's array starts, so the text after that point is not checked.
 */
__attribute__((warn_unused_result))
int jrow_read(const char *data, size_t len, struct event *ev, struct strbuf *scratch,
	      const char **error, size_t *error_offset);

/*
 * Reads a row element that jdoc has already split out of a wrapper. This
 * is jrow_read() without the wrapper test, so an element that has a
 * "records" array of its own is still a row, as event_from_json() reads
 * it. Never returns JROW_WRAPPER.
 */
__attribute__((warn_unused_result))
int jrow_read_row(const char *data, size_t len, struct event *ev, struct strbuf *scratch,
		  const char **error, size_t *error_offset);

#endif
