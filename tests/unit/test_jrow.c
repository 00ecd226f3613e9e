/*
 * Unit tests for hunt/jrow: decoded values, escapes, surrogates, duplicate
 * keys, streaming records, wrappers, numbers, nesting and every error
 * class. An equivalence test runs each input, and every file of
 * fuzz/corpus/jrow, through jansson 2.14 and event_from_json() as well,
 * and requires the same acceptance and the same columns and table.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "hunt/event.h"
#include "hunt/jdoc.h"
#include "hunt/jrow.h"

/* Scratch maximum in these tests: more than the largest input built here. */
#define SCRATCH_MAX (16u * 1024 * 1024)
/* Largest corpus file read by the equivalence test. */
#define CORPUS_FILE_MAX (1024 * 1024)
#define CORPUS_DIR "fuzz/corpus/jrow"

/* ---- helpers ---- */

struct column_value {
	int col;
	const char *value;      /* NULL ends the list */
	size_t len;             /* 0: strlen(value) */
};

static void
assert_column(const struct event *ev, int col, const char *value, size_t len)
{
	if (len == 0)
		len = strlen(value);
	assert_int_equal(ev->col[col].len, len);
	assert_memory_equal(ev->col[col].data, value, len);
}

/* Asserts the listed columns and that every other column is empty. */
static void
assert_columns(const struct event *ev, const struct column_value *want)
{
	bool listed[COL_COUNT] = { false };
	const struct column_value *w;
	int col;

	for (w = want; w->value; w++) {
		assert_column(ev, w->col, w->value, w->len);
		listed[w->col] = true;
	}
	for (col = 0; col < COL_COUNT; col++) {
		if (!listed[col] && ev->col[col].len != 0)
			fail_msg("column %s is '%.*s', expected empty", event_column_name(col),
				 (int)ev->col[col].len, ev->col[col].data);
	}
}

/* ---- rows that read ---- */

#define COLUMNS_MAX 6

struct read_case {
	const char *name;
	const char *json;
	enum event_table table;
	bool has_timestamp;
	struct column_value cols[COLUMNS_MAX + 1];
};

static const struct read_case read_cases[] = {
	{ "plain row", "{\"FileName\":\"sitecustomize.py\",\"FolderPath\":\"/usr/lib/python3/dist-packages\","
	  "\"ActionType\":\"FileCreated\",\"SHA1\":\"ab\"}",
	  TABLE_FILE, false,
	  { { COL_FILE_NAME, "sitecustomize.py", 0 },
	    { COL_FOLDER_PATH, "/usr/lib/python3/dist-packages", 0 },
	    { COL_ACTION_TYPE, "FileCreated", 0 } } },
	{ "short escapes", "{\"FileName\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "a\"b\\c/d\b\f\n\r\t", 0 } } },
	{ "unicode escapes", "{\"DeviceName\":\"\\u00e9\\u20AC\\ud83d\\ude00x\"}",
	  TABLE_UNKNOWN, false, { { COL_DEVICE_NAME, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x", 0 } } },
	{ "escaped NUL in a value", "{\"DeviceName\":\"a\\u0000b\"}",
	  TABLE_UNKNOWN, false, { { COL_DEVICE_NAME, "a\0b", 3 } } },
	{ "raw UTF-8 kept", "{\"DeviceName\":\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"}",
	  TABLE_UNKNOWN, false, { { COL_DEVICE_NAME, "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", 0 } } },
	{ "long value over SIMD blocks",
	  "{\"InitiatingProcessCommandLine\":\"python3 -c \\\"import site; print(site.getsitepackages())\\\" --long-option=0123456789abcdef\"}",
	  TABLE_UNKNOWN, false,
	  { { COL_PROCESS_COMMAND_LINE,
	      "python3 -c \"import site; print(site.getsitepackages())\" --long-option=0123456789abcdef", 0 } } },
	{ "empty string", "{\"FileName\":\"\",\"FolderPath\":\"x\"}",
	  TABLE_FILE, false, { { COL_FOLDER_PATH, "x", 0 } } },
	{ "last duplicate wins", "{\"FileName\":\"a\",\"FileName\":\"b\"}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "b", 0 } } },
	{ "duplicate null empties", "{\"FileName\":\"a\",\"FileName\":null,\"FolderPath\":\"p\"}",
	  TABLE_FILE, false, { { COL_FOLDER_PATH, "p", 0 } } },
	/* jansson keeps FileName at its first position with value "c"; filename comes later. */
	{ "spellings in first order", "{\"FileName\":\"a\",\"filename\":\"b\",\"FileName\":\"c\"}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "b", 0 } } },
	{ "later null spelling ignored", "{\"FileName\":\"a\",\"FILENAME\":null}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "a", 0 } } },
	{ "integer process id", "{\"InitiatingProcessId\":4242,\"ReportId\":-7}",
	  TABLE_UNKNOWN, false, { { COL_PROCESS_ID, "4242", 0 }, { COL_REPORT_ID, "-7", 0 } } },
	{ "integer limits", "{\"InitiatingProcessId\":-9223372036854775808,\"ReportId\":9223372036854775807}",
	  TABLE_UNKNOWN, false,
	  { { COL_PROCESS_ID, "-9223372036854775808", 0 }, { COL_REPORT_ID, "9223372036854775807", 0 } } },
	{ "negative zero", "{\"ReportId\":-0}", TABLE_UNKNOWN, false, { { COL_REPORT_ID, "0", 0 } } },
	{ "string process id", "{\"InitiatingProcessId\":\"12\"}",
	  TABLE_UNKNOWN, false, { { COL_PROCESS_ID, "12", 0 } } },
	{ "real process id ignored", "{\"InitiatingProcessId\":12.0,\"ReportId\":1e3}",
	  TABLE_UNKNOWN, false, { { 0, NULL, 0 } } },
	{ "integer file name ignored", "{\"FileName\":5,\"FolderPath\":true,\"SHA256\":[\"x\"],\"DeviceName\":{\"a\":\"b\"}}",
	  TABLE_UNKNOWN, false, { { 0, NULL, 0 } } },
	{ "storage record", "{\"time\":\"t\",\"category\":\"AdvancedHunting-DeviceRegistryEvents\","
	  "\"properties\":{\"RegistryKey\":\"HKEY_CURRENT_USER\\\\S-1\\\\Environment\","
	  "\"RegistryValueName\":\"PYTHONSTARTUP\",\"InitiatingProcessId\":1},\"FileName\":\"outer.py\"}",
	  TABLE_REGISTRY, false,
	  { { COL_REGISTRY_KEY, "HKEY_CURRENT_USER\\S-1\\Environment", 0 },
	    { COL_REGISTRY_VALUE_NAME, "PYTHONSTARTUP", 0 }, { COL_PROCESS_ID, "1", 0 } } },
	{ "category after properties", "{\"properties\":{\"FileName\":\"x\"},\"category\":\"DeviceRegistryEvents\"}",
	  TABLE_REGISTRY, false, { { COL_FILE_NAME, "x", 0 } } },
	{ "other table category", "{\"category\":\"AdvancedHunting-DeviceProcessEvents\",\"properties\":{\"FileName\":\"x\"}}",
	  TABLE_OTHER, false, { { COL_FILE_NAME, "x", 0 } } },
	{ "category not a string", "{\"category\":7,\"properties\":{\"ActionType\":\"RegistryValueSet\"}}",
	  TABLE_REGISTRY, false, { { COL_ACTION_TYPE, "RegistryValueSet", 0 } } },
	{ "empty category", "{\"category\":\"\",\"properties\":{\"ActionType\":\"FileModified\"}}",
	  TABLE_FILE, false, { { COL_ACTION_TYPE, "FileModified", 0 } } },
	{ "properties not an object", "{\"category\":\"AdvancedHunting-DeviceRegistryEvents\",\"properties\":\"x\","
	  "\"FileName\":\"usercustomize.py\"}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "usercustomize.py", 0 } } },
	{ "last properties object wins", "{\"properties\":{\"FileName\":\"first\"},\"properties\":{\"FolderPath\":\"second\"}}",
	  TABLE_FILE, false, { { COL_FOLDER_PATH, "second", 0 } } },
	{ "properties replaced by a string", "{\"properties\":{\"FileName\":\"inner\"},\"FolderPath\":\"outer\",\"properties\":1}",
	  TABLE_FILE, false, { { COL_FOLDER_PATH, "outer", 0 } } },
	{ "Properties is not properties", "{\"Properties\":{\"FileName\":\"inner\"},\"FolderPath\":\"outer\"}",
	  TABLE_FILE, false, { { COL_FOLDER_PATH, "outer", 0 } } },
	{ "type column names the table", "{\"Type\":\"DeviceRegistryEvents\",\"ActionType\":\"FileCreated\"}",
	  TABLE_REGISTRY, false, { { COL_TYPE, "DeviceRegistryEvents", 0 }, { COL_ACTION_TYPE, "FileCreated", 0 } } },
	{ "null timestamp present", "{\"timestamp\":null,\"TimeGenerated\":\"2024-05-18T00:01:17Z\"}",
	  TABLE_UNKNOWN, true, { { COL_TIME_GENERATED, "2024-05-18T00:01:17Z", 0 } } },
	{ "timestamp inside properties only", "{\"Timestamp\":\"outer\",\"properties\":{\"FileName\":\"x\"}}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "x", 0 } } },
	{ "escaped keys", "{\"F\\u0069leName\":\"x\",\"\\u0070roperties\":{\"RegistryValueName\":\"PYTHONPATH\"},"
	  "\"c\\u0061tegory\":\"DeviceFileEvents\"}",
	  TABLE_FILE, false, { { COL_REGISTRY_VALUE_NAME, "PYTHONPATH", 0 } } },
	{ "nested objects skipped", "{\"AdditionalFields\":{\"FileName\":\"inner\",\"a\":[[{}],[]]},\"FileName\":\"outer\"}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "outer", 0 } } },
	{ "whitespace everywhere", " \r\n\t{ \"FileName\" : \"x\" ,\n\"ActionType\"\t:\"FileModified\" } \n",
	  TABLE_FILE, false, { { COL_FILE_NAME, "x", 0 }, { COL_ACTION_TYPE, "FileModified", 0 } } },
	{ "empty object", "{}", TABLE_UNKNOWN, false, { { 0, NULL, 0 } } },
	{ "wrapper key without array", "{\"records\":5,\"results\":{\"a\":[1]},\"FileName\":\"site.py\"}",
	  TABLE_FILE, false, { { COL_FILE_NAME, "site.py", 0 } } },
};

static void
test_read_cases(void **state)
{
	struct strbuf scratch;
	size_t i;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	for (i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++) {
		const struct read_case *c = &read_cases[i];
		struct event ev;
		const char *error = NULL;
		size_t offset = 0;
		int rc;

		print_message("case: %s\n", c->name);
		rc = jrow_read(c->json, strlen(c->json), &ev, &scratch, &error, &offset);
		if (rc != 0)
			fail_msg("%s: rc %d: %s at %zu", c->name, rc, error, offset);
		assert_int_equal(ev.table, c->table);
		assert_int_equal(ev.has_timestamp, c->has_timestamp);
		assert_columns(&ev, c->cols);
	}
	strbuf_free(&scratch);
}

/* Values are decoded into scratch, so they outlive the input text. */
static void
test_values_live_in_scratch(void **state)
{
	char text[] = "{\"FileName\":\"x.pth\",\"FolderPath\":\"/usr/lib/python3/dist-packages\"}";
	struct strbuf scratch;
	struct event ev;
	const char *error;
	size_t offset;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	assert_int_equal(jrow_read(text, strlen(text), &ev, &scratch, &error, &offset), 0);
	memset(text, 'z', strlen(text));
	assert_column(&ev, COL_FILE_NAME, "x.pth", 0);
	assert_column(&ev, COL_FOLDER_PATH, "/usr/lib/python3/dist-packages", 0);
	assert_true(ev.col[COL_FILE_NAME].data >= scratch.data &&
		    ev.col[COL_FILE_NAME].data < scratch.data + scratch.len);
	strbuf_free(&scratch);
}

/* ---- wrappers ---- */

static const char *const wrapper_texts[] = {
	"{\"records\":[{\"category\":\"AdvancedHunting-DeviceFileEvents\",\"properties\":{\"FileName\":\"x.pth\"}}]}",
	"{\"Stats\":{},\"Schema\":[],\"Results\":[{\"FileName\":\"x.pth\"}],\"FileName\":\"outer\"}",
	"{\"@odata.context\":\"c\",\"schema\":[],\"results\":[]}",
	"{\"TABLES\":[{\"name\":\"PrimaryResult\",\"columns\":[],\"rows\":[]}]}",
	"{\"re\\u0063ords\":[] , \"FileName\":\"outer\"}",
	/* The wrapper is reported where its array starts, before the broken rest. */
	"{\"FileName\":\"outer\",\"records\":[ broken",
};

static void
test_wrappers_detected(void **state)
{
	struct strbuf scratch;
	size_t i;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	for (i = 0; i < sizeof(wrapper_texts) / sizeof(wrapper_texts[0]); i++) {
		const char *text = wrapper_texts[i];
		struct event ev;
		const char *error = NULL;
		size_t offset;

		print_message("wrapper text %zu\n", i);
		assert_int_equal(jrow_read(text, strlen(text), &ev, &scratch, &error, &offset),
				 JROW_WRAPPER);
	}
	strbuf_free(&scratch);
}

/* A row element that jdoc split out is read as a row even with a "records" array. */
static void
test_row_element_with_wrapper_key(void **state)
{
	const char *text = "{\"records\":[1],\"FileName\":\"site.py\",\"tables\":[]}";
	struct strbuf scratch;
	struct event ev;
	const char *error;
	size_t offset;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	assert_int_equal(jrow_read_row(text, strlen(text), &ev, &scratch, &error, &offset), 0);
	assert_column(&ev, COL_FILE_NAME, "site.py", 0);
	assert_int_equal(ev.table, TABLE_FILE);
	assert_int_equal(jrow_read(text, strlen(text), &ev, &scratch, &error, &offset), JROW_WRAPPER);

	text = "{\"records\":[1,}";
	assert_int_equal(jrow_read_row(text, strlen(text), &ev, &scratch, &error, &offset), -EINVAL);
	assert_int_equal(offset, strlen(text) - 1);
	strbuf_free(&scratch);
}

static void assert_agrees_with_jansson(const char *text, size_t len, struct strbuf *scratch);

/* ---- errors ---- */

struct error_case {
	const char *name;
	const char *text;
	size_t len;             /* 0: strlen(text) */
	size_t offset;          /* expected *error_offset */
};

static const struct error_case error_cases[] = {
	{ "empty input", "", 0, 0 },
	{ "only spaces", "  \n", 0, 3 },
	{ "top-level array", "[{\"FileName\":\"x\"}]", 0, 0 },
	{ "top-level string", "\"x\"", 0, 0 },
	{ "byte order mark", "\xef\xbb\xbf{}", 0, 0 },
	{ "unclosed object", "{", 0, 1 },
	{ "missing colon", "{\"a\"}", 0, 4 },
	{ "missing value", "{\"a\":}", 0, 5 },
	{ "trailing comma", "{\"a\":1,}", 0, 7 },
	{ "missing comma", "{\"a\":1 \"b\":2}", 0, 7 },
	{ "key not a string", "{a:1}", 0, 1 },
	{ "text after the object", "{} x", 0, 3 },
	{ "second object", "{}{}", 0, 2 },
	{ "NUL after the object", "{}\0", 3, 2 },
	{ "short literal", "{\"a\":tru}", 0, 5 },
	{ "capital literal", "{\"a\":Null}", 0, 5 },
	{ "leading zero", "{\"a\":01}", 0, 6 },
	{ "minus alone", "{\"a\":-}", 0, 6 },
	{ "fraction without digits", "{\"a\":1.}", 0, 7 },
	{ "exponent without digits", "{\"a\":1e+}", 0, 8 },
	{ "leading point", "{\"a\":.5}", 0, 5 },
	{ "leading plus", "{\"a\":+1}", 0, 5 },
	{ "integer too big", "{\"a\":9223372036854775808}", 0, 5 },
	{ "negative integer too big", "{\"a\":[-9223372036854775809]}", 0, 6 },
	{ "integer too big in a known column", "{\"ReportId\":18446744073709551616}", 0, 12 },
	{ "real overflows", "{\"a\":1e309}", 0, 5 },
	{ "real just past the maximum", "{\"a\":1.7976931348623159e308}", 0, 5 },
	{ "invalid escape", "{\"a\":\"\\x\"}", 0, 6 },
	{ "short unicode escape", "{\"a\":\"\\u12g4\"}", 0, 6 },
	{ "lone high surrogate", "{\"a\":\"\\ud800\"}", 0, 6 },
	{ "high surrogate then letter", "{\"a\":\"\\ud800\\u0041\"}", 0, 6 },
	{ "lone low surrogate", "{\"a\":\"\\udc00\"}", 0, 6 },
	{ "reversed surrogates", "{\"a\":\"\\udc00\\ud800\"}", 0, 6 },
	{ "tab in a string", "{\"a\":\"x\ty\"}", 0, 7 },
	{ "raw NUL in a string", "{\"a\":\"x\0y\"}", 10, 7 },
	{ "newline in a key", "{\"a\nb\":1}", 0, 3 },
	{ "truncated UTF-8", "{\"a\":\"\xc3\"}", 0, 6 },
	{ "overlong UTF-8", "{\"a\":\"\xc0\xaf\"}", 0, 6 },
	{ "UTF-8 surrogate", "{\"a\":\"\xed\xa0\x80\"}", 0, 6 },
	{ "UTF-8 above U+10FFFF", "{\"a\":\"\xf4\x90\x80\x80\"}", 0, 6 },
	{ "byte 0xff", "{\"a\":\"\xff\"}", 0, 6 },
	{ "UTF-8 outside strings", "{\"a\":1,\xc3\xa9}", 0, 7 },
	{ "NUL in a key", "{\"a\\u0000\":1}", 0, 1 },
	{ "NUL in a nested key", "{\"x\":{\"a\\u0000\":1}}", 0, 15 },
	{ "NUL in a properties key", "{\"properties\":{\"\\u0000\":1}}", 0, 15 },
	{ "unterminated string", "{\"a\":\"abc", 0, 9 },
	{ "array closed by brace", "{\"a\":[1,2}", 0, 9 },
	{ "object closed by bracket", "{\"a\":{\"b\":1]}", 0, 11 },
	{ "broken category", "{\"category\":\"\\q\",\"properties\":{}}", 0, 13 },
	{ "broken properties", "{\"properties\":{\"FileName\":}}", 0, 26 },
};

static void
test_error_cases(void **state)
{
	struct strbuf scratch;
	size_t i;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		struct event ev;
		const char *error = NULL;
		size_t offset = SIZE_MAX;
		json_error_t jerr;
		json_t *value;

		print_message("error case: %s\n", c->name);
		assert_int_equal(jrow_read(c->text, len, &ev, &scratch, &error, &offset), -EINVAL);
		assert_non_null(error);
		assert_true(error[0] >= 'a' && error[0] <= 'z');
		assert_int_equal(offset, c->offset);
		assert_int_equal(jrow_read_row(c->text, len, &ev, &scratch, &error, &offset), -EINVAL);

		/* jansson rejects the same text, or parses something that is not an object. */
		value = json_loadb(c->text, len, JSON_ALLOW_NUL, &jerr);
		assert_false(json_is_object(value));
		json_decref(value);
	}
	strbuf_free(&scratch);
}

/*
 * jansson 2.14 drops one NUL byte right after a number or literal, and
 * jrow follows it; a second NUL, or one elsewhere, is an error.
 */
static void
test_nul_after_token(void **state)
{
	static const char accepted[] = "{\"ReportId\":12\0,\"a\":[true\0,null\0],\"b\":1.5\0 }";
	static const char *const rejected[] = { "{\"a\":1\0\0}", "{\"a\":1 \0}", "{\"a\":\0 1}" };
	static const size_t rejected_len[] = { 10, 10, 10 };
	struct strbuf scratch;
	struct event ev;
	const char *error;
	size_t offset, i;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	assert_int_equal(jrow_read(accepted, sizeof(accepted) - 1, &ev, &scratch, &error, &offset), 0);
	assert_column(&ev, COL_REPORT_ID, "12", 0);
	assert_agrees_with_jansson(accepted, sizeof(accepted) - 1, &scratch);
	for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		assert_int_equal(jrow_read(rejected[i], rejected_len[i], &ev, &scratch, &error, &offset),
				 -EINVAL);
		assert_agrees_with_jansson(rejected[i], rejected_len[i], &scratch);
	}
	strbuf_free(&scratch);
}

/* Builds an object whose "a" member nests `levels` arrays. */
static char *
nested_text(int levels)
{
	size_t len = 6 + 2 * (size_t)levels + 1;
	char *text = malloc(len + 1);
	int i;

	assert_non_null(text);
	memcpy(text, "{\"a\":", 5);
	for (i = 0; i < levels; i++) {
		text[5 + i] = '[';
		text[5 + levels + i] = ']';
	}
	text[5 + 2 * levels] = '}';
	text[6 + 2 * levels] = '\0';
	return text;
}

static void
test_nesting_limit(void **state)
{
	struct strbuf scratch;
	struct event ev;
	const char *error = NULL;
	size_t offset = 0;
	char *deepest = nested_text(JDOC_DEPTH_MAX - 1);
	char *too_deep = nested_text(JDOC_DEPTH_MAX);

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	assert_int_equal(jrow_read(deepest, strlen(deepest), &ev, &scratch, &error, &offset), 0);
	assert_int_equal(jrow_read(too_deep, strlen(too_deep), &ev, &scratch, &error, &offset), -E2BIG);
	assert_non_null(strstr(error, "nesting"));
	assert_int_equal(offset, 5 + JDOC_DEPTH_MAX - 1);
	strbuf_free(&scratch);
	free(deepest);
	free(too_deep);
}

static void
test_scratch_maximum(void **state)
{
	const char *text = "{\"FileName\":\"sitecustomize.py\"}";
	struct strbuf scratch;
	struct event ev;
	const char *error = NULL;
	size_t offset;

	(void)state;
	strbuf_init(&scratch, 8);
	assert_int_equal(jrow_read(text, strlen(text), &ev, &scratch, &error, &offset), -E2BIG);
	assert_non_null(strstr(error, "scratch"));
	strbuf_free(&scratch);
}

/* Every column name is found in any letter case, as event_column_lookup() finds it. */
static void
test_column_names_found(void **state)
{
	struct strbuf scratch;
	int col;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	for (col = 0; col < COL_COUNT; col++) {
		const char *name = event_column_name(col);
		char text[256], upper[128];
		struct event ev;
		const char *error;
		size_t offset, i;
		int n;

		assert_true(strlen(name) <= 32);
		for (i = 0; name[i]; i++)
			upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
		upper[i] = '\0';
		n = snprintf(text, sizeof(text), "{\"%s\":\"v\"}", upper);
		assert_true(n > 0 && (size_t)n < sizeof(text));
		assert_int_equal(jrow_read_row(text, (size_t)n, &ev, &scratch, &error, &offset), 0);
		assert_column(&ev, col, "v", 0);
		assert_int_equal(event_column_lookup(upper, strlen(upper)), col);
	}
	strbuf_free(&scratch);
}

/* ---- equivalence with jansson ---- */

static bool
is_wrapper_name(const char *key)
{
	static const char *const names[] = { "results", "records", "tables" };
	size_t i, j, n = strlen(key);

	for (i = 0; i < 3; i++) {
		if (strlen(names[i]) != n)
			continue;
		for (j = 0; j < n; j++) {
			char c = key[j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != names[i][j])
				break;
		}
		if (j == n)
			return true;
	}
	return false;
}

static bool
has_wrapper_key(json_t *obj, bool array_only)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		if (is_wrapper_name(key) && (!array_only || json_is_array(value)))
			return true;
	}
	return false;
}

static void
assert_same_event(const struct event *want, const struct event *got)
{
	int col;

	assert_int_equal(got->table, want->table);
	assert_int_equal(got->has_timestamp, want->has_timestamp);
	for (col = 0; col < COL_COUNT; col++) {
		assert_int_equal(got->col[col].len, want->col[col].len);
		if (want->col[col].len > 0)
			assert_memory_equal(got->col[col].data, want->col[col].data, want->col[col].len);
	}
}

/* Deepest bracket nesting outside strings. */
static int
bracket_depth(const char *s, size_t n)
{
	int depth = 0, deepest = 0;
	bool in_string = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = false;
		} else if (s[i] == '"') {
			in_string = true;
		} else if (s[i] == '{' || s[i] == '[') {
			if (++depth > deepest)
				deepest = depth;
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		}
	}
	return deepest;
}

/* Asserts that jrow and jansson plus event_from_json() agree on text. */
static void
assert_agrees_with_jansson(const char *text, size_t len, struct strbuf *scratch)
{
	struct event want, got;
	json_error_t jerr;
	json_t *value = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
	bool accepted = value && event_from_json(&want, value) == 0;
	const char *error = NULL;
	size_t offset = 0;
	int rc;

	rc = jrow_read_row(text, len, &got, scratch, &error, &offset);
	if (rc == 0) {
		if (!accepted)
			fail_msg("jrow accepts what jansson rejects: %s", jerr.text);
		assert_same_event(&want, &got);
	} else if (rc == -E2BIG) {
		assert_true(bracket_depth(text, len) > JDOC_DEPTH_MAX);
	} else {
		assert_int_equal(rc, -EINVAL);
		if (accepted)
			fail_msg("jrow rejects what jansson accepts: %s at %zu", error, offset);
	}

	rc = jrow_read(text, len, &got, scratch, &error, &offset);
	if (rc == JROW_WRAPPER) {
		if (accepted)
			assert_true(has_wrapper_key(value, false));
	} else if (rc == 0) {
		assert_true(accepted);
		assert_false(has_wrapper_key(value, true));
		assert_same_event(&want, &got);
	} else {
		assert_false(accepted && bracket_depth(text, len) <= JDOC_DEPTH_MAX);
	}
	json_decref(value);
}

static const char *const equivalence_texts[] = {
	"{\"FileName\":\"a\",\"fileName\":\"b\",\"filename\":\"c\",\"FileName\":null,\"fileName\":1}",
	"{\"FileName\":\"a\",\"fileName\":null,\"filename\":\"c\",\"fileName\":\"d\",\"FILENAME\":false}",
	"{\"InitiatingProcessId\":5,\"initiatingprocessid\":\"x\",\"InitiatingProcessId\":6}",
	"{\"ReportId\":1.5,\"reportid\":2,\"REPORTID\":\"3\",\"reportid\":null}",
	"{\"properties\":{\"FileName\":\"a\",\"filename\":\"b\"},\"properties\":{\"FILENAME\":\"c\"}}",
	"{\"x\":[1e308,1.7976931348623157e308,-1.7976931348623158e308,1.79769313486231580793e308]}",
	"{\"x\":[0.0000000000000000017976931348623159e327,17976931348623158.08e292,1e-400,0e99999999999999999999]}",
	"{\"x\":179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9}",
	"{\"x\":179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792.0}",
	"{\"x\":0.179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791999999e309}",
	"{\"x\":1e0000000000000000000000000000000000000000308}",
	"{\"x\":10e308}",
	"{\"x\":-0.0e-0,\"y\":0E+1}",
	"{\"x\":[9223372036854775807,-9223372036854775808,00]}",
	"{\"a\":\"\\uD834\\uDD1E\\uFFFF\\u0800\\u07FF\\u0080\\u007f\"}",
	"{\"a\":\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\xef\xbf\xbf\xe0\xa0\x80\xc2\x80\"}",
	"{\"a\":\"\xe0\x9f\xbf\"}",
	"{\"a\":\"\xf0\x8f\xbf\xbf\"}",
	"{\"Type\":\"AdvancedHunting-DeviceFileEvents\",\"ActionType\":\"RegistryKeyCreated\"}",
	"{\"RegistryKey\":\"k\",\"FolderPath\":\"f\"}",
	"{\"category\":\"DEVICEFILEEVENTS\",\"properties\":{}}",
	"{\"category\":\"advancedhunting-deviceregistryevents\",\"properties\":{\"Type\":\"DeviceFileEvents\"}}",
	"{\"records\":[],\"records\":5}",
	"{\"records\":5,\"Records\":[]}",
	"{\"results\":[1,}",
	"\n{\"FileName\":\"x\"}\r\n",
	"{\"FileName\":\"x\"}\n{",
	"{\"FileName\":\"\\u0000\",\"fILENAME\":\"\\u0000\\u0000\"}",
	"{\"\":1,\"\\\"\":2,\"properties\":null,\"category\":null}",
};

/* Text with more case spellings of one column than fit in the inline list. */
static char *
many_spellings_text(void)
{
	struct strbuf sb;
	int i;

	strbuf_init(&sb, SCRATCH_MAX);
	assert_int_equal(strbuf_puts(&sb, "{"), 0);
	for (i = 0; i < 4 * JROW_SPELLINGS_INLINE; i++) {
		char key[9] = "filename";
		int bit;

		for (bit = 0; bit < 8; bit++) {
			if ((i * 7 + 3) & (1 << bit))
				key[bit] = (char)(key[bit] - 'a' + 'A');
		}
		if (i % 5 == 4)
			assert_int_equal(strbuf_printf(&sb, "\"%s\":null,", key), 0);
		else
			assert_int_equal(strbuf_printf(&sb, "\"%s\":\"v%d\",", key, i), 0);
		assert_int_equal(strbuf_printf(&sb, "\"%s\":\"w%d\",", i % 3 ? "FolderPath" : "folderPATH", i), 0);
	}
	assert_int_equal(strbuf_puts(&sb, "\"FILENAME\":null,\"filename\":\"last\"}"), 0);
	return strbuf_detach(&sb, NULL);
}

static void
test_equivalence_texts(void **state)
{
	struct strbuf scratch;
	char *many;
	size_t i;

	(void)state;
	strbuf_init(&scratch, SCRATCH_MAX);
	for (i = 0; i < sizeof(equivalence_texts) / sizeof(equivalence_texts[0]); i++) {
		print_message("equivalence text %zu\n", i);
		assert_agrees_with_jansson(equivalence_texts[i], strlen(equivalence_texts[i]), &scratch);
	}
	for (i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++)
		assert_agrees_with_jansson(read_cases[i].json, strlen(read_cases[i].json), &scratch);
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];

		assert_agrees_with_jansson(c->text, c->len ? c->len : strlen(c->text), &scratch);
	}
	for (i = 0; i < sizeof(wrapper_texts) / sizeof(wrapper_texts[0]); i++)
		assert_agrees_with_jansson(wrapper_texts[i], strlen(wrapper_texts[i]), &scratch);

	many = many_spellings_text();
	assert_agrees_with_jansson(many, strlen(many), &scratch);
	free(many);
	strbuf_free(&scratch);
}

static void
test_equivalence_corpus(void **state)
{
	struct strbuf scratch;
	DIR *dir = opendir(CORPUS_DIR);
	struct dirent *entry;
	char *buf = malloc(CORPUS_FILE_MAX);
	int files = 0;

	(void)state;
	if (!dir)
		fail_msg("cannot open %s; run the tests from the repository root", CORPUS_DIR);
	assert_non_null(buf);
	strbuf_init(&scratch, SCRATCH_MAX);
	while ((entry = readdir(dir)) != NULL) {
		char path[512];
		FILE *f;
		size_t n;
		int len;

		if (entry->d_name[0] == '.')
			continue;
		len = snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, entry->d_name);
		assert_true(len > 0 && (size_t)len < sizeof(path));
		f = fopen(path, "rb");
		assert_non_null(f);
		n = fread(buf, 1, CORPUS_FILE_MAX, f);
		assert_false(ferror(f));
		fclose(f);
		print_message("corpus: %s\n", entry->d_name);
		assert_agrees_with_jansson(buf, n, &scratch);
		files++;
	}
	closedir(dir);
	assert_true(files >= 20);
	free(buf);
	strbuf_free(&scratch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_cases),
		cmocka_unit_test(test_values_live_in_scratch),
		cmocka_unit_test(test_wrappers_detected),
		cmocka_unit_test(test_row_element_with_wrapper_key),
		cmocka_unit_test(test_error_cases),
		cmocka_unit_test(test_nul_after_token),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_scratch_maximum),
		cmocka_unit_test(test_column_names_found),
		cmocka_unit_test(test_equivalence_texts),
		cmocka_unit_test(test_equivalence_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
