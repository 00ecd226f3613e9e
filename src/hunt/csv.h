/*
 * csv: RFC 4180 fields of one CSV record, as Defender advanced hunting and
 * the Log Analytics portal export them.
 *
 * Record boundaries are not found here: a record ends at a newline that
 * follows an even number of double quotes since the record began (see
 * csv_quote_count), which is also how the parallel reader splits a file.
 * A struct csv_row owns the unquoted copies of fields that contained
 * doubled quotes; csv_row_free() releases them. That storage is reset, not
 * freed, by each csv_split(), and is capped at 16 MiB per record. Field
 * views point either into the record passed in or into the row's storage,
 * and stay valid until the next csv_split() on that row.
 */
#ifndef SITEHOUND_HUNT_CSV_H
#define SITEHOUND_HUNT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* More fields than any Defender table has (about 80); more is an error. */
#define CSV_FIELDS_MAX 1024

struct csv_field {
	const char *data;
	size_t len;
};

struct csv_row {
	struct csv_field fields[CSV_FIELDS_MAX];
	size_t nfields;
	struct strbuf unquoted; /* storage for fields whose quotes were undoubled */
	const char *error;      /* static text describing the last failure */
};

void csv_row_init(struct csv_row *row);
void csv_row_free(struct csv_row *row);

/*
 * Splits rec[0..len) into fields. A trailing "\n" or "\r\n" is ignored.
 * Fields are separated by commas; a field that starts with '"' is quoted,
 * ends at the next single '"', and "" inside it stands for one quote; it may
 * contain commas, CR and LF. A quote inside an unquoted field is a literal
 * character. A lone trailing "\r" is dropped as well, and any other byte,
 * NUL and invalid UTF-8 included, is kept as it is.
 * Returns 0, -EINVAL for a malformed record (a quote left open, text after
 * a closing quote), -E2BIG past
 * CSV_FIELDS_MAX fields or past 16 MiB of undoubled text, or -ENOMEM.
 * On failure row->error is set and row->nfields is 0. An empty record has
 * one empty field. A UTF-8 byte order mark is an ordinary byte here, so the
 * caller strips one from the start of a file before splitting, because a
 * BOM followed by a quoted cell would make that quote literal.
 */
__attribute__((warn_unused_result))
int csv_split(struct csv_row *row, const char *rec, size_t len);

/*
 * Normalises a header cell without copying it (returns the narrowed view):
 * strips a leading UTF-8 byte order mark, surrounding spaces and tabs, and
 * a trailing " [UTC]" or " [Local Time]" suffix that the Log Analytics
 * portal appends to datetime columns.
 */
struct csv_field csv_header_name(struct csv_field cell);

/* Returns the number of '"' bytes in buf[0..len): its parity toggles quoting. */
size_t csv_quote_count(const char *buf, size_t len);

#endif
