/*
 * jrow: reads one JSON row object straight into a struct event, validating
 * the whole text, without building a JSON tree.
 *
 * The result is the one that json_loadb(JSON_ALLOW_NUL) followed by
 * event_from_json() gives with jansson 2.14, for every input: the same
 * texts are rejected (invalid UTF-8, raw control bytes in strings, lone
 * UTF-16 surrogates, \u0000 in keys, integers outside long long, reals
 * that overflow a double, text after the object), the same columns are
 * filled with the same bytes, and the same table is chosen. That includes
 * streaming records whose "properties" object is the row, and duplicate
 * keys, where the last value of a key wins but keys are applied in the
 * order of their first occurrence, as a jansson object iterates.
 * fuzz/fuzz_jrow.c checks this equivalence against jansson itself.
 *
 * Memory: string values are decoded into the caller's scratch buffer,
 * which is reset and grown to len + 1 bytes on each call (decoded text is
 * never longer than its JSON form), so its maximum must be at least the
 * largest row. On success ev's string columns point into scratch and the
 * number columns into ev->number; they stay valid until the next call
 * with the same scratch or until scratch is freed. Nothing is allocated
 * except by scratch growth and, for an object that spells one column
 * name in more than JROW_SPELLINGS_INLINE different letter cases, a
 * temporary list of those spellings.
 *
 * Failures: -EINVAL for text that is not one valid JSON object, with
 * *error a static lowercase message and *error_offset the byte offset of
 * the fault; -E2BIG for nesting deeper than JDOC_DEPTH_MAX or a row longer
 * than the scratch maximum; -ENOMEM. ev is written only when 0 is
 * returned.
 */
#ifndef SITEHOUND_HUNT_JROW_H
#define SITEHOUND_HUNT_JROW_H

#include <stddef.h>

#include "core/strbuf.h"
#include "hunt/event.h"

/* jrow_read's result for a top-level object that the caller must split with jdoc. */
#define JROW_WRAPPER 1

/*
 * Different letter cases of one column name ("FileName", "filename") kept
 * without allocating, per object; more spellings go to a heap list.
 */
#define JROW_SPELLINGS_INLINE 8

/*
 * Reads a top-level JSON value: one row, or a streaming record whose
 * "properties" object is the row. Returns 0 (ev filled), JROW_WRAPPER (1)
 * when the object is a wrapper the caller must split with jdoc (its top
 * level has a "records", "Results"/"results" or "tables" key whose value
 * is an array, matched case-insensitively as jdoc does), or -EINVAL for
 * text that is not one valid JSON object (then *error is a short static
 * lowercase message and *error_offset the byte offset), or -E2BIG when
 * nesting passes JDOC_DEPTH_MAX. JROW_WRAPPER is returned as soon as the
 * wrapper's array starts, so the text after that point is not checked.
 */
__attribute__((warn_unused_result))
int jrow_read(const char *data, size_t len, struct event *ev, struct strbuf *scratch,
	      const char **error, size_t *error_offset);

/*
 * Reads a row element that jdoc has already split out of a wrapper. It is
 * jrow_read() without the wrapper test: an element that itself has a
 * "records" array is a row, as event_from_json() reads it. Never returns
 * JROW_WRAPPER.
 */
__attribute__((warn_unused_result))
int jrow_read_row(const char *data, size_t len, struct event *ev, struct strbuf *scratch,
		  const char **error, size_t *error_offset);

#endif
