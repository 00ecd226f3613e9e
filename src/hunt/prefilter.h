/*
 * prefilter: throws records out before they are parsed.
 *
 * A record survives when it contains, ignoring ASCII case, one of the
 * byte strings that every row either detection rule can match must
 * contain: ".pth" or "_pth" (.pth and ._pth files), "customize"
 * (sitecustomize and usercustomize in every form), "site.py" and
 * "site.cpython" (site.py and its byte code), "python" followed by the
 * name of a start-up variable or by "core" (registry values and keys).
 * In JSON text a \uXXXX escape of an ASCII letter, '.' or '_' could spell
 * part of any of these, so a record with one survives too. The test can only keep too much, never too little,
 * and needs no knowledge of the format beyond that.
 *
 * The scanner finds such records in a buffer of many records with AVX2
 * where the processor has it, counting lines and records on the way.
 */
#ifndef SITEHOUND_HUNT_PREFILTER_H
#define SITEHOUND_HUNT_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes past the end of a scanned buffer that must be readable and zero. */
#define PREFILTER_PAD 64

/*
 * The quoting state of a CSV scan, as csv_split() reads quotes. Inside
 * quotes every quote toggles: it closes the field, or, doubled, closes and
 * at once reopens it. Outside quotes a quote opens a field only at its
 * start (after a comma, a line feed or the start of the buffer) or right after
 * a closing quote; elsewhere it is a literal character.
 */
struct csv_quote_state {
	bool quoted;
	size_t after_close;     /* offset just past the last closing quote, or 0 */
};

/* Applies the quote at buf[i] to *state; returns true when it toggled. */
bool prefilter_csv_quote(const char *buf, size_t i, struct csv_quote_state *state);

/* True when rec[0..len) may hold a matching row. */
bool prefilter_record(const char *rec, size_t len, bool json);

struct prefilter_scan {
	bool csv;               /* records end only at newlines outside quotes (see
				   struct csv_quote_state) */
	bool json;              /* \u escapes make a record survive */
	long lines;             /* newlines before the next unscanned record */
	unsigned long records;  /* records before the next unscanned record */
};

/*
 * Receives one surviving record rec[0..len) without its line end. line is
 * the 1-based line where it starts, record its 1-based record number.
 * A negative return stops the scan and is passed back.
 */
typedef int (*prefilter_fn)(const char *rec, size_t len, long line,
			    unsigned long record, void *opaque);

/*
 * Scans buf[0..len), which starts at a record boundary; buf[len ..
 * len + PREFILTER_PAD) must be readable and zero. Calls fn for each
 * complete surviving record, in order. Returns the offset just past the
 * last complete record (the rest is an unfinished record for the next
 * call), or a negative value from fn. scan->lines and scan->records count
 * up to that offset.
 */
__attribute__((warn_unused_result))
long prefilter_scan_buffer(struct prefilter_scan *scan, const char *buf, size_t len,
			   prefilter_fn fn, void *opaque);

#endif
