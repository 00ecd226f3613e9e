/*
 * libFuzzer target: jdoc must never crash, every element it emits must be
 * a run of the input's bytes with the bracket its kind promises, and the
 * callbacks must not depend on how the input is cut into pieces. The first
 * two bytes choose a split point, and the rest is the JSON text.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hunt/jdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs up to this size are also fed one byte at a time. */
#define BYTEWISE_MAX 4096

struct run {
	const char *input;
	size_t input_len;
	long lines;
	struct strbuf log; /* the callbacks, written out for comparison */
	int failed;        /* an allocation failed, so the run is not compared */
};

static void
log_bytes(struct run *r, const void *p, size_t n)
{
	if (strbuf_append(&r->log, p, n) < 0)
		r->failed = 1;
}

static void
log_number(struct run *r, char tag, long value)
{
	if (strbuf_printf(&r->log, "%c%ld:", tag, value) < 0)
		r->failed = 1;
}

static void
check_element(const struct run *r, enum jdoc_kind kind, const char *data, size_t len)
{
	if (len > JDOC_ELEMENT_MAX)
		abort();
	if (kind == JDOC_TABLE_END) {
		if (len != 0)
			abort();
		return;
	}
	if (len == 0)
		abort();
	if (kind == JDOC_ROW && (data[0] != '{' || data[len - 1] != '}'))
		abort();
	if (kind != JDOC_ROW && (data[0] != '[' || data[len - 1] != ']'))
		abort();
	if (!memmem(r->input, r->input_len, data, len))
		abort();
}

static int
on_emit(enum jdoc_kind kind, const char *data, size_t len, long line, void *opaque)
{
	struct run *r = opaque;

	if ((int)kind < JDOC_ROW || kind > JDOC_TABLE_END)
		abort();
	if (line < 1 || line > r->lines)
		abort();
	check_element(r, kind, data, len);
	log_number(r, (char)('0' + kind), line);
	log_bytes(r, data, len);
	log_bytes(r, "\n", 1);
	return 0;
}

static void
on_error(long line, const char *message, void *opaque)
{
	struct run *r = opaque;

	if (line < 1 || line > r->lines)
		abort();
	if (!message || message[0] < 'a' || message[0] > 'z')
		abort();
	log_number(r, '!', line);
	log_bytes(r, message, strlen(message));
	log_bytes(r, "\n", 1);
}

/* Feeds the input in pieces of `piece` bytes, the first one `first` long. */
static void
feed_run(struct run *r, size_t first, size_t piece)
{
	struct jdoc d;
	size_t at = first < r->input_len ? first : r->input_len;

	strbuf_init(&r->log, 64u * 1024 * 1024);
	r->failed = 0;
	jdoc_init(&d, on_emit, on_error, r);
	if (jdoc_feed(&d, r->input, at) < 0)
		r->failed = 1;
	while (at < r->input_len && !r->failed) {
		size_t n = r->input_len - at < piece ? r->input_len - at : piece;

		if (jdoc_feed(&d, r->input + at, n) < 0)
			r->failed = 1;
		at += n;
	}
	if (!r->failed && jdoc_finish(&d) < 0)
		abort();
	if (!r->failed && !jdoc_at_top(&d))
		abort();
	jdoc_free(&d);
}

static void
compare_runs(const struct run *a, const struct run *b)
{
	if (a->failed || b->failed)
		return;
	if (a->log.len != b->log.len || memcmp(a->log.data, b->log.data, a->log.len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, split, bytewise;
	size_t i, cut;

	if (size < 2)
		return 0;
	cut = ((size_t)data[0] << 8 | data[1]);
	data += 2;
	size -= 2;
	cut = size ? cut % (size + 1) : 0;

	whole.input = (const char *)data;
	whole.input_len = size;
	whole.lines = 1;
	for (i = 0; i < size; i++) {
		if (data[i] == '\n')
			whole.lines++;
	}
	split = whole;
	bytewise = whole;

	feed_run(&whole, size, size);
	feed_run(&split, cut, size);
	compare_runs(&whole, &split);
	if (size <= BYTEWISE_MAX) {
		feed_run(&bytewise, 1, 1);
		compare_runs(&whole, &bytewise);
		strbuf_free(&bytewise.log);
	}
	strbuf_free(&whole.log);
	strbuf_free(&split.log);
	return 0;
}
