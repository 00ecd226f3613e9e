/*
 * Unit tests for hunt/jdoc: each export shape, wrapper key rules, strings
 * and escapes, line numbers, errors and resynchronization. Every input is
 * fed whole, in pieces of 7 bytes and in pieces of 1 byte, and the three
 * transcripts of callbacks must equal the expected one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hunt/jdoc.h"

/* Transcript lines: R row, C columns, T table row, E table end, ! error. */
static const char kind_letter[] = { 'R', 'C', 'T', 'E' };

struct recorder {
	struct strbuf text;
	int stop_after; /* return -ECANCELED from this emit on, when above 0 */
	int emits;
};

static int
record_emit(enum jdoc_kind kind, const char *data, size_t len, long line, void *opaque)
{
	struct recorder *r = opaque;

	assert_int_equal(strbuf_printf(&r->text, "%c%ld:", kind_letter[kind], line), 0);
	assert_int_equal(strbuf_append(&r->text, data, len), 0);
	assert_int_equal(strbuf_putc(&r->text, '\n'), 0);
	r->emits++;
	if (r->stop_after > 0 && r->emits >= r->stop_after)
		return -ECANCELED;
	return 0;
}

static void
record_error(long line, const char *message, void *opaque)
{
	struct recorder *r = opaque;

	assert_int_equal(strbuf_printf(&r->text, "!%ld:%s\n", line, message), 0);
}

/* Feeds text in pieces of `piece` bytes (0 for all at once) and finishes. */
static char *
transcript(const char *text, size_t len, size_t piece)
{
	struct recorder r = { .stop_after = 0 };
	struct jdoc d;
	size_t at = 0;

	strbuf_init(&r.text, 64u * 1024 * 1024);
	jdoc_init(&d, record_emit, record_error, &r);
	if (piece == 0)
		piece = len ? len : 1;
	while (at < len) {
		size_t n = len - at < piece ? len - at : piece;

		assert_int_equal(jdoc_feed(&d, text + at, n), 0);
		at += n;
	}
	assert_int_equal(jdoc_finish(&d), 0);
	jdoc_free(&d);
	return strbuf_detach(&r.text, NULL);
}

struct split_case {
	const char *name;
	const char *input;
	const char *expected;
};

static void
check_cases(const struct split_case *cases, size_t n)
{
	static const size_t pieces[] = { 0, 7, 1 };
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(pieces) / sizeof(pieces[0]); j++) {
			char *got = transcript(cases[i].input, strlen(cases[i].input), pieces[j]);

			if (strcmp(got, cases[i].expected) != 0)
				print_message("case '%s', pieces of %zu bytes\n", cases[i].name, pieces[j]);
			assert_string_equal(got, cases[i].expected);
			free(got);
		}
	}
}

#define CHECK_CASES(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void
test_export_shapes(void **state)
{
	static const struct split_case cases[] = {
		{ "advanced hunting API",
		  "{\"Stats\":{\"ExecutionTime\":0.1,\"resource_usage\":{\"cpu\":[1,2]}},\n"
		  "\"Schema\":[{\"Name\":\"Timestamp\",\"Type\":\"DateTime\"}],\n"
		  "\"Results\":[{\"Timestamp\":\"2023-10-18T14:37:28Z\",\"FileName\":\"a.pth\"},\n"
		  "{\"FileName\":\"b.pth\",\"Extra\":{\"k\":[1,{\"x\":null}]}}]}\n",
		  "R3:{\"Timestamp\":\"2023-10-18T14:37:28Z\",\"FileName\":\"a.pth\"}\n"
		  "R4:{\"FileName\":\"b.pth\",\"Extra\":{\"k\":[1,{\"x\":null}]}}\n" },
		{ "Stats and Schema after Results",
		  "{\"Results\":[{\"a\":1}],\"Stats\":{\"x\":[]},\"Schema\":[{\"Name\":\"a\"}]}",
		  "R1:{\"a\":1}\n" },
		{ "Graph runHuntingQuery",
		  "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#x\",\n"
		  "  \"schema\": [ {\"name\":\"Timestamp\",\"type\":\"DateTime\"} ],\n"
		  "  \"results\": [\n"
		  "    {\"Timestamp\":\"2024-01-01T00:00:00Z\"},\n"
		  "    {\"Timestamp\":\"2024-01-02T00:00:00Z\"}\n"
		  "  ]\n"
		  "}\n",
		  "R4:{\"Timestamp\":\"2024-01-01T00:00:00Z\"}\n"
		  "R5:{\"Timestamp\":\"2024-01-02T00:00:00Z\"}\n" },
		{ "Graph with schema after results",
		  "{\"results\":[{\"a\":\"x\"}],\"schema\":[{\"name\":\"a\"}],\"@odata.context\":\"c\"}",
		  "R1:{\"a\":\"x\"}\n" },
		{ "Event Hub message",
		  "{\"records\":[{\"time\":\"t\",\"category\":\"AdvancedHunting-DeviceFileEvents\","
		  "\"properties\":{\"FileName\":\"site.py\"}},{\"time\":\"u\",\"properties\":{}}]}",
		  "R1:{\"time\":\"t\",\"category\":\"AdvancedHunting-DeviceFileEvents\","
		  "\"properties\":{\"FileName\":\"site.py\"}}\n"
		  "R1:{\"time\":\"u\",\"properties\":{}}\n" },
		{ "Log Analytics with two tables",
		  "{\"tables\":[\n"
		  " {\"name\":\"PrimaryResult\",\n"
		  "  \"columns\":[{\"name\":\"Timestamp\",\"type\":\"datetime\"},{\"name\":\"N\",\"type\":\"int\"}],\n"
		  "  \"rows\":[[\"2024-01-01T00:00:00Z\",1],\n"
		  "          [\"2024-01-02T00:00:00Z\",[2,3]]]},\n"
		  " {\"name\":\"Second\",\"columns\":[],\"rows\":[]}\n"
		  "]}\n",
		  "C3:[{\"name\":\"Timestamp\",\"type\":\"datetime\"},{\"name\":\"N\",\"type\":\"int\"}]\n"
		  "T4:[\"2024-01-01T00:00:00Z\",1]\n"
		  "T5:[\"2024-01-02T00:00:00Z\",[2,3]]\n"
		  "E5:\n"
		  "C6:[]\n"
		  "E6:\n" },
		{ "Log Analytics rows before columns",
		  "{\"tables\":[{\"rows\":[[1]],\"name\":\"t\",\"columns\":[{\"name\":\"a\"}]}]}",
		  "T1:[1]\n"
		  "C1:[{\"name\":\"a\"}]\n"
		  "E1:\n" },
		{ "top-level array of rows",
		  "[\n {\"a\":1},\n {\"b\":[2]}\n]\n",
		  "R2:{\"a\":1}\n"
		  "R3:{\"b\":[2]}\n" },
		{ "top-level array holding wrappers and arrays",
		  "[{\"records\":[{\"a\":1}]},[{\"b\":2}],{\"c\":3},[]]",
		  "R1:{\"a\":1}\n"
		  "R1:{\"b\":2}\n"
		  "R1:{\"c\":3}\n" },
		{ "JSON Lines mixing rows, records and a message",
		  "{\"Timestamp\":\"t1\",\"FileName\":\"a.pth\"}\n"
		  "{\"time\":\"t2\",\"category\":\"AdvancedHunting-DeviceRegistryEvents\",\"properties\":{\"RegistryValueName\":\"PYTHONPATH\"}}\n"
		  "{\"records\":[{\"time\":\"t3\",\"properties\":{}},{\"time\":\"t4\",\"properties\":{}}]}\n"
		  "\n"
		  "{\"Timestamp\":\"t5\"}\n",
		  "R1:{\"Timestamp\":\"t1\",\"FileName\":\"a.pth\"}\n"
		  "R2:{\"time\":\"t2\",\"category\":\"AdvancedHunting-DeviceRegistryEvents\",\"properties\":{\"RegistryValueName\":\"PYTHONPATH\"}}\n"
		  "R3:{\"time\":\"t3\",\"properties\":{}}\n"
		  "R3:{\"time\":\"t4\",\"properties\":{}}\n"
		  "R5:{\"Timestamp\":\"t5\"}\n" },
		{ "concatenated pretty documents",
		  "{\n \"Results\": [\n  {\"a\":1}\n ]\n}\n{\n \"records\": [\n  {\"b\":2}\n ]\n}",
		  "R3:{\"a\":1}\n"
		  "R8:{\"b\":2}\n" },
		{ "concatenated documents without separators",
		  "{\"Results\":[{\"a\":1}]}{\"x\":1}[{\"y\":2}]",
		  "R1:{\"a\":1}\n"
		  "R1:{\"x\":1}\n"
		  "R1:{\"y\":2}\n" },
		{ "empty wrappers and empty input parts",
		  " \t\r\n{\"Results\":[]}\n{\"records\":[]}\n{}\n",
		  "R4:{}\n" },
	};

	(void)state;
	CHECK_CASES(cases);
}

static void
test_wrapper_keys(void **state)
{
	static const struct split_case cases[] = {
		{ "escaped key", "{\"R\\u0065sults\":[{\"a\":1}]}", "R1:{\"a\":1}\n" },
		{ "escaped key in upper-case hex", "{\"\\u0052ESULTS\":[{\"a\":1}]}", "R1:{\"a\":1}\n" },
		{ "key with solidus escape and capitals", "{\"RE\\/CORDS\":[{\"a\":1}]}",
		  "R1:{\"RE\\/CORDS\":[{\"a\":1}]}\n" },
		{ "mixed-case key", "{\"rEcOrDs\":[{\"a\":1}]}", "R1:{\"a\":1}\n" },
		{ "escaped tables and columns",
		  "{\"T\\u0061bles\":[{\"COLUMNS\":[1],\"Rows\":[[2]]}]}",
		  "C1:[1]\nT1:[2]\nE1:\n" },
		{ "records with a number is a plain row", "{\"records\":5,\"a\":[1]}",
		  "R1:{\"records\":5,\"a\":[1]}\n" },
		{ "Results with an object is a plain row", "{\"Results\":{\"x\":[{}]}}",
		  "R1:{\"Results\":{\"x\":[{}]}}\n" },
		{ "tables with a string is a plain row", "{\"tables\":\"x\"}", "R1:{\"tables\":\"x\"}\n" },
		{ "nested wrapper key is a plain row", "{\"a\":{\"Results\":[{\"x\":1}]}}",
		  "R1:{\"a\":{\"Results\":[{\"x\":1}]}}\n" },
		{ "wrapper key after plain keys drops them",
		  "{\"a\":\"b\",\"n\":[1,2],\"Results\":[{\"x\":1}],\"z\":{}}", "R1:{\"x\":1}\n" },
		{ "two wrapper arrays in one object",
		  "{\"Results\":[{\"a\":1}],\"records\":[{\"b\":2}]}", "R1:{\"a\":1}\nR1:{\"b\":2}\n" },
		{ "longer key is not a wrapper", "{\"Results2\":[{\"a\":1}]}",
		  "R1:{\"Results2\":[{\"a\":1}]}\n" },
		{ "shorter key is not a wrapper", "{\"Result\":[{\"a\":1}]}",
		  "R1:{\"Result\":[{\"a\":1}]}\n" },
		{ "non-ASCII escape is not a wrapper", "{\"R\\u0165sults\":[]}",
		  "R1:{\"R\\u0165sults\":[]}\n" },
		{ "invalid escape is not a wrapper", "{\"R\\qsults\":[]}", "R1:{\"R\\qsults\":[]}\n" },
		{ "short unicode escape is not a wrapper", "{\"\\u52\":[]}", "R1:{\"\\u52\":[]}\n" },
		{ "columns outside a table is plain", "{\"columns\":[1]}", "R1:{\"columns\":[1]}\n" },
		{ "table keys of the wrong type",
		  "{\"tables\":[{\"columns\":{},\"rows\":3}]}", "E1:\n" },
		{ "wrong element types are reported",
		  "{\"Results\":[1,{\"a\":1},[2],\"s\"]}\n"
		  "{\"tables\":[7,{\"rows\":[null,[1]]}]}\n"
		  "[\"x\",{\"b\":2},true]\n",
		  "!1:array element is not an object\n"
		  "R1:{\"a\":1}\n"
		  "!1:array element is not an object\n"
		  "!1:array element is not an object\n"
		  "!2:table is not an object\n"
		  "!2:table row is not an array\n"
		  "T2:[1]\n"
		  "E2:\n"
		  "!3:array element is not an object or array\n"
		  "R3:{\"b\":2}\n"
		  "!3:array element is not an object or array\n" },
	};

	(void)state;
	CHECK_CASES(cases);
}

static void
test_strings_and_escapes(void **state)
{
	static const struct split_case cases[] = {
		{ "brackets inside strings", "{\"a\":\"}]{[\",\"b\":[\"]\"]}",
		  "R1:{\"a\":\"}]{[\",\"b\":[\"]\"]}\n" },
		{ "escaped quote", "{\"a\":\"x\\\"}\"}", "R1:{\"a\":\"x\\\"}\"}\n" },
		{ "escaped backslash before quote", "{\"a\":\"x\\\\\"}", "R1:{\"a\":\"x\\\\\"}\n" },
		{ "escaped backslashes in a row element",
		  "{\"Results\":[{\"p\":\"C:\\\\Python311\\\\\",\"q\":\"\\\\\\\"\"}]}",
		  "R1:{\"p\":\"C:\\\\Python311\\\\\",\"q\":\"\\\\\\\"\"}\n" },
		{ "quote in a key", "{\"a\\\"}\":1}", "R1:{\"a\\\"}\":1}\n" },
		{ "backslash at a key end", "{\"a\\\\\":1}", "R1:{\"a\\\\\":1}\n" },
		{ "unicode escape before quote", "{\"a\":\"\\u0022\"}", "R1:{\"a\":\"\\u0022\"}\n" },
		{ "literals and numbers", "{\"a\":true,\"b\":-1.5e3,\"c\":null}",
		  "R1:{\"a\":true,\"b\":-1.5e3,\"c\":null}\n" },
		{ "UTF-8 text", "{\"p\":\"/home/\xc3\xa9t\xc3\xa9/site.py\"}",
		  "R1:{\"p\":\"/home/\xc3\xa9t\xc3\xa9/site.py\"}\n" },
	};

	(void)state;
	CHECK_CASES(cases);
}

static void
test_line_numbers(void **state)
{
	static const struct split_case cases[] = {
		{ "CRLF line ends", "{\"Results\":[\r\n{\"a\":1},\r\n\r\n{\"b\":2}]}\r\n{\"c\":3}\r\n",
		  "R2:{\"a\":1}\nR4:{\"b\":2}\nR5:{\"c\":3}\n" },
		{ "multi-line element keeps its start line",
		  "{\"Results\":[\n{\n\"a\":\n[1,\n2]\n}\n]}",
		  "R2:{\n\"a\":\n[1,\n2]\n}\n" },
		{ "byte order mark", "\xef\xbb\xbf{\"a\":1}\n{\"b\":2}", "R1:{\"a\":1}\nR2:{\"b\":2}\n" },
		{ "byte order mark then blank line", "\xef\xbb\xbf\n{\"a\":1}", "R2:{\"a\":1}\n" },
		{ "table end on its own line",
		  "{\"tables\":[{\"rows\":[]\n}\n]}", "E2:\n" },
	};

	(void)state;
	CHECK_CASES(cases);
}

static void
test_errors_and_resync(void **state)
{
	static const struct split_case cases[] = {
		{ "stray closing bracket", "]\n{\"a\":1}\n", "!1:unexpected ']'\nR2:{\"a\":1}\n" },
		{ "stray characters on a line", "{\"a\":1} x {\"b\":2}\n{\"c\":3}",
		  "R1:{\"a\":1}\n!1:unexpected character\nR2:{\"c\":3}\n" },
		{ "top-level scalar", "42\n\"s\"\n{\"a\":1}\n",
		  "!1:top-level value is not an object or array\nR3:{\"a\":1}\n" },
		{ "broken JSON line loses only itself",
		  "{\"a\":1}\n{\"b\":[1,{\"c\":\n{\"d\":4}\n{\"e\":\"unterminated\n{\"f\":6}\n",
		  "R1:{\"a\":1}\n"
		  "!2:line ends inside a value\n"
		  "R3:{\"d\":4}\n"
		  "!4:line ends inside a string\n"
		  "R5:{\"f\":6}\n" },
		{ "broken line after a comma in document mode",
		  "{\n\"a\":1,\n{\"b\":2}\n",
		  "!3:value not closed before this line\nR3:{\"b\":2}\n" },
		{ "mismatched bracket inside an element",
		  "{\"Results\":[{\"a\":[1}]}\n{\"b\":2}",
		  "!1:unexpected '}'\nR2:{\"b\":2}\n" },
		{ "missing colon", "{\"a\" 1}\n{\"b\":2}", "!1:expected ':' after a key\nR2:{\"b\":2}\n" },
		{ "missing comma in object", "{\"a\":1 \"b\":2}", "!1:expected ',' or '}'\n" },
		{ "missing comma in array", "[{\"a\":1} {\"b\":2}]", "R1:{\"a\":1}\n!1:expected ',' or ']'\n" },
		{ "trailing comma in array", "[{\"a\":1},]", "R1:{\"a\":1}\n!1:expected a value\n" },
		{ "trailing comma in object", "{\"a\":1,}", "!1:expected a key string\n" },
		{ "key that is not a string", "{a:1}", "!1:expected a key string\n" },
		{ "invalid literal", "{\"a\":tru\"e\"}", "!1:invalid number or literal\n" },
		{ "form feed is not whitespace", "\f{\"a\":1}\n{\"b\":2}", "!1:unexpected character\nR2:{\"b\":2}\n" },
		{ "truncated inside a string", "{\"Results\":[{\"a\":\"abc", "!1:document ends inside a string\n" },
		{ "truncated inside a key", "{\"Resu", "!1:document ends inside a string\n" },
		{ "truncated inside a value",
		  "{\n\"Results\":[\n{\"a\":1},\n{\"b\":[2", "R3:{\"a\":1}\n!4:document ends inside a value\n" },
		{ "truncated after a literal", "{\"a\":12", "!1:document ends inside a value\n" },
		{ "truncated byte order mark", "\xef\xbb", "!1:unexpected character\n" },
		{ "broken byte order mark", "\xef\xbb{\"a\":1}\n{\"b\":2}", "!1:unexpected character\nR2:{\"b\":2}\n" },
		{ "errors quiet until a clean line",
		  "{\"Results\":[\n"
		  "  {\"a\":1]},\n"
		  "  {\"b\":2},\n"
		  "  {\"c\":3}\n"
		  "],\"Stats\":{}}\n",
		  "!2:unexpected ']'\n"
		  "R3:{\"b\":2}\n"
		  "R4:{\"c\":3}\n"
		  "!5:unexpected ']'\n" },
		{ "one-line value switches to lines mode",
		  "{\"a\":1}\n{\n\"b\":2}\n{\"c\":3}\n",
		  "R1:{\"a\":1}\n!2:line ends inside a value\nR4:{\"c\":3}\n" },
		{ "deep top-level arrays",
		  "[[[[[[[[[{\"a\":1}]]]]]]]]]\n{\"b\":2}",
		  "!1:arrays nested deeper than 8 levels at the top\nR2:{\"b\":2}\n" },
		{ "eight top-level arrays are allowed", "[[[[[[[[{\"a\":1}]]]]]]]]", "R1:{\"a\":1}\n" },
	};

	(void)state;
	CHECK_CASES(cases);
}

/* Builds prefix, `levels` nested empty arrays (2 * levels bytes), then suffix. */
static char *
nested_arrays(const char *prefix, int levels, const char *suffix)
{
	size_t plen = strlen(prefix), slen = strlen(suffix);
	char *s = malloc(plen + 2 * (size_t)levels + slen + 1);
	int i;

	assert_non_null(s);
	memcpy(s, prefix, plen);
	for (i = 0; i < levels; i++) {
		s[plen + (size_t)i] = '[';
		s[plen + (size_t)levels + (size_t)i] = ']';
	}
	memcpy(s + plen + 2 * (size_t)levels, suffix, slen + 1);
	return s;
}

static void
test_depth_limit(void **state)
{
	char *ok_row = nested_arrays("{\"Results\":[", JDOC_DEPTH_MAX, "]}");
	char *deep_row = nested_arrays("{\"Results\":[", JDOC_DEPTH_MAX + 1, "]}\n{\"b\":2}");
	char *ok_plain = nested_arrays("{\"a\":", JDOC_DEPTH_MAX - 1, "}");
	char *deep_plain = nested_arrays("{\"a\":", JDOC_DEPTH_MAX, "}");
	char *got;

	(void)state;
	/* An array among Results is reported but scanned to the full depth. */
	got = transcript(ok_row, strlen(ok_row), 0);
	assert_string_equal(got, "!1:array element is not an object\n");
	free(got);

	got = transcript(deep_row, strlen(deep_row), 7);
	assert_string_equal(got, "!1:array element is not an object\n"
				 "!1:nesting deeper than 512 levels\n"
				 "R2:{\"b\":2}\n");
	free(got);

	got = transcript(ok_plain, strlen(ok_plain), 0);
	assert_int_equal(strncmp(got, "R1:{\"a\":[[", 10), 0);
	assert_null(strchr(got, '!'));
	free(got);

	got = transcript(deep_plain, strlen(deep_plain), 0);
	assert_string_equal(got, "!1:nesting deeper than 512 levels\n");
	free(got);

	free(ok_row);
	free(deep_row);
	free(ok_plain);
	free(deep_plain);
}

/* Builds prefix, `fill` bytes of 'x', then suffix, and stores the length. */
static char *
big_document(const char *prefix, size_t fill, const char *suffix, size_t *len)
{
	size_t plen = strlen(prefix), slen = strlen(suffix);
	char *s = malloc(plen + fill + slen + 1);

	assert_non_null(s);
	memcpy(s, prefix, plen);
	memset(s + plen, 'x', fill);
	memcpy(s + plen + fill, suffix, slen + 1);
	*len = plen + fill + slen;
	return s;
}

static void
test_element_size_limit(void **state)
{
	/* {"s":"<fill>"} is fill + 8 bytes. */
	size_t fits = JDOC_ELEMENT_MAX - 8, len;
	char *doc;
	char *got;

	(void)state;
	doc = big_document("{\"Results\":[{\"s\":\"", fits + 1, "\"}]}\n{\"b\":2}", &len);
	got = transcript(doc, len, 0);
	assert_string_equal(got, "!1:element larger than 16 MiB\nR2:{\"b\":2}\n");
	free(got);
	got = transcript(doc, len, 65536);
	assert_string_equal(got, "!1:element larger than 16 MiB\nR2:{\"b\":2}\n");
	free(got);
	free(doc);

	doc = big_document("{\"Results\":[{\"s\":\"", fits, "\"}]}", &len);
	got = transcript(doc, len, 65536);
	assert_int_equal(strlen(got), 3 + JDOC_ELEMENT_MAX + 1);
	assert_int_equal(strncmp(got, "R1:{\"s\":\"xxx", 12), 0);
	free(got);
	free(doc);

	/* A plain row over the limit is reported when it ends... */
	doc = big_document("{\"s\":\"", fits + 1, "\"}\n{\"b\":2}", &len);
	got = transcript(doc, len, 65536);
	assert_string_equal(got, "!1:element larger than 16 MiB\nR2:{\"b\":2}\n");
	free(got);
	free(doc);

	/* ...but a large value before a wrapper key does not matter. */
	doc = big_document("{\"Stats\":\"", 2 * JDOC_ELEMENT_MAX, "\",\"Results\":[{\"a\":1}]}", &len);
	got = transcript(doc, len, 65536);
	assert_string_equal(got, "R1:{\"a\":1}\n");
	free(got);
	free(doc);
}

static void
test_emit_stops_feed(void **state)
{
	static const char text[] = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
	struct recorder r = { .stop_after = 2 };
	struct jdoc d;
	char *got;

	(void)state;
	strbuf_init(&r.text, 4096);
	jdoc_init(&d, record_emit, record_error, &r);
	assert_int_equal(jdoc_feed(&d, text, sizeof(text) - 1), -ECANCELED);
	jdoc_free(&d);
	got = strbuf_detach(&r.text, NULL);
	assert_string_equal(got, "R1:{\"a\":1}\nR2:{\"b\":2}\n");
	free(got);
}

static int
ignore_emit(enum jdoc_kind kind, const char *data, size_t len, long line, void *opaque)
{
	(void)kind;
	(void)data;
	(void)len;
	(void)line;
	(void)opaque;
	return 0;
}

static void
test_at_top_and_line(void **state)
{
	struct jdoc d;

	(void)state;
	jdoc_init(&d, ignore_emit, NULL, NULL);
	assert_true(jdoc_at_top(&d));
	assert_int_equal(jdoc_feed(&d, "{\"a\":", 5), 0);
	assert_false(jdoc_at_top(&d));
	assert_int_equal(jdoc_feed(&d, "[1]}\n", 5), 0);
	assert_true(jdoc_at_top(&d));
	assert_int_equal(d.line, 2);
	assert_int_equal(jdoc_feed(&d, "] junk", 6), 0);
	assert_false(jdoc_at_top(&d));
	assert_int_equal(jdoc_feed(&d, "\n  ", 3), 0);
	assert_true(jdoc_at_top(&d));
	assert_int_equal(d.line, 3);
	assert_int_equal(jdoc_finish(&d), 0);
	jdoc_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_shapes),
		cmocka_unit_test(test_wrapper_keys),
		cmocka_unit_test(test_strings_and_escapes),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_errors_and_resync),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_element_size_limit),
		cmocka_unit_test(test_emit_stops_feed),
		cmocka_unit_test(test_at_top_and_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
