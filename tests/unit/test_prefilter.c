/*
 * Unit tests for hunt/prefilter: which records prefilter_record() keeps,
 * and whether prefilter_scan_buffer() reports exactly those records with
 * the right offsets, lines and record numbers. Needles, line ends and
 * quotes are placed at every position around the 32- and 64-byte blocks
 * of the vector paths. The host's processor decides which path runs
 * (AVX-512, AVX2 or scalar), so one host tests only one of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hunt/prefilter.h"

struct record_case {
	const char *name;
	const char *rec;
	bool json;
	bool kept;
};

static const struct record_case record_cases[] = {
	/* Every needle, in the case Defender writes it. */
	{ "pth file", "evil.pth", false, true },
	{ "dotpth file", "python311._pth", false, true },
	{ "sitecustomize", "sitecustomize.py", false, true },
	{ "usercustomize", "usercustomize.pyc", false, true },
	{ "customize alone", "customize", false, true },
	{ "site.py", "site.py", false, true },
	{ "site byte code", "site.cpython-312.pyc", false, true },
	{ "PYTHONSTARTUP", "PYTHONSTARTUP", false, true },
	{ "PYTHONPATH", "PYTHONPATH", false, true },
	{ "PYTHONHOME", "PYTHONHOME", false, true },
	{ "PYTHONUSERBASE", "PYTHONUSERBASE", false, true },
	{ "PYTHONWARNINGS", "PYTHONWARNINGS", false, true },
	{ "PYTHONINSPECT", "PYTHONINSPECT", false, true },
	{ "PYTHONPYCACHEPREFIX", "PYTHONPYCACHEPREFIX", false, true },
	{ "PYTHONEXECUTABLE", "PYTHONEXECUTABLE", false, true },
	{ "PYTHONBREAKPOINT", "PYTHONBREAKPOINT", false, true },
	{ "PYTHON_FROZEN_MODULES", "PYTHON_FROZEN_MODULES", false, true },
	{ "PythonCore key", "HKLM\\SOFTWARE\\Python\\PythonCore\\3.11\\PythonPath", false, true },

	/* Mixed case. */
	{ "upper PTH", "EVIL.PTH", false, true },
	{ "mixed dotpth", "Python311._PtH", false, true },
	{ "mixed customize", "SiteCustomize.Py", false, true },
	{ "upper site.py", "SITE.PY", false, true },
	{ "mixed variable", "pYtHoNsTaRtUp", false, true },
	{ "mixed site byte code", "SITE.CPYTHON-39.PYC", false, true },

	/* Look-alikes. */
	{ "pth without dot", "depth", false, false },
	{ "pth at start", "pth", false, false },
	{ "customize cut", "customiz", false, false },
	{ "site.p cut", "site.p", false, false },
	{ "site py without dot", "sitepy", false, false },
	{ "python directory", "/usr/lib/python3.11/os.py", false, false },
	{ "python alone", "python", false, false },
	{ "other variable", "PYTHONHASHSEED", false, false },
	{ "variable cut", "PYTHONPAT", false, false },
	{ "empty", "", false, false },
	{ "one byte", "p", false, false },

	/* \u escapes of letters, '.' and '_' may spell a needle in JSON. */
	{ "escaped m", "sitecusto\\u006dize.py", true, true },
	{ "escaped dot", "site\\u002epy", true, true },
	{ "escaped upper hex", "x\\u002Epth", true, true },
	{ "escaped underscore", "python311\\u005fpth", true, true },
	{ "escaped upper letter", "\\u0050YTHONPATH", true, true },
	{ "escape at start", "\\u0070", true, true },
	{ "escaped letter at end", "abc\\u007a", true, true },
	{ "invalid escape", "\\uzzzz", true, true },
	{ "escaped e acute", "caf\\u00e9", true, false },
	{ "escaped apostrophe", "\\u0027quoted\\u0027", true, false },
	{ "escaped digit", "\\u0030", true, false },
	{ "escaped non-latin", "\\u12ab", true, false },
	{ "escaped backslash before u", "C:\\\\u0070th", true, false },
	{ "three backslashes before u", "C:\\\\\\u0070th", true, true },
	{ "four backslashes before u", "C:\\\\\\\\u0070th", true, false },
	{ "escapes outside JSON", "site\\u002epy", false, false },
	{ "escaped letter outside JSON", "\\u0070", false, false },

	/* Needles at the very start and end. */
	{ "dot pth at start", ".pth", false, true },
	{ "pth at end", "x/y/z.pth", false, true },
	{ "customize at end", "usercustomize", false, true },
	{ "site.py at start", "site.py is here", false, true },
	{ "variable at end", "set PYTHONPATH", false, true },
	{ "core at end", "PythonCore", false, true },
};

static void
test_record_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(record_cases) / sizeof(record_cases[0]); i++) {
		const struct record_case *c = &record_cases[i];
		bool kept = prefilter_record(c->rec, strlen(c->rec), c->json);

		if (kept != c->kept)
			print_error("case '%s': %s expected %s\n", c->name, c->rec,
				    c->kept ? "kept" : "thrown out");
		assert_int_equal(kept, c->kept);
	}
}

/* Only rec[0..len) is read, even where the bytes after it finish a needle. */
static void
test_record_stops_at_length(void **state)
{
	(void)state;
	assert_false(prefilter_record("x.pth", 4, false));
	assert_false(prefilter_record("site.py", 6, false));
	assert_false(prefilter_record("customize", 8, false));
	assert_false(prefilter_record("PYTHONPATH", 9, false));
	assert_false(prefilter_record("PythonCore", 9, false));
	assert_false(prefilter_record("\\u0070", 1, true));
	assert_true(prefilter_record("x.pth", 5, false));
}

/*
 * An escape cut short by the record end is not valid JSON, so the record
 * is kept for the parser to report, as an escape with bad hex digits is.
 * The scanner reads the line end after such an escape and must agree.
 */
static void
test_record_escape_cut_at_end(void **state)
{
	(void)state;
	assert_true(prefilter_record("\\uzz", 4, true));
	assert_true(prefilter_record("x\\u00", 5, true));
	assert_true(prefilter_record("x\\u", 3, true));
}

/* ---- the scanner ---- */

/* Hits kept per scan in these tests. */
#define HITS_MAX 4096

struct hit {
	size_t offset;
	size_t len;
	long line;
	unsigned long record;
};

struct hits {
	const char *buf;
	struct hit item[HITS_MAX];
	size_t n;
	int fail_at;            /* return -5 from this hit (1-based); 0 never */
};

static int
collect(const char *rec, size_t len, long line, unsigned long record, void *opaque)
{
	struct hits *h = opaque;

	assert_true(h->n < HITS_MAX);
	assert_true(rec >= h->buf);
	h->item[h->n].offset = (size_t)(rec - h->buf);
	h->item[h->n].len = len;
	h->item[h->n].line = line;
	h->item[h->n].record = record;
	h->n++;
	if (h->fail_at > 0 && h->n == (size_t)h->fail_at)
		return -5;
	return 0;
}

/* Scans text[0..len) from a padded copy; the copy is freed before returning. */
static long
scan_text(struct prefilter_scan *scan, const char *text, size_t len, struct hits *h)
{
	char *buf = malloc(len + PREFILTER_PAD);
	long done;

	assert_non_null(buf);
	memcpy(buf, text, len);
	memset(buf + len, 0, PREFILTER_PAD);
	h->buf = buf;
	h->n = 0;
	done = prefilter_scan_buffer(scan, buf, len, collect, h);
	free(buf);
	return done;
}

static void
assert_hit(const struct hits *h, size_t i, size_t offset, size_t len, long line,
	   unsigned long record)
{
	assert_true(i < h->n);
	assert_int_equal(h->item[i].offset, offset);
	assert_int_equal(h->item[i].len, len);
	assert_int_equal(h->item[i].line, line);
	assert_int_equal(h->item[i].record, record);
}

static const char *const placed_needles[] = {
	".pth", "_pth", "customize", "site.py", "site.cpython", "PYTHONPATH", "PythonCore",
	"pYtHoNsTaRtUp",
};
static const char *const placed_lookalikes[] = {
	"depth", "customiz", "site.pz", "python3", "pythonpat",
};

/* Highest offset a needle is placed at: past the second 64-byte block. */
#define PLACE_MAX 130

/*
 * Builds "<filler><word><filler>\n" with word at offset at, followed by a
 * second record without any needle. Returns the first record's length.
 */
static size_t
build_placed(char *out, size_t size, const char *word, size_t at, size_t *total)
{
	static const char tail[] = "plain second record\n";
	size_t n = strlen(word), len = at + n + 7;

	assert_true(len + 1 + sizeof(tail) <= size);
	memset(out, 'x', len);
	memcpy(out + at, word, n);
	out[len] = '\n';
	memcpy(out + len + 1, tail, sizeof(tail) - 1);
	*total = len + 1 + sizeof(tail) - 1;
	return len;
}

static void
test_scan_needle_every_offset(void **state)
{
	static struct hits h;
	char text[512];
	size_t w, at;

	(void)state;
	for (w = 0; w < sizeof(placed_needles) / sizeof(placed_needles[0]); w++) {
		for (at = 0; at <= PLACE_MAX; at++) {
			struct prefilter_scan scan = { .csv = (at & 1) != 0, .json = (at & 2) != 0 };
			size_t total, len = build_placed(text, sizeof(text), placed_needles[w], at, &total);
			long done = scan_text(&scan, text, total, &h);

			if (h.n != 1)
				print_error("needle %s at %zu: %zu hits\n", placed_needles[w], at, h.n);
			assert_int_equal(done, (long)total);
			assert_int_equal(h.n, 1);
			assert_hit(&h, 0, 0, len, 1, 1);
			assert_int_equal(scan.lines, 2);
			assert_int_equal(scan.records, 2);
		}
	}
}

/* The needle lies in the second record, whose start moves with it. */
static void
test_scan_needle_second_record(void **state)
{
	static struct hits h;
	char text[512];
	size_t w, at;

	(void)state;
	for (w = 0; w < sizeof(placed_needles) / sizeof(placed_needles[0]); w++) {
		for (at = 1; at <= PLACE_MAX; at++) {
			struct prefilter_scan scan = { .csv = (at & 1) != 0 };
			size_t total, len = build_placed(text, sizeof(text), placed_needles[w], at, &total);
			size_t split = at / 2;
			long done;

			text[split] = '\n';
			done = scan_text(&scan, text, total, &h);
			assert_int_equal(done, (long)total);
			if (h.n != 1)
				print_error("needle %s at %zu: %zu hits\n", placed_needles[w], at, h.n);
			assert_int_equal(h.n, 1);
			assert_hit(&h, 0, split + 1, len - split - 1, 2, 2);
			assert_int_equal(scan.lines, 3);
			assert_int_equal(scan.records, 3);
		}
	}
}

static void
test_scan_lookalike_every_offset(void **state)
{
	static struct hits h;
	char text[512];
	size_t w, at;

	(void)state;
	for (w = 0; w < sizeof(placed_lookalikes) / sizeof(placed_lookalikes[0]); w++) {
		for (at = 0; at <= PLACE_MAX; at++) {
			struct prefilter_scan scan = { .json = true };
			size_t total;
			long done;

			build_placed(text, sizeof(text), placed_lookalikes[w], at, &total);
			done = scan_text(&scan, text, total, &h);
			if (h.n != 0)
				print_error("look-alike %s at %zu kept\n", placed_lookalikes[w], at);
			assert_int_equal(done, (long)total);
			assert_int_equal(h.n, 0);
			assert_int_equal(scan.records, 2);
		}
	}
}

/* A line end at every offset, right after and right before a needle. */
static void
test_scan_line_end_every_offset(void **state)
{
	static struct hits h;
	char text[256];
	size_t at;

	(void)state;
	for (at = 0; at <= PLACE_MAX; at++) {
		struct prefilter_scan scan = { 0 };
		long done;

		memset(text, 'q', sizeof(text));
		memcpy(text + at, "a.pth", 5);
		text[at + 5] = '\n';
		text[at + 6] = '.';
		text[at + 7] = 'p';
		text[at + 8] = 't';
		text[at + 9] = 'h';
		text[at + 10] = '\n';
		done = scan_text(&scan, text, at + 11, &h);
		assert_int_equal(done, (long)(at + 11));
		assert_int_equal(h.n, 2);
		assert_hit(&h, 0, 0, at + 5, 1, 1);
		assert_hit(&h, 1, at + 6, 4, 2, 2);
	}
}

/*
 * A JSON record whose \u escape is cut short by the line end is kept
 * wherever the buffer ends, because the scanner must agree with
 * prefilter_record() although it reads past the record.
 */
static void
test_scan_escape_cut_at_line_end(void **state)
{
	static struct hits h;
	static const char text[] = "a\\u00\nplain\nb\\u0\r\nc\\u\n";
	struct prefilter_scan scan = { .json = true };
	long done = scan_text(&scan, text, sizeof(text) - 1, &h);

	(void)state;
	assert_int_equal(done, (long)(sizeof(text) - 1));
	assert_int_equal(h.n, 3);
	assert_true(prefilter_record(text, 5, true));
	assert_hit(&h, 0, 0, 5, 1, 1);
	assert_hit(&h, 1, 12, 4, 3, 3);
	assert_hit(&h, 2, 18, 3, 4, 4);
}

/* A quote after a bare CR is literal, as csv_split() keeps both as text. */
static void
test_scan_csv_quote_after_bare_cr(void **state)
{
	static struct hits h;
	static const char text[] = "a\r\"b,c.pth\nd\"\n";
	struct prefilter_scan scan = { .csv = true };
	long done;

	(void)state;
	done = scan_text(&scan, text, sizeof(text) - 1, &h);
	assert_int_equal(done, (long)(sizeof(text) - 1));
	assert_int_equal(h.n, 1);
	assert_int_equal(scan.records, 2);
}

static void
test_scan_crlf(void **state)
{
	static struct hits h;
	static const char text[] = "a.pth\r\nplain\r\nb.pth\r\r\n\r\nsite.py\n";
	struct prefilter_scan scan = { 0 };
	long done = scan_text(&scan, text, sizeof(text) - 1, &h);

	(void)state;
	assert_int_equal(done, (long)(sizeof(text) - 1));
	assert_int_equal(h.n, 3);
	assert_hit(&h, 0, 0, 5, 1, 1);
	assert_hit(&h, 1, 14, 6, 3, 3); /* only one CR is dropped */
	assert_hit(&h, 2, 24, 7, 5, 5);
	assert_int_equal(scan.lines, 5);
	assert_int_equal(scan.records, 5);
}

static void
test_scan_csv_quoted_newline(void **state)
{
	static struct hits h;
	static const char text[] = "\"a\nb\",x.pth\nplain\n\"c\"\"\n\",d\nsite.py,\"\"\n";
	struct prefilter_scan csv = { .csv = true };
	struct prefilter_scan lines = { 0 };
	long done;

	(void)state;
	done = scan_text(&csv, text, sizeof(text) - 1, &h);
	assert_int_equal(done, (long)(sizeof(text) - 1));
	assert_int_equal(h.n, 2);
	assert_hit(&h, 0, 0, 11, 1, 1);
	assert_hit(&h, 1, 27, 10, 6, 4);
	assert_int_equal(csv.lines, 6);
	assert_int_equal(csv.records, 4);

	/* Without CSV mode every line end ends a record. */
	done = scan_text(&lines, text, sizeof(text) - 1, &h);
	assert_int_equal(done, (long)(sizeof(text) - 1));
	assert_int_equal(h.n, 2);
	assert_hit(&h, 0, 3, 8, 2, 2);
	assert_hit(&h, 1, 27, 10, 6, 6);
	assert_int_equal(lines.records, 6);
}

/* A quoted field that crosses two 64-byte blocks with line ends inside it. */
static void
test_scan_csv_quote_across_blocks(void **state)
{
	static struct hits h;
	char text[400];
	size_t at, n;

	(void)state;
	for (at = 0; at < 130; at += 3) {
		struct prefilter_scan scan = { .csv = true };
		long done;

		n = 0;
		memset(text, 'r', at);
		n = at;
		/* A quote opens a field only after a separator or at the record start. */
		if (at > 0)
			text[at - 1] = ',';
		text[n++] = '"';
		memset(text + n, 's', 150);
		text[n + 20] = '\n';
		text[n + 90] = '\n';
		text[n + 100] = '"';
		text[n + 101] = '"';
		n += 150;
		text[n++] = '"';
		memcpy(text + n, ",x.pth\nlast\n", 12);
		n += 12;
		done = scan_text(&scan, text, n, &h);
		assert_int_equal(done, (long)n);
		assert_int_equal(h.n, 1);
		assert_hit(&h, 0, 0, n - 6, 1, 1);
		assert_int_equal(scan.lines, 4);
		assert_int_equal(scan.records, 2);
	}
}

/* The unfinished record is left for the next call, which carries the counts. */
static void
test_scan_record_ends_next_call(void **state)
{
	static struct hits h;
	struct prefilter_scan scan = { 0 };
	long done;

	(void)state;
	done = scan_text(&scan, "one\ntwo\nsite.p", 14, &h);
	assert_int_equal(done, 8);
	assert_int_equal(h.n, 0);
	assert_int_equal(scan.lines, 2);
	assert_int_equal(scan.records, 2);

	done = scan_text(&scan, "site.py\nfour\n", 13, &h);
	assert_int_equal(done, 13);
	assert_int_equal(h.n, 1);
	assert_hit(&h, 0, 0, 7, 3, 3);
	assert_int_equal(scan.lines, 4);
	assert_int_equal(scan.records, 4);
}

static void
test_scan_csv_open_quote_next_call(void **state)
{
	static struct hits h;
	struct prefilter_scan scan = { .csv = true };
	long done;

	(void)state;
	done = scan_text(&scan, "a\n\"open\nstill x.pth", 19, &h);
	assert_int_equal(done, 2);
	assert_int_equal(h.n, 0);
	assert_int_equal(scan.lines, 1);
	assert_int_equal(scan.records, 1);

	done = scan_text(&scan, "\"open\nstill x.pth\"\nb\n", 21, &h);
	assert_int_equal(done, 21);
	assert_int_equal(h.n, 1);
	assert_hit(&h, 0, 0, 18, 2, 2);
	assert_int_equal(scan.lines, 4);
	assert_int_equal(scan.records, 3);
}

static void
test_scan_empty_and_no_line_end(void **state)
{
	static struct hits h;
	struct prefilter_scan scan = { .lines = 7, .records = 5 };

	(void)state;
	assert_int_equal(scan_text(&scan, "", 0, &h), 0);
	assert_int_equal(scan_text(&scan, "x.pth", 5, &h), 0);
	assert_int_equal(h.n, 0);
	assert_int_equal(scan.lines, 7);
	assert_int_equal(scan.records, 5);
}

static void
test_scan_callback_error(void **state)
{
	static struct hits h;
	static const char text[] = "a.pth\nb.pth\nc.pth\n";
	struct prefilter_scan scan = { 0 };
	long done;

	(void)state;
	h.fail_at = 2;
	done = scan_text(&scan, text, sizeof(text) - 1, &h);
	h.fail_at = 0;
	assert_int_equal(done, -5);
	assert_int_equal(h.n, 2);
}

/* ---- many records against a scalar reference ---- */

/* Records kept by the reference: split at line ends, one CR dropped. */
static size_t
reference(const char *buf, size_t len, bool csv, bool json, struct hit *out, size_t max)
{
	size_t n = 0, start = 0, i;
	long lines = 0, lines_at_start = 0;
	unsigned long records = 0;
	struct csv_quote_state quote = { false, 0 };
	bool quoted = false;

	for (i = 0; i < len; i++) {
		size_t rec_len;

		if (csv && buf[i] == '"') {
			prefilter_csv_quote(buf, i, &quote);
			quoted = quote.quoted;
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
		if (prefilter_record(buf + start, rec_len, json)) {
			assert_true(n < max);
			out[n++] = (struct hit){ start, rec_len, lines_at_start + 1, records + 1 };
		}
		records++;
		start = i + 1;
		lines_at_start = lines;
	}
	return n;
}

static void
test_scan_matches_reference(void **state)
{
	static const char *const pieces[] = {
		"x", "yy", "\n", "\r\n", "\"", ",", ".pth", "_pth", "customize", "site.py",
		"site.cpython", "PYTHONPATH", "pythoncore", "\\u006d", "\\u00e9", "\\\\u0070", "depth",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Python", "\\", "u",
	};
	static struct hits h;
	static struct hit want[HITS_MAX];
	static char text[16384];
	uint32_t seed = 12345;
	int round;

	(void)state;
	for (round = 0; round < 200; round++) {
		struct prefilter_scan scan = { .csv = round & 1, .json = (round & 2) != 0 };
		size_t n = 0, nwant, i;
		long done;

		while (n < sizeof(text) - 64) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
			memcpy(text + n, p, strlen(p));
			n += strlen(p);
		}
		text[n++] = '\n';
		nwant = reference(text, n, scan.csv, scan.json, want, HITS_MAX);
		done = scan_text(&scan, text, n, &h);
		assert_true(done >= 0);
		assert_int_equal(h.n, nwant);
		for (i = 0; i < nwant; i++)
			assert_hit(&h, i, want[i].offset, want[i].len, want[i].line, want[i].record);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_table),
		cmocka_unit_test(test_record_stops_at_length),
		cmocka_unit_test(test_record_escape_cut_at_end),
		cmocka_unit_test(test_scan_needle_every_offset),
		cmocka_unit_test(test_scan_needle_second_record),
		cmocka_unit_test(test_scan_lookalike_every_offset),
		cmocka_unit_test(test_scan_line_end_every_offset),
		cmocka_unit_test(test_scan_escape_cut_at_line_end),
		cmocka_unit_test(test_scan_crlf),
		cmocka_unit_test(test_scan_csv_quoted_newline),
		cmocka_unit_test(test_scan_csv_quote_across_blocks),
		cmocka_unit_test(test_scan_csv_quote_after_bare_cr),
		cmocka_unit_test(test_scan_record_ends_next_call),
		cmocka_unit_test(test_scan_csv_open_quote_next_call),
		cmocka_unit_test(test_scan_empty_and_no_line_end),
		cmocka_unit_test(test_scan_callback_error),
		cmocka_unit_test(test_scan_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
