/*
 * libFuzzer target: jrow must agree with jansson, and any difference
 * aborts. jrow_read_row() must accept exactly the texts that json_loadb()
 * with JSON_ALLOW_NUL and event_from_json() accept, and fill the same
 * column bytes, Timestamp flag and table. Only nesting past
 * JDOC_DEPTH_MAX may be rejected where jansson accepts. jrow_read() must
 * give the same result, or JROW_WRAPPER for an object with a top-level
 * key that jdoc splits on.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hunt/event.h"
#include "hunt/jdoc.h"
#include "hunt/jrow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Scratch maximum for the fuzz inputs, far above libFuzzer's input sizes. */
#define SCRATCH_MAX (64u * 1024 * 1024)

/* Deepest bracket nesting outside strings, counted without checking the syntax. */
static int
max_depth(const char *s, size_t n)
{
	int depth = 0, deepest = 0;
	int in_string = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > deepest)
				deepest = depth;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return deepest;
}

static int
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
			return 1;
	}
	return 0;
}

/* Returns 1 when obj has a wrapper key, 2 when the value of one is an array. */
static int
wrapper_keys(json_t *obj)
{
	const char *key;
	json_t *value;
	int found = 0;

	json_object_foreach(obj, key, value) {
		if (is_wrapper_name(key))
			found = json_is_array(value) ? 2 : (found ? found : 1);
	}
	return found;
}

static void
compare_events(const struct event *a, const struct event *b)
{
	int col;

	if (a->table != b->table || a->has_timestamp != b->has_timestamp)
		abort();
	for (col = 0; col < COL_COUNT; col++) {
		if (a->col[col].len != b->col[col].len)
			abort();
		if (a->col[col].len > 0 && memcmp(a->col[col].data, b->col[col].data, a->col[col].len))
			abort();
	}
}

static void
check_failure(int rc, const char *error, size_t offset, size_t size)
{
	if (rc != -EINVAL && rc != -E2BIG)
		abort();
	if (!error || offset > size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct strbuf scratch = { NULL, 0, 0, SCRATCH_MAX };
	const char *text = (const char *)data;
	struct event expected, got, got_top;
	json_error_t jerr;
	json_t *value;
	const char *error = NULL;
	size_t offset = 0;
	int accepted, rc, rc_top;

	value = json_loadb(text, size, JSON_ALLOW_NUL, &jerr);
	accepted = value && event_from_json(&expected, value) == 0;

	rc = jrow_read_row(text, size, &got, &scratch, &error, &offset);
	if (rc == 0) {
		if (!accepted)
			abort();
		compare_events(&expected, &got);
	} else {
		check_failure(rc, error, offset, size);
		if (rc == -E2BIG && max_depth(text, size) <= JDOC_DEPTH_MAX)
			abort();
		if (rc == -EINVAL && accepted)
			abort();
	}

	error = NULL;
	rc_top = jrow_read(text, size, &got_top, &scratch, &error, &offset);
	if (rc_top == JROW_WRAPPER) {
		/* The early return skips the rest, so only a parsed object can be checked. */
		if (accepted && !wrapper_keys(value))
			abort();
	} else {
		if (rc_top != rc)
			abort();
		if (rc_top == 0) {
			if (wrapper_keys(value) == 2)
				abort();
			compare_events(&expected, &got_top);
		} else {
			check_failure(rc_top, error, offset, size);
		}
	}

	json_decref(value);
	return 0;
}
