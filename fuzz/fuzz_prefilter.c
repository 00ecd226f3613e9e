/*
 * libFuzzer target: prefilter_scan_buffer() must report exactly the
 * records that a plain byte-by-byte reference finds, whichever vector
 * path (AVX-512, AVX2 or scalar) the processor selects.
 *
 * The reference below splits the buffer at '\n' (outside double quotes in
 * CSV mode), strips one trailing '\r', keeps a record when
 * prefilter_record() keeps it, and numbers lines and records from 1. The
 * scanner must call back with the same offsets, lengths, lines and record
 * numbers, return the offset after the last record end, and leave
 * scan.lines and scan.records counting up to that offset.
 *
 * Input layout: in byte 0, bit 0 sets CSV mode and bit 1 JSON mode. Bit 2
 * makes the callback stop the scan at a chosen surviving record. Bits 3..7
 * and byte 1 choose where to cut the buffer for a second run in two calls,
 * and the rest is the buffer. The two-call run carries the scan state and
 * the unfinished tail into the second call, as hunt's reader does.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hunt/prefilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value the stopping callback returns; any negative value must pass through. */
#define STOP_CODE (-77)

struct hit {
	size_t offset;          /* from the start of the whole input buffer */
	size_t len;
	long line;
	unsigned long record;
};

struct hit_list {
	struct hit *items;
	size_t n, cap;
};

struct collector {
	struct hit_list *list;
	const char *base;       /* the whole input, for offsets */
	const char *buf;        /* the buffer of the current call */
	size_t shift;           /* where buf[0] lies in the whole input */
	size_t stop_after;      /* stop at this many hits; 0 never stops */
};

static void
push(struct hit_list *l, size_t offset, size_t len, long line, unsigned long record)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct hit *grown = realloc(l->items, cap * sizeof(*grown));

		if (!grown)
			abort();
		l->items = grown;
		l->cap = cap;
	}
	l->items[l->n++] = (struct hit){ offset, len, line, record };
}

static int
collect(const char *rec, size_t len, long line, unsigned long record, void *opaque)
{
	struct collector *c = opaque;

	if (rec < c->buf)
		abort();
	push(c->list, c->shift + (size_t)(rec - c->buf), len, line, record);
	if (c->stop_after > 0 && c->list->n == c->stop_after)
		return STOP_CODE;
	return 0;
}

/* The reference result of one scan of buf[0..len), counted from line and record 0. */
struct expected {
	struct hit_list hits;
	size_t end;             /* offset after the last record end */
	long lines;             /* newlines before end */
	unsigned long records;  /* records before end */
};

static void
reference_scan(const char *buf, size_t len, bool csv, bool json, struct expected *out)
{
	bool quoted = false;
	size_t start = 0, i, after_close = 0;
	long lines = 0, lines_at_start = 0;
	unsigned long records = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < len; i++) {
		size_t rec_len;

		if (csv && buf[i] == '"') {
			/*
			 * Written out here rather than calling the scanner's helper:
			 * inside quotes every quote toggles; outside, only one at a
			 * field start or right after a closing quote.
			 */
			if (quoted) {
				quoted = false;
				after_close = i + 1;
			} else if (i == 0 || buf[i - 1] == ',' || buf[i - 1] == '\n' ||
				   (after_close != 0 && after_close == i)) {
				quoted = true;
			}
			continue;
		}
		if (buf[i] != '\n')
			continue;
		lines++;
		if (csv && quoted)
			continue;
		rec_len = i - start;
		if (rec_len > 0 && buf[i - 1] == '\r')
			rec_len--;
		if (prefilter_record(buf + start, rec_len, json))
			push(&out->hits, start, rec_len, lines_at_start + 1, records + 1);
		records++;
		start = i + 1;
		lines_at_start = lines;
	}
	out->end = start;
	out->lines = lines_at_start;
	out->records = records;
}

/* A copy of buf[0..len) followed by PREFILTER_PAD zero bytes. */
static char *
padded_copy(const char *buf, size_t len)
{
	char *copy = malloc(len + PREFILTER_PAD);

	if (!copy)
		abort();
	if (len > 0)
		memcpy(copy, buf, len);
	memset(copy + len, 0, PREFILTER_PAD);
	return copy;
}

static void
compare_hits(const struct hit_list *got, const struct hit *want, size_t nwant)
{
	size_t i;

	if (got->n != nwant)
		abort();
	for (i = 0; i < nwant; i++) {
		if (got->items[i].offset != want[i].offset || got->items[i].len != want[i].len ||
		    got->items[i].line != want[i].line || got->items[i].record != want[i].record)
			abort();
	}
}

/* One call over the whole buffer. */
static void
check_one_call(const char *input, size_t len, bool csv, bool json, const struct expected *want)
{
	struct prefilter_scan scan = { .csv = csv, .json = json };
	struct hit_list got = { 0 };
	char *copy = padded_copy(input, len);
	struct collector c = { &got, input, copy, 0, 0 };
	long done = prefilter_scan_buffer(&scan, copy, len, collect, &c);

	if (done < 0 || (size_t)done != want->end)
		abort();
	if (scan.lines != want->lines || scan.records != want->records)
		abort();
	compare_hits(&got, want->hits.items, want->hits.n);
	free(got.items);
	free(copy);
}

/*
 * Two calls: the first scans input[0..cut), the second the unfinished
 * record it left plus the rest, with the scan state carried over.
 */
static void
check_two_calls(const char *input, size_t len, bool csv, bool json, size_t cut,
		const struct expected *want)
{
	struct prefilter_scan scan = { .csv = csv, .json = json };
	struct hit_list got = { 0 };
	char *first = padded_copy(input, cut);
	struct collector c = { &got, input, first, 0, 0 };
	long done = prefilter_scan_buffer(&scan, first, cut, collect, &c);
	char *second;
	long rest;

	if (done < 0 || (size_t)done > cut)
		abort();
	free(first);

	second = padded_copy(input + done, len - (size_t)done);
	c.buf = second;
	c.shift = (size_t)done;
	rest = prefilter_scan_buffer(&scan, second, len - (size_t)done, collect, &c);
	if (rest < 0 || (size_t)done + (size_t)rest != want->end)
		abort();
	if (scan.lines != want->lines || scan.records != want->records)
		abort();
	compare_hits(&got, want->hits.items, want->hits.n);
	free(got.items);
	free(second);
}

/* A callback error stops the scan at once and comes back unchanged. */
static void
check_stop(const char *input, size_t len, bool csv, bool json, size_t stop_after,
	   const struct expected *want)
{
	struct prefilter_scan scan = { .csv = csv, .json = json };
	struct hit_list got = { 0 };
	char *copy = padded_copy(input, len);
	struct collector c = { &got, input, copy, 0, stop_after };
	long done = prefilter_scan_buffer(&scan, copy, len, collect, &c);

	if (done != STOP_CODE)
		abort();
	compare_hits(&got, want->hits.items, stop_after);
	free(got.items);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expected want;
	const char *input;
	size_t len, choice;
	bool csv, json, stop;

	if (size < 2)
		return 0;
	csv = data[0] & 1;
	json = data[0] & 2;
	stop = data[0] & 4;
	choice = ((size_t)(data[0] >> 3) << 8) | data[1];
	input = (const char *)data + 2;
	len = size - 2;

	reference_scan(input, len, csv, json, &want);
	check_one_call(input, len, csv, json, &want);
	check_two_calls(input, len, csv, json, choice % (len + 1), &want);
	if (stop && want.hits.n > 0)
		check_stop(input, len, csv, json, 1 + choice % want.hits.n, &want);
	free(want.hits.items);
	return 0;
}
