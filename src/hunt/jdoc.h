/*
 * jdoc: splits a stream of JSON text into the row objects that Defender and
 * Log Analytics exports carry, without holding the whole document.
 *
 * The input is any sequence of top-level JSON values separated by
 * whitespace (one document, JSON Lines, or concatenated documents), fed in
 * pieces of any size. Each top-level value is classified by its keys:
 *   {"Schema": [...], "Results": [...], "Stats": {...}}  advanced hunting API
 *   {"schema": [...], "results": [...]}                  Microsoft Graph
 *   {"records": [...]}                                   Event Hub message
 *   {"tables": [{"name":..., "columns": [...], "rows": [[...], ...]}, ...]}
 *                                                        Log Analytics API
 *   [ value, value, ... ]        each element is handled as a top-level value
 *   any other object             one row (a plain row, or a storage record
 *                                with "category" and "properties")
 * Wrapper keys match case-insensitively after JSON unescaping, and only when
 * their value has the expected type. Elements are passed to the emit
 * callback whole, as exact bytes of the input, in input order. Nothing else
 * is kept, so memory is bounded by JDOC_ELEMENT_MAX whatever the input size.
 *
 * The splitter checks structure only (strings, escapes, brackets, commas and
 * colons at the levels it tracks); the caller parses each element. A
 * structural error is reported through the error callback with its line,
 * after which the splitter skips to the next line that starts a new
 * top-level value, so JSON Lines input loses only the broken line.
 *
 * Details of the rules above:
 * - The wrapper keys are "Results"/"results" and "records" (arrays of row
 *   objects) and "tables"; inside a table, "columns" and "rows". Other keys
 *   of a wrapper ("Schema", "Stats", "@odata.context") are skipped. A wrapper
 *   key whose value is not an array leaves its object a plain row, and so
 *   does a wrapper key nested below the top-level object.
 * - JDOC_COLUMNS and the JDOC_TABLE_ROW elements of one table come in input
 *   order, so a table that lists "rows" before "columns" delivers its rows
 *   first. JDOC_TABLE_END follows every table object.
 * - A value of the wrong type inside a wrapper array is reported and
 *   skipped: a number among the Results, a table that is not an object, a
 *   row that is not an array, or a top-level array element that is neither
 *   object nor array. Scanning goes on with the next element.
 * - An element larger than JDOC_ELEMENT_MAX is reported at its end with the
 *   line where it starts, and scanning goes on after it.
 * - A raw line feed inside a string is an error (RFC 8259 requires it to
 *   be escaped). Once a top-level value has started and ended on one line,
 *   the input is taken as JSON Lines: a line feed inside a top-level value
 *   is then an error too, so a one-line value may not be followed by a
 *   pretty-printed one.
 * - After an error, the next lines that start with '{' or '[' are read as
 *   top-level values, which in a broken pretty-printed document are often
 *   its inner rows. Further errors are not reported until a top-level value
 *   ends cleanly at the end of its line, so one break yields one or two
 *   messages rather than one per line.
 * - The error callback may be NULL. After emit returns a negative value,
 *   the only valid call is jdoc_free().
 */
#ifndef SITEHOUND_HUNT_JDOC_H
#define SITEHOUND_HUNT_JDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* One element larger than this is reported and skipped. */
#define JDOC_ELEMENT_MAX (16u * 1024 * 1024)
/* Nesting deeper than this inside one element is reported and skipped. */
#define JDOC_DEPTH_MAX 512
/* Arrays nested inside a top-level array, each handled as a top-level array. */
#define JDOC_TOP_ARRAYS_MAX 8
/* Tracked levels: the top-level arrays plus object, "tables", table, "rows". */
#define JDOC_FRAMES_MAX (JDOC_TOP_ARRAYS_MAX + 4)
/* Maximum key length compared against the wrapper names ("columns", "records"). */
#define JDOC_KEY_MAX 8

enum jdoc_kind {
	JDOC_ROW,       /* an object: a Results/results/records element or a plain row */
	JDOC_COLUMNS,   /* a Log Analytics table's "columns" array, whole */
	JDOC_TABLE_ROW, /* one array of a Log Analytics table's "rows" */
	JDOC_TABLE_END, /* the end of a Log Analytics table (data is empty) */
};

/*
 * Receives one element: data[0..len) is the element's text, line the
 * 1-based input line where it starts. A negative return stops jdoc_feed()
 * and is passed back to its caller. data points into the piece being fed
 * or into the splitter's buffer, and is valid only during the call.
 */
typedef int (*jdoc_emit_fn)(enum jdoc_kind kind, const char *data, size_t len,
			    long line, void *opaque);
/* Receives one structural error; message is static text. */
typedef void (*jdoc_error_fn)(long line, const char *message, void *opaque);

struct jdoc {
	jdoc_emit_fn emit;
	jdoc_error_fn error;
	void *opaque;
	long line;                 /* current 1-based input line */

	/* private state below */
	int state;                 /* scanner state, an enum in jdoc.c */
	bool lines_mode;           /* the input is taken as JSON Lines */
	bool quiet;                /* further errors are not reported */
	bool clean_value;          /* a top-level value ended since the last error */
	bool line_blank;           /* the line holds only whitespace up to this piece */
	long top_line;             /* line where the open top-level value starts */

	int frames;                /* levels tracked by key and position */
	unsigned char frame[JDOC_FRAMES_MAX];
	bool candidate;            /* the innermost object may still be a plain row */

	int depth;                 /* open brackets of the value being skipped */
	int depth_max;
	char closer[JDOC_DEPTH_MAX];

	char key[JDOC_KEY_MAX];    /* lowercased, unescaped start of the key */
	size_t key_len;            /* JDOC_KEY_MAX + 1 once the key is longer */
	bool key_other;            /* the key cannot match a wrapper name */
	unsigned key_code, key_digits; /* a \uXXXX escape being read */
	int key_match;

	bool capturing;            /* an element is being collected */
	bool oversize;             /* the element passed JDOC_ELEMENT_MAX */
	int element_kind;          /* kind of the nested element, or -1 */
	long element_line;
	const char *piece;         /* the piece being fed */
	const char *capture_from;  /* element bytes in the piece not yet copied */
	struct strbuf element;     /* element bytes from earlier pieces */
};

void jdoc_init(struct jdoc *d, jdoc_emit_fn emit, jdoc_error_fn error, void *opaque);
void jdoc_free(struct jdoc *d);
/* Scans buf[0..len). Returns 0, a negative value from emit, or -ENOMEM. */
__attribute__((warn_unused_result))
int jdoc_feed(struct jdoc *d, const char *buf, size_t len);
/*
 * Ends the input. A value left open (a truncated file) is reported through
 * the error callback. Returns 0 or a negative value from emit.
 */
__attribute__((warn_unused_result))
int jdoc_finish(struct jdoc *d);
/* True when no top-level value is open, so the next byte may start one. */
bool jdoc_at_top(const struct jdoc *d);

#endif
