/*
 * libFuzzer target: csv_split() must return fields that lie inside the
 * record or inside the row's undoubled storage, and fail only with a
 * message. Its fields, quoted again, must split back into the same fields,
 * and a record without quotes must split into views that rebuild it.
 * csv_header_name() must return a view inside its cell, and
 * csv_quote_count() must match a plain byte count.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hunt/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
inside(const char *p, size_t len, const char *base, size_t base_len)
{
	return base && p >= base && len <= base_len && (size_t)(p - base) <= base_len - len;
}

static void
check_fields(const struct csv_row *row, const char *rec, size_t len)
{
	size_t i;

	if (row->nfields < 1 || row->nfields > CSV_FIELDS_MAX)
		abort();
	for (i = 0; i < row->nfields; i++) {
		const struct csv_field *f = &row->fields[i];

		if (!f->data)
			abort();
		if (!inside(f->data, f->len, rec, len) &&
		    !inside(f->data, f->len, row->unquoted.data, row->unquoted.len))
			abort();
	}
}

/* Writes the fields back as CSV, quoting every field, and a CRLF. */
static char *
requote(const struct csv_row *row, size_t *out_len)
{
	size_t cap = 3, n = 0, i, j;
	char *out;

	for (i = 0; i < row->nfields; i++)
		cap += 3 + 2 * row->fields[i].len;
	out = malloc(cap);
	if (!out)
		abort();
	for (i = 0; i < row->nfields; i++) {
		const struct csv_field *f = &row->fields[i];

		if (i > 0)
			out[n++] = ',';
		out[n++] = '"';
		for (j = 0; j < f->len; j++) {
			out[n++] = f->data[j];
			if (f->data[j] == '"')
				out[n++] = '"';
		}
		out[n++] = '"';
	}
	out[n++] = '\r';
	out[n++] = '\n';
	*out_len = n;
	return out;
}

static void
check_round_trip(const struct csv_row *row)
{
	static struct csv_row again;
	static bool ready;
	size_t len, i;
	char *text;

	if (!ready) {
		csv_row_init(&again);
		ready = true;
	}
	text = requote(row, &len);
	if (csv_split(&again, text, len) != 0)
		abort();
	if (again.nfields != row->nfields)
		abort();
	for (i = 0; i < row->nfields; i++) {
		if (again.fields[i].len != row->fields[i].len ||
		    memcmp(again.fields[i].data, row->fields[i].data, row->fields[i].len) != 0)
			abort();
	}
	free(text);
}

/* Without quotes, the fields joined by commas are the record less its line end. */
static void
check_plain_join(const struct csv_row *row, const char *rec, size_t len)
{
	size_t at = 0, i;

	if (len > 0 && rec[len - 1] == '\n')
		len--;
	if (len > 0 && rec[len - 1] == '\r')
		len--;
	for (i = 0; i < row->nfields; i++) {
		const struct csv_field *f = &row->fields[i];

		if (i > 0 && (at >= len || rec[at++] != ','))
			abort();
		if (f->data != rec + at || f->len > len - at)
			abort();
		at += f->len;
	}
	if (at != len)
		abort();
}

static void
check_header_names(const struct csv_row *row)
{
	size_t i;

	for (i = 0; i < row->nfields; i++) {
		struct csv_field name = csv_header_name(row->fields[i]);

		if (!inside(name.data, name.len, row->fields[i].data, row->fields[i].len))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct csv_row row;
	static bool ready;
	const char *rec = (const char *)data;
	size_t quotes = 0, i;
	int rc;

	if (!ready) {
		csv_row_init(&row);
		ready = true;
	}

	for (i = 0; i < size; i++)
		quotes += data[i] == '"';
	if (csv_quote_count(rec, size) != quotes)
		abort();

	rc = csv_split(&row, rec, size);
	if (rc != 0) {
		if (rc != -EINVAL && rc != -E2BIG && rc != -ENOMEM)
			abort();
		if (!row.error || row.nfields != 0)
			abort();
		if (rc == -E2BIG && size < CSV_FIELDS_MAX)
			abort(); /* 1025 fields need at least 1024 commas */
		return 0;
	}
	if (row.error)
		abort();
	check_fields(&row, rec, size);
	if (quotes == 0)
		check_plain_join(&row, rec, size);
	check_header_names(&row);
	check_round_trip(&row);
	return 0;
}
