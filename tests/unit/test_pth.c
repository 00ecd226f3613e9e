/*
 * Unit tests for python/pth: line splitting, line kinds and decode aborts
 * per CPython release. tests/differential checks the same rules against
 * real interpreters.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "python/pth.h"

#define V27    PYVER(2, 7, 18)
#define V36    PYVER(3, 6, 15)
#define V3117  PYVER(3, 11, 7)
#define V3123  PYVER(3, 12, 3)
#define V3124  PYVER(3, 12, 4)
#define V313A6 PYVER_PRE(3, 13, 0, 0xA, 6)
#define V313B1 PYVER_PRE(3, 13, 0, 0xB, 1)
#define V313B2 PYVER_PRE(3, 13, 0, 0xB, 2)
#define V3130  PYVER(3, 13, 0)

/* Bytes per TextIOWrapper read, as in pth.c. */
#define CHUNK 8192

/* A string literal and its length without the terminating NUL. */
#define BYTES(s) (const uint8_t *)(s), sizeof(s) - 1

/*
 * One file parsed under one release. kinds has one letter per line: E exec,
 * P path, C comment, B blank; lowercase when the line is not reached.
 */
struct parse_case {
	const char *name;
	const uint8_t *input;
	size_t len;
	uint32_t version;
	const char *kinds;
	bool aborts;
};

static const struct parse_case cases[] = {
	{"exec line", BYTES("import os\n"), V3117, "E", false},
	{"exec line with tab", BYTES("import\tos\n"), V3117, "E", false},
	{"exec look-alikes", BYTES(" import os\nImport os\n#import os\nimport\nimportos\n\timport os\n"),
	 V3117, "PPCPPP", false},
	{"look-alikes on 3.13", BYTES(" import os\nImport os\n#import os\nimport\nimportos\n"), V3130,
	 "PPCPP", false},
	{"import at end of file", BYTES("import"), V3130, "P", false},
	{"comment only at column 0", BYTES(" #x\n#x\n"), V3117, "PC", false},
	{"empty file", BYTES(""), V3117, "", false},
	{"empty file 3.13", BYTES(""), V3130, "", false},
	{"no final newline", BYTES("x\nimport os"), V3117, "PE", false},
	{"only a newline", BYTES("\n"), V3130, "B", false},
	{"ascii blanks", BYTES("\n \t\n\f\n"), V3117, "BBB", false},
	{"ascii blanks 2.7", BYTES("\n \t\n\f\n"), V27, "BBB", false},
	{"unicode space 3.x", BYTES("\xe3\x80\x80\n\xc2\xa0\n"), V3117, "BB", false},
	{"unicode space 2.7", BYTES("\xe3\x80\x80\n\xc2\xa0\n"), V27, "PP", false},
	{"x1c blank 3.x", BYTES("\x1c\n"), V3117, "B", false},
	{"x1c path 2.7", BYTES("\x1c\n"), V27, "P", false},
	{"nul is not blank", BYTES("\0\n"), V3117, "P", false},
	{"cr lines", BYTES("import a\rimport b\r"), V3117, "EE", false},
	{"crlf lines", BYTES("import a\r\nimport b\r\n"), V3117, "EE", false},
	{"crlf lines 2.7", BYTES("import a\r\nimport b\r\n"), V27, "EE", false},
	{"crlf lines 3.13", BYTES("import a\r\nimport b\r\n"), V3130, "EE", false},
	{"cr then crlf", BYTES("a\r\r\nb"), V3117, "PBP", false},
	{"form feed 2.7", BYTES("zzz\fimport os\n"), V27, "P", false},
	{"form feed 3.12.3", BYTES("zzz\fimport os\n"), V3123, "P", false},
	{"form feed 3.12.4", BYTES("zzz\fimport os\n"), V3124, "PE", false},
	{"form feed 3.13.0a6", BYTES("zzz\fimport os\n"), V313A6, "P", false},
	{"form feed 3.13.0b1", BYTES("zzz\fimport os\n"), V313B1, "PE", false},
	{"vtab 3.12.3", BYTES("zzz\vimport os\n"), V3123, "P", false},
	{"vtab 3.12.4", BYTES("zzz\vimport os\n"), V3124, "PE", false},
	{"x1c 3.12.3", BYTES("zzz\x1cimport os\n"), V3123, "P", false},
	{"x1c 3.12.4", BYTES("zzz\x1cimport os\n"), V3124, "PE", false},
	{"x1d 3.13.0", BYTES("zzz\x1dimport os\n"), V3130, "PE", false},
	{"x1e 3.13.0", BYTES("zzz\x1eimport os\n"), V3130, "PE", false},
	{"x1f is no break", BYTES("zzz\x1fimport os\n"), V3130, "P", false},
	{"nel 2.7", BYTES("zzz\xc2\x85import os\n"), V27, "P", false},
	{"nel 3.12.3", BYTES("zzz\xc2\x85import os\n"), V3123, "P", false},
	{"nel 3.12.4", BYTES("zzz\xc2\x85import os\n"), V3124, "PE", false},
	{"raw 0x85 aborts 3.12.4", BYTES("zzz\x85import os\n"), V3124, "p", true},
	{"raw 0x85 is bytes 2.7", BYTES("zzz\x85import os\n"), V27, "P", false},
	{"u2028 3.12.3", BYTES("zzz\xe2\x80\xa8import os\n"), V3123, "P", false},
	{"u2028 3.12.4", BYTES("zzz\xe2\x80\xa8import os\n"), V3124, "PE", false},
	{"u2028 3.13.0a6", BYTES("zzz\xe2\x80\xa8import os\n"), V313A6, "P", false},
	{"u2028 3.13.0b1", BYTES("zzz\xe2\x80\xa8import os\n"), V313B1, "PE", false},
	{"u2029 3.13.0", BYTES("zzz\xe2\x80\xa9import os\n"), V3130, "PE", false},
	{"u2027 is no break", BYTES("zzz\xe2\x80\xa7import os\n"), V3130, "P", false},
	{"bom 2.7", BYTES("\xef\xbb\xbfimport os\nimport sys\n"), V27, "PE", false},
	{"bom 3.12.3", BYTES("\xef\xbb\xbfimport os\nimport sys\n"), V3123, "PE", false},
	{"bom 3.12.4", BYTES("\xef\xbb\xbfimport os\nimport sys\n"), V3124, "EE", false},
	{"bom 3.13.0a6", BYTES("\xef\xbb\xbfimport os\nimport sys\n"), V313A6, "PE", false},
	{"bom 3.13.0b1", BYTES("\xef\xbb\xbfimport os\nimport sys\n"), V313B1, "PE", false},
	{"bom 3.13.0b2", BYTES("\xef\xbb\xbfimport os\nimport sys\n"), V313B2, "EE", false},
	{"bom only 3.12.3", BYTES("\xef\xbb\xbf"), V3123, "P", false},
	{"bom only 3.12.4", BYTES("\xef\xbb\xbf"), V3124, "", false},
	{"bom newline 3.13.0", BYTES("\xef\xbb\xbf\n"), V3130, "B", false},
	{"bom comment 3.12.3", BYTES("\xef\xbb\xbf#c\n"), V3123, "P", false},
	{"bom comment 3.13.0", BYTES("\xef\xbb\xbf#c\n"), V3130, "C", false},
	{"bad byte 2.7", BYTES("import a\n\xff\nimport b\n"), V27, "EPE", false},
	{"bad byte 3.6", BYTES("import a\n\xff\nimport b\n"), V36, "epe", true},
	{"bad byte 3.12.3", BYTES("import a\n\xff\nimport b\n"), V3123, "epe", true},
	{"bad byte 3.13.0b1", BYTES("import a\n\xff\nimport b\n"), V313B1, "epe", true},
	{"bad byte 3.13.0", BYTES("import a\n\xff\nimport b\n"), V3130, "epe", true},
	{"surrogate 3.12.3", BYTES("import a\n\xed\xa0\x80\n"), V3123, "ep", true},
	{"surrogate 3.13.0", BYTES("import a\n\xed\xa0\x80\n"), V3130, "ep", true},
	{"surrogate 2.7", BYTES("import a\n\xed\xa0\x80\n"), V27, "EP", false},
	{"overlong 3.13.0", BYTES("import a\n\xc0\xaf\n"), V3130, "ep", true},
	/* At end of file the stream reader has run every terminated line. */
	{"truncated at eof 3.12.3", BYTES("import a\nimport b\n\xe2\x82"), V3123, "EEp", true},
	{"truncated at eof 3.13.0", BYTES("import a\nimport b\n\xe2\x82"), V3130, "eep", true},
	{"truncated before eol 3.12.3", BYTES("import a\n\xe2\x82\nimport b\n"), V3123, "epe", true},
	/* The \r waits for the next character, which never decodes. */
	{"cr before bad tail 3.12.3", BYTES("import a\r\xe2\x82"), V3123, "ep", true},
	{"cr before good tail 3.12.3", BYTES("import a\rb\xe2\x82"), V3123, "Ep", true},
};

/* Returns the kind letter for one parsed line. */
static char
kind_letter(const struct pth_line *line)
{
	static const char letters[] = {
		[PTH_LINE_COMMENT] = 'C',
		[PTH_LINE_BLANK] = 'B',
		[PTH_LINE_EXEC] = 'E',
		[PTH_LINE_PATH] = 'P',
	};
	char c = letters[line->kind];

	return line->reached ? c : (char)(c - 'A' + 'a');
}

static void
test_parse_case(void **state)
{
	const struct parse_case *c = *state;
	struct pth_rules rules;
	struct pth_result res;
	char got[64];
	size_t i;

	pth_rules_for(c->version, &rules);
	assert_int_equal(pth_parse(c->input, c->len, &rules, &res), 0);
	assert_true(res.nlines < sizeof(got));
	for (i = 0; i < res.nlines; i++) {
		got[i] = kind_letter(&res.lines[i]);
		assert_int_equal(res.lines[i].number, (long)i + 1);
		assert_true(res.lines[i].offset + res.lines[i].len <= c->len);
	}
	got[res.nlines] = '\0';
	assert_string_equal(got, c->kinds);
	assert_int_equal(res.aborts, c->aborts);
	pth_result_free(&res);
}

static struct pth_result
parse_as(const uint8_t *buf, size_t len, uint32_t version)
{
	struct pth_rules rules;
	struct pth_result res;

	pth_rules_for(version, &rules);
	assert_int_equal(pth_parse(buf, len, &rules, &res), 0);
	return res;
}

static void
test_offsets_and_lengths(void **state)
{
	static const char text[] = "import a\r\nb\rc\n\nd";
	struct pth_result res = parse_as(BYTES(text), V3117);

	assert_int_equal(res.nlines, 5);
	assert_int_equal(res.lines[0].offset, 0);
	assert_int_equal(res.lines[0].len, 8);
	assert_int_equal(res.lines[1].offset, 10);
	assert_int_equal(res.lines[1].len, 1);
	assert_int_equal(res.lines[2].offset, 12);
	assert_int_equal(res.lines[2].len, 1);
	assert_int_equal(res.lines[3].offset, 14);
	assert_int_equal(res.lines[3].len, 0);
	assert_int_equal(res.lines[4].offset, 15);
	assert_int_equal(res.lines[4].len, 1);
	assert_int_equal(res.lines[4].number, 5);
	pth_result_free(&res);
}

static void
test_bom_offset_per_version(void **state)
{
	static const char text[] = "\xef\xbb\xbfimport os\n";
	struct pth_result kept = parse_as(BYTES(text), V313B1);
	struct pth_result stripped = parse_as(BYTES(text), V313B2);

	assert_int_equal(kept.bom_len, 3);
	assert_int_equal(kept.lines[0].offset, 0);
	assert_int_equal(kept.lines[0].len, 12);
	assert_int_equal(kept.lines[0].kind, PTH_LINE_PATH);
	assert_int_equal(stripped.bom_len, 3);
	assert_int_equal(stripped.lines[0].offset, 3);
	assert_int_equal(stripped.lines[0].len, 9);
	assert_int_equal(stripped.lines[0].kind, PTH_LINE_EXEC);
	pth_result_free(&kept);
	pth_result_free(&stripped);
}

static void
test_abort_offset_is_first_bad_byte(void **state)
{
	static const char text[] = "import a\nab\xe2\x82xyz\xff\n";
	struct pth_result res = parse_as(BYTES(text), V3130);

	assert_true(res.aborts);
	assert_int_equal(res.abort_offset, 11);
	pth_result_free(&res);
	res = parse_as(BYTES(text), V27);
	assert_false(res.aborts);
	pth_result_free(&res);
}

/*
 * Builds a file whose first lines are "import ..." lines that fill bytes
 * [0, fill) exactly, the last one ending with terminator at fill, and then
 * tail. Returns the buffer (caller frees) and its length.
 */
static uint8_t *
build_chunked(size_t fill, const char *terminator, const uint8_t *tail, size_t tail_len,
	      size_t *len)
{
	size_t tlen = strlen(terminator), pos = 0;
	uint8_t *buf = malloc(fill + tlen + tail_len);

	assert_non_null(buf);
	while (fill - pos > 100 + tlen) {
		memset(buf + pos, 'x', 99);
		memcpy(buf + pos, "import x", 8);
		buf[pos + 99] = '\n';
		pos += 100;
	}
	memset(buf + pos, 'y', fill - pos);
	memcpy(buf + pos, "import y", 8);
	memcpy(buf + fill - tlen, terminator, tlen);
	memcpy(buf + fill, tail, tail_len);
	*len = fill + tail_len;
	return buf;
}

/* Returns the line whose line break of blen bytes ends at offset end. */
static const struct pth_line *
line_ending_at(const struct pth_result *res, size_t end, size_t blen)
{
	size_t i;

	for (i = 0; i < res->nlines; i++) {
		if (res->lines[i].offset + res->lines[i].len + blen == end)
			return &res->lines[i];
	}
	fail_msg("no line ends at %zu", end);
	return NULL;
}

struct chunk_case {
	const char *name;
	size_t fill;            /* where the filled lines end */
	const char *terminator; /* line break of the last filled line */
	const char *tail;       /* bytes after fill, holding the bad byte */
	size_t tail_len;
	bool first_reached;     /* under 3.12.3, is line 1 run? */
	bool last_reached;      /* under 3.12.3, is the last filled line run? */
};

static const struct chunk_case chunk_cases[] = {
	/* The bad byte is in the second chunk, so the whole first chunk runs. */
	{"lf ends at chunk end", CHUNK, "\n", "\n\xff\n", 3, true, true},
	/* The line break is read with the second chunk, which fails. */
	{"lf after chunk end", CHUNK + 1, "\n", "\xff\n", 2, true, false},
	{"crlf ends at chunk end", CHUNK, "\r\n", "\xff\n", 2, true, true},
	{"crlf across chunks", CHUNK + 1, "\r\n", "\xff\n", 2, true, false},
	/* A trailing \r waits for the next character: \n or not. */
	{"cr at chunk end", CHUNK, "\r", "\xff\n", 2, true, false},
	{"cr before chunk end", CHUNK - 1, "\r", "x\xff\n", 3, true, true},
	{"cr before char in chunk", CHUNK - 3, "\r", "\xe2\x82\xac\xff\n", 5, true, true},
	{"cr before char across", CHUNK - 2, "\r", "\xe2\x82\xac\xff\n", 5, true, false},
	/* Invalid as a first byte, so the first chunk itself fails. */
	{"bad byte last in chunk", CHUNK - 1, "\n", "\xff\n", 2, false, false},
	/* A valid start byte at the end waits for the next chunk. */
	{"lead byte last in chunk", CHUNK - 1, "\n", "\xe2" "A\n", 3, true, true},
	{"e0 last in chunk", CHUNK - 1, "\n", "\xe0\x80\n", 3, true, true},
	{"ed last in chunk", CHUNK - 1, "\n", "\xed\xa0\x80\n", 4, true, true},
	{"e0 80 in chunk", CHUNK - 2, "\n", "\xe0\x80\n", 3, false, false},
	{"surrogate in chunk", CHUNK - 2, "\n", "\xed\xa0\x80\n", 4, false, false},
};

static void
test_chunk_case(void **state)
{
	const struct chunk_case *c = *state;
	struct pth_result res;
	size_t len, i;
	uint8_t *buf = build_chunked(c->fill, c->terminator, (const uint8_t *)c->tail, c->tail_len,
				     &len);

	res = parse_as(buf, len, V3123);
	assert_true(res.aborts);
	assert_int_equal(res.lines[0].reached, c->first_reached);
	assert_int_equal(line_ending_at(&res, c->fill, strlen(c->terminator))->reached,
			 c->last_reached);
	assert_false(res.lines[res.nlines - 1].reached);
	pth_result_free(&res);

	/* Whole-file decoding runs nothing. */
	res = parse_as(buf, len, V3124);
	assert_true(res.aborts);
	for (i = 0; i < res.nlines; i++)
		assert_false(res.lines[i].reached);
	pth_result_free(&res);

	/* 2.7 never decodes, so every line runs. */
	res = parse_as(buf, len, V27);
	assert_false(res.aborts);
	for (i = 0; i < res.nlines; i++)
		assert_true(res.lines[i].reached);
	pth_result_free(&res);
	free(buf);
}

/* A bad byte deep in the third chunk leaves both earlier chunks running. */
static void
test_chunk_third(void **state)
{
	size_t len, i, last_first = 0;
	uint8_t *buf = build_chunked(3 * CHUNK - 50, "\n", (const uint8_t *)"\xff\n", 2, &len);
	struct pth_result res = parse_as(buf, len, V3117);

	for (i = 0; i < res.nlines; i++) {
		size_t end = res.lines[i].offset + res.lines[i].len + 1;

		assert_int_equal(res.lines[i].reached, end <= 2 * CHUNK);
		if (res.lines[i].reached)
			last_first = end;
	}
	assert_true(last_first > 2 * CHUNK - 100);
	pth_result_free(&res);
	free(buf);
}

static void
test_max_lines(void **state)
{
	size_t len = PTH_MAX_LINES + 1;
	uint8_t *buf = malloc(len);
	struct pth_rules rules;
	struct pth_result res;

	assert_non_null(buf);
	pth_rules_for(V3130, &rules);
	memset(buf, '\n', len);
	assert_int_equal(pth_parse(buf, len, &rules, &res), -E2BIG);
	assert_null(res.lines);
	memset(buf, '\f', len);
	assert_int_equal(pth_parse(buf, len, &rules, &res), -E2BIG);

	/* Form feeds are no line break in 3.11, so this is one line. */
	pth_rules_for(V3117, &rules);
	assert_int_equal(pth_parse(buf, len, &rules, &res), 0);
	assert_int_equal(res.nlines, 1);
	pth_result_free(&res);

	pth_rules_for(V3130, &rules);
	assert_int_equal(pth_parse(buf, len - 1, &rules, &res), 0);
	assert_int_equal(res.nlines, PTH_MAX_LINES);
	assert_int_equal(res.lines[PTH_MAX_LINES - 1].number, (long)PTH_MAX_LINES);
	pth_result_free(&res);
	free(buf);
}

/* No byte past len is read: the input has no terminating NUL. */
static void
test_no_nul_needed(void **state)
{
	uint8_t *buf = malloc(9);
	struct pth_result res;

	assert_non_null(buf);
	memcpy(buf, "import \xe2\x80", 9);
	res = parse_as(buf, 9, V3130);
	assert_int_equal(res.nlines, 1);
	assert_true(res.aborts);
	pth_result_free(&res);
	res = parse_as(buf, 9, V3123);
	assert_int_equal(res.nlines, 1);
	assert_false(res.lines[0].reached);
	pth_result_free(&res);
	free(buf);
}

struct addsitedir_case {
	const char *line;
	const char *arg; /* NULL when nothing may be found */
};

static const struct addsitedir_case addsitedir_cases[] = {
	{"import site; site.addsitedir(\"/opt/x\")", "/opt/x"},
	{"import site; site.addsitedir('/opt/y')", "/opt/y"},
	{"from site import addsitedir; addsitedir('/a')", "/a"},
	{"import site; site.addsitedir( '/a' , known)", "/a"},
	{"import site; site.addsitedir ('/a')", "/a"},
	{"import site as s; s.addsitedir(r'C:\\x\\y')", "C:\\x\\y"},
	{"import site; site.addsitedir(r'a\\'b')", "a\\'b"},
	{"import site; site.addsitedir(u'/u')", "/u"},
	{"import site; site.addsitedir('')", ""},
	{"import site; site.addsitedir(sys.prefix); site.addsitedir('/second')", "/second"},
	{"import site; site.addsitedir('/a\\n')", NULL},
	{"import site; site.addsitedir(sys.prefix)", NULL},
	{"import site; site.myaddsitedir('/a')", NULL},
	{"import site; site.addsitedir('/a' + x)", NULL},
	{"import site; site.addsitedir('a' 'b')", NULL},
	{"import site; site.addsitedir('''a''')", NULL},
	{"import site; site.addsitedir(b'/a')", NULL},
	{"import site; site.addsitedir(f'/a')", NULL},
	{"import site; site.addsitedir('/unterminated", NULL},
	{"import site; site.addsitedir(", NULL},
	{"import site; site.addsitedir", NULL},
	{"import site; site.addsitedirs('/a')", NULL},
};

static void
test_find_addsitedir_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(addsitedir_cases) / sizeof(addsitedir_cases[0]); i++) {
		const struct addsitedir_case *c = &addsitedir_cases[i];
		const uint8_t *arg = NULL;
		size_t arglen = 0;
		bool found = pth_find_addsitedir((const uint8_t *)c->line, strlen(c->line), &arg, &arglen);

		if (found != (c->arg != NULL))
			print_message("pth_find_addsitedir: wrong result for: %s\n", c->line);
		assert_int_equal(found, c->arg != NULL);
		if (!c->arg)
			continue;
		assert_int_equal(arglen, strlen(c->arg));
		assert_memory_equal(arg, c->arg, arglen);
		assert_true(arg >= (const uint8_t *)c->line && arg + arglen <= (const uint8_t *)c->line + strlen(c->line));
	}
}

/* The length bounds the search even when the literal continues past it. */
static void
test_find_addsitedir_length(void **state)
{
	static const char line[] = "addsitedir('/abc')";
	const uint8_t *arg;
	size_t arglen;

	assert_false(pth_find_addsitedir((const uint8_t *)line, sizeof(line) - 3, &arg, &arglen));
	assert_true(pth_find_addsitedir((const uint8_t *)line, sizeof(line) - 1, &arg, &arglen));
	assert_int_equal(arglen, 4);
}

int
main(void)
{
	enum {
		NPARSE = sizeof(cases) / sizeof(cases[0]),
		NCHUNK = sizeof(chunk_cases) / sizeof(chunk_cases[0]),
	};
	struct CMUnitTest parse_tests[NPARSE], chunk_tests[NCHUNK];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_and_lengths),
		cmocka_unit_test(test_bom_offset_per_version),
		cmocka_unit_test(test_abort_offset_is_first_bad_byte),
		cmocka_unit_test(test_chunk_third),
		cmocka_unit_test(test_max_lines),
		cmocka_unit_test(test_no_nul_needed),
		cmocka_unit_test(test_find_addsitedir_table),
		cmocka_unit_test(test_find_addsitedir_length),
	};
	size_t i;
	int failed;

	for (i = 0; i < NPARSE; i++) {
		parse_tests[i] = (struct CMUnitTest){
			.name = cases[i].name,
			.test_func = test_parse_case,
			.initial_state = (void *)(uintptr_t)&cases[i],
		};
	}
	for (i = 0; i < NCHUNK; i++) {
		chunk_tests[i] = (struct CMUnitTest){
			.name = chunk_cases[i].name,
			.test_func = test_chunk_case,
			.initial_state = (void *)(uintptr_t)&chunk_cases[i],
		};
	}
	failed = _cmocka_run_group_tests("pth_parse", parse_tests, NPARSE, NULL, NULL);
	failed += _cmocka_run_group_tests("decode chunks", chunk_tests, NCHUNK, NULL, NULL);
	failed += cmocka_run_group_tests_name("pth", tests, NULL, NULL);
	return failed != 0;
}
