#include "hunt/prefilter.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

#include "core/hex.h"

static inline unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* True when s (readable for len bytes) starts with lower-case word, ignoring case. */
static bool
starts_ci(const unsigned char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++) {
		if (i >= len || fold(s[i]) != (unsigned char)word[i])
			return false;
	}
	return true;
}

/* Start-up variables after "python", and "core" for PythonCore registry keys. */
static const char *const python_suffixes[] = {
	"startup", "path", "home", "userbase", "warnings", "inspect",
	"pycacheprefix", "executable", "breakpoint", "_frozen_modules", "core",
};

/*
 * The needles are ASCII and Kusto folds ASCII letters only, so a \uXXXX
 * escape can only hide part of one when it encodes an ASCII letter, '.'
 * or '_'. Escapes of other characters (\u00e9, \u0027) are common in
 * exported JSON and keep no record.
 */
static bool
escape_may_spell_needle(const unsigned char *hex)
{
	int d[4], i, c;

	for (i = 0; i < 4; i++) {
		d[i] = hex_digit(hex[i]);
		if (d[i] < 0)
			return true; /* not a valid escape: let the parser report it */
	}
	if (d[0] != 0 || d[1] != 0)
		return false;
	c = d[2] * 16 + d[3];
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_';
}

/*
 * Checks for a whole needle around buf[pos], where a three-byte fingerprint
 * matched. buf is readable from 0 to end; pos < end.
 */
static bool
needle_at(const unsigned char *buf, size_t pos, size_t end, bool json)
{
	const unsigned char *p = buf + pos;
	size_t avail = end - pos;
	size_t i, run;

	switch (fold(p[0])) {
	case 'p':
		if (avail >= 3 && fold(p[1]) == 't' && fold(p[2]) == 'h')
			return pos >= 1 && (p[-1] == '.' || p[-1] == '_');
		if (!starts_ci(p, avail, "python"))
			return false;
		if (pos >= 6 && starts_ci(p - 6, 6, "site.c"))
			return true;
		for (i = 0; i < sizeof(python_suffixes) / sizeof(python_suffixes[0]); i++) {
			if (starts_ci(p + 6, avail - 6, python_suffixes[i]))
				return true;
		}
		return false;
	case 'm':
		return pos >= 5 && starts_ci(p - 5, avail + 5, "customize");
	case '.':
		return pos >= 4 && starts_ci(p - 4, avail + 4, "site.py");
	case '\\':
		if (!json || avail < 2 || p[1] != 'u')
			return false;
		for (run = 1; run <= pos && buf[pos - run] == '\\'; run++)
			;
		/* A cut or invalid escape is kept, so the parser reports it. */
		return run % 2 == 1 && (avail < 6 || escape_may_spell_needle(p + 2));
	}
	return false;
}

/* The fingerprints: "pth", "pyt", "miz", ".py", and "\u" in JSON. */
static inline bool
fingerprint_at(const unsigned char *p, bool json)
{
	unsigned char a = fold(p[0]), b = fold(p[1]), c = fold(p[2]);

	if (a == 'p')
		return (b == 't' && c == 'h') || (b == 'y' && c == 't');
	if (a == 'm')
		return b == 'i' && c == 'z';
	if (a == '.')
		return b == 'p' && c == 'y';
	return json && a == '\\' && p[1] == 'u';
}

bool
prefilter_record(const char *rec, size_t len, bool json)
{
	const unsigned char *buf = (const unsigned char *)rec;
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		unsigned char window[3] = { buf[i], buf[i + 1], i + 2 < len ? buf[i + 2] : 0 };

		if (fingerprint_at(window, json) && needle_at(buf, i, len, json))
			return true;
	}
	return false;
}

static inline bool
field_start_before(const unsigned char *u, size_t i)
{
	/* A bare CR is a literal character inside a field, as csv_split() keeps it. */
	return i == 0 || u[i - 1] == ',' || u[i - 1] == '\n';
}

bool
prefilter_csv_quote(const char *buf, size_t i, struct csv_quote_state *state)
{
	const unsigned char *u = (const unsigned char *)buf;

	if (state->quoted) {
		state->quoted = false;
		state->after_close = i + 1;
		return true;
	}
	if (field_start_before(u, i) || (state->after_close != 0 && state->after_close == i)) {
		state->quoted = true;
		return true;
	}
	return false;
}

/*
 * Per-scan state: where the current record began, and whether it survives.
 * Counting lines at the record start lets a caller print where it began.
 */
struct scan_state {
	size_t boundary;        /* offset where the current record starts */
	long lines_at_boundary;
	unsigned long records_at_boundary;
	bool pending;           /* the current record contains a needle */
	long lines;             /* newlines before the current block */
	struct csv_quote_state quote; /* CSV quoting at the current position */
};

static int
end_record(struct prefilter_scan *scan, struct scan_state *st, const char *buf,
	   size_t newline, long lines_before_newline, prefilter_fn fn, void *opaque)
{
	int rc = 0;
	size_t len = newline - st->boundary;

	if (st->pending) {
		if (len > 0 && buf[newline - 1] == '\r')
			len--;
		rc = fn(buf + st->boundary, len, st->lines_at_boundary + 1,
			st->records_at_boundary + 1, opaque);
	}
	st->pending = false;
	st->boundary = newline + 1;
	st->lines_at_boundary = lines_before_newline + 1;
	st->records_at_boundary++;
	(void)scan;
	return rc;
}

/* Handles one position of the scalar scan; shared by the tail of the AVX2 path. */
static int
scan_byte(struct prefilter_scan *scan, struct scan_state *st, const char *buf,
	  size_t len, size_t i, prefilter_fn fn, void *opaque)
{
	const unsigned char *u = (const unsigned char *)buf;
	int rc = 0;

	if (u[i] == '"' && scan->csv) {
		prefilter_csv_quote(buf, i, &st->quote);
	} else if (u[i] == '\n') {
		if (!st->quote.quoted)
			rc = end_record(scan, st, buf, i, st->lines, fn, opaque);
		st->lines++;
	} else if (!st->pending && fingerprint_at(u + i, scan->json) &&
		   needle_at(u, i, len, scan->json)) {
		st->pending = true;
	}
	return rc;
}

#if HAVE_X86
/*
 * Handles one block of up to 64 bytes at buf[base]: cand marks fingerprint
 * positions, nl line ends and ends the line ends that close a record.
 * Positions are visited in order, so a record's start, needle and end
 * are seen as a scalar scan would see them.
 */
__attribute__((target("popcnt,bmi")))
static inline int
walk_block(struct prefilter_scan *scan, struct scan_state *st, const char *buf, size_t len,
	   size_t base, uint64_t cand, uint64_t nl, uint64_t ends, prefilter_fn fn, void *opaque)
{
	const unsigned char *u = (const unsigned char *)buf;
	int rc;

	while (cand | ends) {
		uint64_t next = cand | ends;
		unsigned int bit = (unsigned int)__builtin_ctzll(next);
		uint64_t below = bit == 0 ? 0 : (~UINT64_C(0) >> (64 - bit));

		if (ends & (UINT64_C(1) << bit)) {
			rc = end_record(scan, st, buf, base + bit,
					st->lines + __builtin_popcountll(nl & below), fn, opaque);
			if (rc < 0)
				return rc;
			ends &= ends - 1;
			continue;
		}
		cand &= cand - 1;
		if (!st->pending && needle_at(u, base + bit, len, scan->json))
			st->pending = true;
	}
	st->lines += __builtin_popcountll(nl);
	return 0;
}

/*
 * Bit k is set when byte k of the block at buf[base] lies inside quotes.
 * quotes marks the block's quote bytes; they are applied in order, because
 * whether a quote counts depends on the state it meets.
 */
__attribute__((target("popcnt,bmi")))
static inline uint64_t
quoted_mask(const char *buf, size_t base, uint64_t quotes, struct csv_quote_state *state)
{
	uint64_t toggles = 0, inside;
	bool start_quoted = state->quoted;

	for (; quotes; quotes &= quotes - 1) {
		unsigned int bit = (unsigned int)__builtin_ctzll(quotes);

		if (prefilter_csv_quote(buf, base + bit, state))
			toggles |= UINT64_C(1) << bit;
	}
	inside = toggles;
	inside ^= inside << 1;
	inside ^= inside << 2;
	inside ^= inside << 4;
	inside ^= inside << 8;
	inside ^= inside << 16;
	inside ^= inside << 32;
	return start_quoted ? ~inside : inside;
}

__attribute__((target("avx2,popcnt,bmi")))
static long
scan_avx2(struct prefilter_scan *scan, struct scan_state *st, const char *buf, size_t len,
	  prefilter_fn fn, void *opaque)
{
	const __m256i lower = _mm256_set1_epi8(0x20);
	const __m256i cp = _mm256_set1_epi8('p'), ct = _mm256_set1_epi8('t');
	const __m256i ch = _mm256_set1_epi8('h'), cy = _mm256_set1_epi8('y');
	const __m256i cm = _mm256_set1_epi8('m'), ci = _mm256_set1_epi8('i');
	const __m256i cz = _mm256_set1_epi8('z'), cdot = _mm256_set1_epi8('.');
	const __m256i cbs = _mm256_set1_epi8('\\'), cu = _mm256_set1_epi8('u');
	const __m256i cnl = _mm256_set1_epi8('\n'), cq = _mm256_set1_epi8('"');
	const unsigned char *u = (const unsigned char *)buf;
	size_t i;
	int rc;

	for (i = 0; i + 32 <= len; i += 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(u + i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(u + i + 1));
		__m256i c = _mm256_loadu_si256((const __m256i *)(u + i + 2));
		__m256i fa = _mm256_or_si256(a, lower);
		__m256i fb = _mm256_or_si256(b, lower);
		__m256i fc = _mm256_or_si256(c, lower);
		__m256i ap = _mm256_cmpeq_epi8(fa, cp);
		__m256i hit = _mm256_and_si256(ap, _mm256_or_si256(
			_mm256_and_si256(_mm256_cmpeq_epi8(fb, ct), _mm256_cmpeq_epi8(fc, ch)),
			_mm256_and_si256(_mm256_cmpeq_epi8(fb, cy), _mm256_cmpeq_epi8(fc, ct))));
		uint64_t nl, cand, ends;

		hit = _mm256_or_si256(hit, _mm256_and_si256(_mm256_cmpeq_epi8(fa, cm),
			_mm256_and_si256(_mm256_cmpeq_epi8(fb, ci), _mm256_cmpeq_epi8(fc, cz))));
		hit = _mm256_or_si256(hit, _mm256_and_si256(_mm256_cmpeq_epi8(a, cdot),
			_mm256_and_si256(_mm256_cmpeq_epi8(fb, cp), _mm256_cmpeq_epi8(fc, cy))));
		if (scan->json)
			hit = _mm256_or_si256(hit, _mm256_and_si256(_mm256_cmpeq_epi8(a, cbs),
								    _mm256_cmpeq_epi8(b, cu)));
		nl = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, cnl));
		cand = (uint32_t)_mm256_movemask_epi8(hit);
		ends = nl;
		if (scan->csv) {
			uint64_t quotes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, cq));

			ends = nl & ~quoted_mask(buf, i, quotes, &st->quote) & 0xffffffffu;
		}
		if (ends == 0 && (cand == 0 || st->pending)) {
			st->lines += __builtin_popcountll(nl);
			continue;
		}
		rc = walk_block(scan, st, buf, len, i, cand, nl, ends, fn, opaque);
		if (rc < 0)
			return rc;
	}
	return (long)i;
}

__attribute__((target("avx512f,avx512bw,popcnt,bmi")))
static long
scan_avx512(struct prefilter_scan *scan, struct scan_state *st, const char *buf, size_t len,
	    prefilter_fn fn, void *opaque)
{
	const __m512i lower = _mm512_set1_epi8(0x20);
	const __m512i cp = _mm512_set1_epi8('p'), ct = _mm512_set1_epi8('t');
	const __m512i ch = _mm512_set1_epi8('h'), cy = _mm512_set1_epi8('y');
	const __m512i cm = _mm512_set1_epi8('m'), ci = _mm512_set1_epi8('i');
	const __m512i cz = _mm512_set1_epi8('z'), cdot = _mm512_set1_epi8('.');
	const __m512i cbs = _mm512_set1_epi8('\\'), cu = _mm512_set1_epi8('u');
	const __m512i cnl = _mm512_set1_epi8('\n'), cq = _mm512_set1_epi8('"');
	const unsigned char *u = (const unsigned char *)buf;
	size_t i;
	int rc;

	for (i = 0; i + 64 <= len; i += 64) {
		__m512i a = _mm512_loadu_si512((const void *)(u + i));
		__m512i b = _mm512_loadu_si512((const void *)(u + i + 1));
		__m512i c = _mm512_loadu_si512((const void *)(u + i + 2));
		__m512i fa = _mm512_or_si512(a, lower);
		__m512i fb = _mm512_or_si512(b, lower);
		__m512i fc = _mm512_or_si512(c, lower);
		__mmask64 p = _mm512_cmpeq_epi8_mask(fa, cp);
		__mmask64 m = _mm512_cmpeq_epi8_mask(fa, cm);
		__mmask64 dot = _mm512_cmpeq_epi8_mask(a, cdot);
		__mmask64 hit, nl, ends;

		/* Each compare is masked by the previous one, so only full trigrams survive. */
		hit = _mm512_mask_cmpeq_epi8_mask(_mm512_mask_cmpeq_epi8_mask(p, fb, ct), fc, ch);
		hit |= _mm512_mask_cmpeq_epi8_mask(_mm512_mask_cmpeq_epi8_mask(p, fb, cy), fc, ct);
		hit |= _mm512_mask_cmpeq_epi8_mask(_mm512_mask_cmpeq_epi8_mask(m, fb, ci), fc, cz);
		hit |= _mm512_mask_cmpeq_epi8_mask(_mm512_mask_cmpeq_epi8_mask(dot, fb, cp), fc, cy);
		if (scan->json)
			hit |= _mm512_mask_cmpeq_epi8_mask(_mm512_cmpeq_epi8_mask(a, cbs), b, cu);
		nl = _mm512_cmpeq_epi8_mask(a, cnl);
		ends = nl;
		if (scan->csv)
			ends = nl & ~quoted_mask(buf, i, _mm512_cmpeq_epi8_mask(a, cq), &st->quote);
		if (ends == 0 && (hit == 0 || st->pending)) {
			st->lines += __builtin_popcountll(nl);
			continue;
		}
		rc = walk_block(scan, st, buf, len, i, hit, nl, ends, fn, opaque);
		if (rc < 0)
			return rc;
	}
	return (long)i;
}
#endif

long
prefilter_scan_buffer(struct prefilter_scan *scan, const char *buf, size_t len,
		      prefilter_fn fn, void *opaque)
{
	struct scan_state st = {
		.boundary = 0,
		.lines_at_boundary = scan->lines,
		.records_at_boundary = scan->records,
		.pending = false,
		.lines = scan->lines,
		.quote = { false, 0 },
	};
	size_t i = 0;
	int rc;

#if HAVE_X86
	if (__builtin_cpu_supports("avx512bw") || __builtin_cpu_supports("avx2")) {
		long done = __builtin_cpu_supports("avx512bw")
			? scan_avx512(scan, &st, buf, len, fn, opaque)
			: scan_avx2(scan, &st, buf, len, fn, opaque);

		if (done < 0)
			return done;
		i = (size_t)done;
	}
#endif
	for (; i < len; i++) {
		rc = scan_byte(scan, &st, buf, len, i, fn, opaque);
		if (rc < 0)
			return rc;
	}
	scan->lines = st.lines_at_boundary;
	scan->records = st.records_at_boundary;
	return (long)st.boundary;
}
