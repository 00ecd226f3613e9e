/*
 * Unit tests for hunt/csv: RFC 4180 field splitting, its error cases and
 * limits, header cell names from Defender and Log Analytics exports, and a
 * cross-check against the CSV that CPython's csv module writes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hunt/csv.h"

/* Field lists in the tables below end at the first NULL. */
#define CASE_FIELDS_MAX 8

struct split_case {
	const char *name;
	const char *rec;
	size_t len; /* 0 means strlen(rec) */
	const char *fields[CASE_FIELDS_MAX];
};

static const struct split_case split_cases[] = {
	{ "mixed quoting", "a,\"b,c\",\"d\"\"e\",", 0, { "a", "b,c", "d\"e", "" } },
	{ "one quoted field", "\"x\"", 0, { "x" } },
	{ "plain fields", "a,bc,def", 0, { "a", "bc", "def" } },
	{ "empty record", "", 0, { "" } },
	{ "only LF", "\n", 0, { "" } },
	{ "only CRLF", "\r\n", 0, { "" } },
	{ "only CR", "\r", 0, { "" } },
	{ "one comma", ",", 0, { "", "" } },
	{ "empty cells", "a,,b,", 0, { "a", "", "b", "" } },
	{ "empty quoted", "\"\"", 0, { "" } },
	{ "empty quoted pair", "\"\",\"\"", 0, { "", "" } },
	{ "one doubled quote", "\"\"\"\"", 0, { "\"" } },
	{ "quoted quotes around", "\"\"\"MsMpEng.exe\"\"\"", 0, { "\"MsMpEng.exe\"" } },
	{ "several doubled", "\"a\"\"b\"\"c\",x,\"\"\"\"", 0, { "a\"b\"c", "x", "\"" } },
	{ "trailing LF", "a,b\n", 0, { "a", "b" } },
	{ "trailing CRLF", "a,b\r\n", 0, { "a", "b" } },
	{ "trailing lone CR", "a,b\r", 0, { "a", "b" } },
	{ "quoted CRLF kept", "\"x\r\ny\",z\r\n", 0, { "x\r\ny", "z" } },
	{ "quoted LF kept", "\"x\ny\"", 0, { "x\ny" } },
	{ "quoted CRLF at end", "\"x\r\n\"\r\n", 0, { "x\r\n" } },
	{ "quoted trailing CR", "\"x\r\"", 0, { "x\r" } },
	{ "only one break dropped", "a\r\r\n", 0, { "a\r" } },
	{ "empty last after LF", "a,\n", 0, { "a", "" } },
	{ "quoted empty last", "a,\"\"\r\n", 0, { "a", "" } },
	{ "spaces kept", " a , b ", 0, { " a ", " b " } },
	{ "quoted commas only", "\",,,\"", 0, { ",,," } },
	{ "json cell",
	  "x,\"{\"\"Key\"\":\"\"Value, 1\"\",\"\"N\"\":2}\",y", 0,
	  { "x", "{\"Key\":\"Value, 1\",\"N\":2}", "y" } },
	{ "invalid utf8", "\xff\xfe,\"\xc3\"", 0, { "\xff\xfe", "\xc3" } },
	/* A quote that does not follow a comma is a literal character. */
	{ "quote inside", "ab\"c", 0, { "ab\"c" } },
	{ "quote at end", "ab\"", 0, { "ab\"" } },
	{ "space before quote", " \"a\"", 0, { " \"a\"" } },
	{ "quote in later field", "a,\"b\",c\"d", 0, { "a", "b", "c\"d" } },
	{ "literal then quoted", "a\"b,\"c,d\"", 0, { "a\"b", "c,d" } },
};

struct error_case {
	const char *name;
	const char *rec;
	int rc;
	const char *error;
};

static const struct error_case error_cases[] = {
	{ "open quote", "\"abc", -EINVAL, "quote left open at end of record" },
	{ "open quote LF", "\"abc\n", -EINVAL, "quote left open at end of record" },
	{ "lone quote", "\"", -EINVAL, "quote left open at end of record" },
	{ "doubled then open", "\"a\"\"", -EINVAL, "quote left open at end of record" },
	{ "open in later field", "a,\"b", -EINVAL, "quote left open at end of record" },
	{ "text after close", "\"a\"b", -EINVAL, "text after closing quote" },
	{ "space after close", "\"a\" ,b", -EINVAL, "text after closing quote" },
	{ "three quotes then text", "\"a\"\"\"b", -EINVAL, "text after closing quote" },
};

static void
assert_fields(const struct csv_row *row, const char *const *expected, size_t n)
{
	size_t i;

	assert_int_equal(row->nfields, n);
	for (i = 0; i < n; i++) {
		size_t len = strlen(expected[i]);

		assert_int_equal(row->fields[i].len, len);
		assert_memory_equal(row->fields[i].data, expected[i], len);
	}
}

static size_t
count_fields(const char *const *fields)
{
	size_t n = 0;

	while (n < CASE_FIELDS_MAX && fields[n])
		n++;
	return n;
}

static struct csv_row *
new_row(void)
{
	struct csv_row *row = malloc(sizeof(*row));

	assert_non_null(row);
	csv_row_init(row);
	return row;
}

static void
free_row(struct csv_row *row)
{
	csv_row_free(row);
	free(row);
}

static void
test_split_table(void **state)
{
	struct csv_row *row = new_row();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		size_t len = c->len ? c->len : strlen(c->rec);

		print_message("case: %s\n", c->name);
		assert_int_equal(csv_split(row, c->rec, len), 0);
		assert_null(row->error);
		assert_fields(row, c->fields, count_fields(c->fields));
	}
	free_row(row);
}

static void
test_split_errors(void **state)
{
	struct csv_row *row = new_row();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];

		print_message("case: %s\n", c->name);
		assert_int_equal(csv_split(row, c->rec, strlen(c->rec)), c->rc);
		assert_non_null(row->error);
		assert_string_equal(row->error, c->error);
		assert_int_equal(row->nfields, 0);
	}
	free_row(row);
}

static void
test_split_clears_error(void **state)
{
	struct csv_row *row = new_row();

	(void)state;
	assert_int_equal(csv_split(row, "\"a", 2), -EINVAL);
	assert_non_null(row->error);
	assert_int_equal(csv_split(row, "a", 1), 0);
	assert_null(row->error);
	assert_int_equal(row->nfields, 1);
	free_row(row);
}

/*
 * Records without quotes, 0 to 40 bytes, from bytes that differ from ','
 * in one bit (0xac, 0x2d, 0x6c, 0x0c) mixed with commas, so commas fall at
 * every offset within and across 8-byte words. Each must split exactly
 * where a byte-by-byte search finds commas.
 */
static void
test_split_plain_offsets(void **state)
{
	static const char alphabet[] = { ',', 'a', '\xac', '\x2d', '\x6c', '\x0c', '\xff', ',' };
	struct csv_row *row = new_row();
	uint32_t seed = 1;
	char rec[40];
	size_t len, round, i, field, start;

	(void)state;
	for (round = 0; round < 2000; round++) {
		len = round % (sizeof(rec) + 1);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			rec[i] = alphabet[(seed >> 16) % sizeof(alphabet)];
		}

		assert_int_equal(csv_split(row, rec, len), 0);
		field = 0;
		start = 0;
		for (i = 0; i <= len; i++) {
			if (i < len && rec[i] != ',')
				continue;
			assert_true(field < row->nfields);
			assert_ptr_equal(row->fields[field].data, rec + start);
			assert_int_equal(row->fields[field].len, i - start);
			field++;
			start = i + 1;
		}
		assert_int_equal(row->nfields, field);
	}
	free_row(row);
}

static void
test_split_views_into_record(void **state)
{
	static const char rec[] = "ab,\"c,d\",,\"e\"\"f\"\r\n";
	struct csv_row *row = new_row();

	(void)state;
	assert_int_equal(csv_split(row, rec, sizeof(rec) - 1), 0);
	assert_int_equal(row->nfields, 4);
	assert_ptr_equal(row->fields[0].data, rec);
	assert_ptr_equal(row->fields[1].data, rec + 4);
	assert_ptr_equal(row->fields[2].data, rec + 9);
	/* Only the field with a doubled quote is copied. */
	assert_ptr_equal(row->fields[3].data, row->unquoted.data);
	assert_int_equal(row->unquoted.len, 3);
	free_row(row);
}

static void
test_split_nul_bytes(void **state)
{
	static const char rec[] = "a\0b,\"\0\"\"\0\",\0";
	struct csv_row *row = new_row();

	(void)state;
	assert_int_equal(csv_split(row, rec, sizeof(rec) - 1), 0);
	assert_int_equal(row->nfields, 3);
	assert_int_equal(row->fields[0].len, 3);
	assert_memory_equal(row->fields[0].data, "a\0b", 3);
	assert_int_equal(row->fields[1].len, 3);
	assert_memory_equal(row->fields[1].data, "\0\"\0", 3);
	assert_int_equal(row->fields[2].len, 1);
	assert_memory_equal(row->fields[2].data, "\0", 1);
	free_row(row);
}

static void
test_split_null_empty(void **state)
{
	struct csv_row *row = new_row();

	(void)state;
	assert_int_equal(csv_split(row, NULL, 0), 0);
	assert_int_equal(row->nfields, 1);
	assert_int_equal(row->fields[0].len, 0);
	assert_int_equal(csv_split(row, NULL, 1), -EINVAL);
	assert_non_null(row->error);
	free_row(row);
}

/* Builds a record of n empty fields: n - 1 commas and a trailing CRLF. */
static char *
commas(size_t n, size_t *len)
{
	char *rec = malloc(n + 2);

	assert_non_null(rec);
	memset(rec, ',', n - 1);
	memcpy(rec + n - 1, "\r\n", 2);
	*len = n + 1;
	return rec;
}

static void
test_split_field_limit(void **state)
{
	struct csv_row *row = new_row();
	size_t len;
	char *rec;

	(void)state;
	rec = commas(CSV_FIELDS_MAX, &len);
	assert_int_equal(csv_split(row, rec, len), 0);
	assert_int_equal(row->nfields, CSV_FIELDS_MAX);
	free(rec);

	rec = commas(CSV_FIELDS_MAX + 1, &len);
	assert_int_equal(csv_split(row, rec, len), -E2BIG);
	assert_non_null(row->error);
	assert_string_equal(row->error, "more than 1024 fields in record");
	assert_int_equal(row->nfields, 0);
	free(rec);
	free_row(row);
}

/* Writes a quoted field of width fill bytes, a doubled quote and width more, then a comma. */
static size_t
put_doubled_field(char *out, size_t width, char fill)
{
	size_t n = 0;

	out[n++] = '"';
	memset(out + n, fill, width);
	n += width;
	out[n++] = '"';
	out[n++] = '"';
	memset(out + n, fill, width);
	n += width;
	out[n++] = '"';
	out[n++] = ',';
	return n;
}

/*
 * Several long fields with doubled quotes grow the row's storage while
 * the record is split; every field must still see its own text.
 */
static void
test_split_storage_growth(void **state)
{
	enum { WIDTH = 5000, FIELDS = 6 };
	struct csv_row *row = new_row();
	char *rec = malloc(FIELDS * (2 * WIDTH + 7));
	char *expected = malloc(2 * WIDTH + 1);
	size_t len = 0, i;

	(void)state;
	assert_non_null(rec);
	assert_non_null(expected);
	for (i = 0; i < FIELDS; i++) {
		len += put_doubled_field(rec + len, WIDTH, (char)('a' + i));
		rec[len++] = 'p';
		rec[len++] = ',';
	}
	len--; /* the last comma */

	assert_int_equal(csv_split(row, rec, len), 0);
	assert_int_equal(row->nfields, 2 * FIELDS);
	for (i = 0; i < FIELDS; i++) {
		const struct csv_field *f = &row->fields[2 * i];

		memset(expected, 'a' + (int)i, WIDTH);
		expected[WIDTH] = '"';
		memset(expected + WIDTH + 1, 'a' + (int)i, WIDTH);
		assert_int_equal(f->len, 2 * WIDTH + 1);
		assert_memory_equal(f->data, expected, 2 * WIDTH + 1);
		assert_true(f->data >= row->unquoted.data);
		assert_true(f->data + f->len <= row->unquoted.data + row->unquoted.len);
		assert_int_equal(row->fields[2 * i + 1].len, 1);
		assert_memory_equal(row->fields[2 * i + 1].data, "p", 1);
	}
	free(expected);
	free(rec);
	free_row(row);
}

static void
test_split_reuses_storage(void **state)
{
	static const char big[] = "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\"\"";
	static const char small[] = "\"b\"\"\",c";
	struct csv_row *row = new_row();
	const char *storage;
	size_t cap;

	(void)state;
	assert_int_equal(csv_split(row, big, sizeof(big) - 1), 0);
	storage = row->unquoted.data;
	cap = row->unquoted.cap;
	assert_non_null(storage);

	assert_int_equal(csv_split(row, small, sizeof(small) - 1), 0);
	assert_ptr_equal(row->unquoted.data, storage);
	assert_int_equal(row->unquoted.cap, cap);
	assert_int_equal(row->unquoted.len, 2);
	assert_int_equal(row->fields[0].len, 2);
	assert_memory_equal(row->fields[0].data, "b\"", 2);

	assert_int_equal(csv_split(row, "x,y", 3), 0);
	assert_ptr_equal(row->unquoted.data, storage);
	assert_int_equal(row->unquoted.len, 0);
	free_row(row);
}

static void
test_split_storage_cap(void **state)
{
	struct csv_row *row = new_row();

	(void)state;
	assert_true(row->unquoted.max > 0);
	/* A tiny cap replaces the 16 MiB one so the test stays small. */
	row->unquoted.max = 4;
	assert_int_equal(csv_split(row, "\"ab\"\"c\"", 7), 0);
	assert_int_equal(csv_split(row, "\"ab\"\"cd\"", 8), -E2BIG);
	assert_non_null(row->error);
	assert_int_equal(row->nfields, 0);
	free_row(row);
}

static void
test_split_defender_record(void **state)
{
	static const char header[] =
		"Timestamp,DeviceId,DeviceName,ActionType,FileName,FolderPath,"
		"InitiatingProcessAccountName,InitiatingProcessCommandLine,AdditionalFields\r\n";
	static const char rec[] =
		"2023-10-18T14:37:28.2012261Z,0a1b2c,host1.contoso.com,FileCreated,"
		"sitecustomize.py,/usr/lib/python3.11/site-packages,root,"
		"\"python3 -c \"\"import os, sys\"\"\","
		"\"{\"\"FileType\"\":\"\"Python\"\",\"\"Lines\"\":\"\"a\r\nb\"\"}\"\r\n";
	static const char *const expected[] = {
		"2023-10-18T14:37:28.2012261Z", "0a1b2c", "host1.contoso.com", "FileCreated",
		"sitecustomize.py", "/usr/lib/python3.11/site-packages", "root",
		"python3 -c \"import os, sys\"",
		"{\"FileType\":\"Python\",\"Lines\":\"a\r\nb\"}",
	};
	struct csv_row *row = new_row();

	(void)state;
	assert_int_equal(csv_split(row, header, sizeof(header) - 1), 0);
	assert_int_equal(row->nfields, 9);
	assert_int_equal(row->fields[8].len, strlen("AdditionalFields"));
	assert_memory_equal(row->fields[8].data, "AdditionalFields", 16);

	assert_int_equal(csv_split(row, rec, sizeof(rec) - 1), 0);
	assert_fields(row, expected, sizeof(expected) / sizeof(expected[0]));
	free_row(row);
}

struct header_case {
	const char *cell;
	const char *name;
};

static const struct header_case header_cases[] = {
	{ "\xEF\xBB\xBFTimeGenerated [UTC]", "TimeGenerated" },
	{ "TimeGenerated [UTC]", "TimeGenerated" },
	{ "Timestamp [Local Time]", "Timestamp" },
	{ "Timestamp", "Timestamp" },
	{ "\xEF\xBB\xBFTimestamp", "Timestamp" },
	{ "  DeviceName\t", "DeviceName" },
	{ "\xEF\xBB\xBF DeviceName ", "DeviceName" },
	{ "TimeGenerated [UTC]  ", "TimeGenerated" },
	{ "TimeGenerated  [UTC]", "TimeGenerated" },
	{ "TimeGenerated\t [UTC]", "TimeGenerated" },
	{ "x [UTC] [UTC]", "x [UTC]" },
	{ "TimeGenerated[UTC]", "TimeGenerated[UTC]" },
	{ "TimeGenerated [utc]", "TimeGenerated [utc]" },
	{ "TimeGenerated [UTC] x", "TimeGenerated [UTC] x" },
	{ "[UTC]", "[UTC]" },
	{ " [UTC]", "[UTC]" },
	{ " \xEF\xBB\xBFx", "\xEF\xBB\xBFx" },
	{ "\xEF\xBB\xBF\xEF\xBB\xBFx", "\xEF\xBB\xBFx" },
	{ "\xEF\xBB", "\xEF\xBB" },
	{ "\xEF\xBB\xBF", "" },
	{ "", "" },
	{ " \t ", "" },
	{ "Device Name", "Device Name" },
};

static void
test_header_names(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		const struct header_case *c = &header_cases[i];
		struct csv_field cell = { c->cell, strlen(c->cell) };
		struct csv_field name = csv_header_name(cell);
		size_t len = strlen(c->name);

		print_message("header case %zu\n", i);
		assert_int_equal(name.len, len);
		assert_memory_equal(name.data, c->name, len);
		/* The name is a view into the cell, never a copy. */
		assert_true(name.data >= cell.data);
		assert_true(name.data + name.len <= cell.data + cell.len);
	}
}

static void
test_header_name_not_terminated(void **state)
{
	static const char cells[] = "Timestamp [UTC],DeviceName";
	struct csv_field cell = { cells, 15 };
	struct csv_field name = csv_header_name(cell);

	(void)state;
	assert_int_equal(name.len, 9);
	assert_memory_equal(name.data, "Timestamp", 9);
}

struct quote_count_case {
	const char *buf;
	size_t count;
};

static const struct quote_count_case quote_count_cases[] = {
	{ "", 0 },
	{ "abc", 0 },
	{ "\"", 1 },
	{ "a,\"b\"\"c\"", 4 },
	{ "''\"'", 1 },
};

static void
test_quote_count_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(quote_count_cases) / sizeof(quote_count_cases[0]); i++) {
		const struct quote_count_case *c = &quote_count_cases[i];

		assert_int_equal(csv_quote_count(c->buf, strlen(c->buf)), c->count);
	}
}

/* Every start offset and length around the block size, against a byte loop. */
static void
test_quote_count_blocks(void **state)
{
	enum { SIZE = 1000 };
	char *buf = malloc(SIZE);
	size_t start, len, i, expected;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < SIZE; i++)
		buf[i] = (i * 7 % 5 == 0 || i % 13 == 0) ? '"' : (char)(i & 0xff);
	for (start = 0; start < 70; start++) {
		for (len = 0; start + len <= SIZE; len += 1 + len / 8) {
			expected = 0;
			for (i = start; i < start + len; i++)
				expected += buf[i] == '"';
			assert_int_equal(csv_quote_count(buf + start, len), expected);
		}
	}
	free(buf);
}

static void
test_quote_count_ignores_neighbours(void **state)
{
	/* 0x22 is '"'; 0xa2 and 0x23 differ from it in one bit. */
	static const char buf[] = "\xa2\x23\x02\x22\0\x22";

	(void)state;
	assert_int_equal(csv_quote_count(buf, sizeof(buf) - 1), 2);
}

/*
 * Writes rows with csv.writer (QUOTE_MINIMAL, CRLF line ends) from Debian's
 * CPython, an independent RFC 4180 writer, and a hex copy of each value.
 * Values mix commas, quotes, CR, LF, NUL and bytes 0x80-0xff.
 */
static const char python_writer[] =
	"import csv, random, sys\n"
	"rng = random.Random(4180)\n"
	"alphabet = 'ab,\"\\r\\n \\x00\\x80\\xff{}:'\n"
	"rows = [[''.join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))\n"
	"         for _ in range(rng.randrange(1, 9))] for _ in range(400)]\n"
	"rows.append(['{\"Key\": \"Value\"}', '\"MsMpEng.exe\"', ''])\n"
	"with open(sys.argv[1], 'w', newline='', encoding='latin-1') as f:\n"
	"    csv.writer(f).writerows(rows)\n"
	"with open(sys.argv[2], 'w') as f:\n"
	"    for row in rows:\n"
	"        f.write(' '.join(v.encode('latin-1').hex() + '.' for v in row) + '\\n')\n";

#define PYTHON "/usr/bin/python3"

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	assert_non_null(f);
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	assert_int_equal(fclose(f), 0);
	*len = n;
	return buf;
}

static unsigned
hex_digit(char c)
{
	return (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
}

/* Compares one field with the next "HEX." item of the expectation line. */
static void
assert_field_hex(const struct csv_field *f, const char **hex)
{
	size_t i;

	for (i = 0; i < f->len; i++) {
		unsigned byte = hex_digit((*hex)[0]) << 4 | hex_digit((*hex)[1]);

		assert_int_equal((unsigned char)f->data[i], byte);
		*hex += 2;
	}
	assert_int_equal(**hex, '.');
	(*hex)++;
	if (**hex == ' ')
		(*hex)++;
}

static void
test_split_python_csv(void **state)
{
	char dir[] = "/tmp/test_csv.XXXXXX";
	char script[64], out[64], hex[64], cmd[256];
	struct csv_row *row;
	char *csv, *expect, *p;
	const char *line;
	size_t csv_len, expect_len, start, rows = 0;
	FILE *f;
	int n;

	(void)state;
	if (access(PYTHON, X_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	n = snprintf(script, sizeof(script), "%s/w.py", dir);
	assert_true(n > 0 && (size_t)n < sizeof(script));
	n = snprintf(out, sizeof(out), "%s/out.csv", dir);
	assert_true(n > 0 && (size_t)n < sizeof(out));
	n = snprintf(hex, sizeof(hex), "%s/out.hex", dir);
	assert_true(n > 0 && (size_t)n < sizeof(hex));
	f = fopen(script, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(python_writer, 1, sizeof(python_writer) - 1, f),
			 sizeof(python_writer) - 1);
	assert_int_equal(fclose(f), 0);
	n = snprintf(cmd, sizeof(cmd), PYTHON " %s %s %s", script, out, hex);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	assert_int_equal(system(cmd), 0);

	csv = read_file(out, &csv_len);
	expect = read_file(hex, &expect_len);
	row = new_row();

	/* A record ends at a LF that follows an even number of quotes. */
	line = expect;
	start = 0;
	for (p = csv; p < csv + csv_len; p++) {
		const char *h = line;
		size_t rec_len = (size_t)(p + 1 - (csv + start)), i;

		if (*p != '\n' || csv_quote_count(csv + start, rec_len) % 2 != 0)
			continue;
		assert_int_equal(csv_split(row, csv + start, rec_len), 0);
		for (i = 0; i < row->nfields; i++)
			assert_field_hex(&row->fields[i], &h);
		assert_int_equal(*h, '\n');
		line = h + 1;
		start = (size_t)(p + 1 - csv);
		rows++;
	}
	assert_int_equal(start, csv_len);
	assert_ptr_equal(line, expect + expect_len);
	assert_int_equal(rows, 401);

	free_row(row);
	free(csv);
	free(expect);
	assert_int_equal(unlink(script), 0);
	assert_int_equal(unlink(out), 0);
	assert_int_equal(unlink(hex), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_table),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_split_clears_error),
		cmocka_unit_test(test_split_plain_offsets),
		cmocka_unit_test(test_split_views_into_record),
		cmocka_unit_test(test_split_nul_bytes),
		cmocka_unit_test(test_split_null_empty),
		cmocka_unit_test(test_split_field_limit),
		cmocka_unit_test(test_split_storage_growth),
		cmocka_unit_test(test_split_reuses_storage),
		cmocka_unit_test(test_split_storage_cap),
		cmocka_unit_test(test_split_defender_record),
		cmocka_unit_test(test_header_names),
		cmocka_unit_test(test_header_name_not_terminated),
		cmocka_unit_test(test_quote_count_table),
		cmocka_unit_test(test_quote_count_blocks),
		cmocka_unit_test(test_quote_count_ignores_neighbours),
		cmocka_unit_test(test_split_python_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
