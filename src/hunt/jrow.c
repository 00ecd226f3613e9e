#include "hunt/jrow.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/hex.h"
#include "hunt/jdoc.h"

#define STRINGIFY_VALUE(x) #x
#define STRINGIFY(x) STRINGIFY_VALUE(x)

/* Maximum column name length: a spelling mask has a bit per byte, and two SSE2 registers hold it. */
#define COLUMN_NAME_MAX 32

/* Cap on a read exponent: past it, any real with fewer digits than this is 0 or out of range. */
#define EXPONENT_SATURATE 1000000000000000LL

_Static_assert(COL_COUNT <= 32, "column bits must fit the present mask");

/*
 * The smallest decimal value that strtod() rounds to infinity: 2^1024 -
 * 2^970, halfway between DBL_MAX and 2^1024, which rounds to even and so
 * up. jansson 2.14 rejects a real when strtod() returns HUGE_VAL with
 * ERANGE (jsonp_strtod in src/strconv.c).
 */
static const char real_overflow_digits[] =
	"179769313486231580793728971405303415079934132710037826936173778980444968292764"
	"750946649017977587207096330286416692887910946555547851940402630657488671505820"
	"681908902000708383676273854845817711531764475730270069855571366959622842914819"
	"860834936475292719074168444365510704342711559699508093042880177904174497792";
#define REAL_OVERFLOW_EXPONENT 309 /* the value above is 0.1797... * 10^309 */

static const char msg_end[] = "unexpected end of input";
static const char msg_too_deep[] = "nesting deeper than " STRINGIFY(JDOC_DEPTH_MAX) " levels";

/* ---- column names ---- */

/* Columns by name length, each list ended by -1, with lowercase names. */
static struct {
	signed char by_length[COLUMN_NAME_MAX + 1][COL_COUNT + 1];
	_Alignas(16) char lower[COL_COUNT][COLUMN_NAME_MAX]; /* zero-padded */
} columns;

static pthread_once_t columns_once = PTHREAD_ONCE_INIT;

static unsigned char
fold_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static void
build_columns(void)
{
	int filled[COLUMN_NAME_MAX + 1] = { 0 };
	size_t n, i;
	int col;

	for (n = 0; n <= COLUMN_NAME_MAX; n++)
		columns.by_length[n][0] = -1;
	for (col = 0; col < COL_COUNT; col++) {
		const char *name = event_column_name((enum event_column)col);

		/* A longer name could never match, and test_column_names_found fails for one. */
		n = strlen(name);
		if (n == 0 || n > COLUMN_NAME_MAX)
			continue;
		for (i = 0; i < n; i++)
			columns.lower[col][i] = (char)fold_ascii((unsigned char)name[i]);
		columns.by_length[n][filled[n]++] = (signed char)col;
		columns.by_length[n][filled[n]] = -1;
	}
}

/*
 * Finds the column a decoded key names, ignoring ASCII case as
 * event_column_lookup() does, and sets *spelling to the key's upper-case
 * letter positions, which tell apart keys that name the same column.
 * The key is compared from the end because many names share the prefix
 * "InitiatingProcess".
 */
static int
lookup_column_bytes(const unsigned char *key, size_t len, uint32_t *spelling)
{
	const signed char *candidate;

	for (candidate = columns.by_length[len]; *candidate >= 0; candidate++) {
		const char *name = columns.lower[*candidate];
		uint32_t mask = 0;
		size_t i = len;

		while (i > 0 && fold_ascii(key[i - 1]) == (unsigned char)name[i - 1])
			i--;
		if (i > 0)
			continue;
		for (i = 0; i < len; i++) {
			if (key[i] >= 'A' && key[i] <= 'Z')
				mask |= UINT32_C(1) << i;
		}
		*spelling = mask;
		return *candidate;
	}
	return -1;
}

/*
 * lookup_column_bytes() for a key followed by at least COLUMN_NAME_MAX
 * readable bytes: folds and compares the whole key in two SSE2 registers.
 */
static int
lookup_column(const unsigned char *key, size_t len, size_t readable, uint32_t *spelling)
{
	if (len == 0 || len > COLUMN_NAME_MAX || columns.by_length[len][0] < 0)
		return -1;
#ifdef __SSE2__
	if (readable >= COLUMN_NAME_MAX) {
		const __m128i before_a = _mm_set1_epi8('A' - 1), after_z = _mm_set1_epi8('Z' + 1);
		const __m128i case_bit = _mm_set1_epi8(0x20);
		__m128i k0 = _mm_loadu_si128((const __m128i *)(const void *)key);
		__m128i k1 = _mm_loadu_si128((const __m128i *)(const void *)(key + 16));
		/* Signed compares: bytes of 0x80 and up are negative, so never upper case. */
		__m128i upper0 = _mm_and_si128(_mm_cmpgt_epi8(k0, before_a), _mm_cmplt_epi8(k0, after_z));
		__m128i upper1 = _mm_and_si128(_mm_cmpgt_epi8(k1, before_a), _mm_cmplt_epi8(k1, after_z));
		__m128i lower0 = _mm_or_si128(k0, _mm_and_si128(upper0, case_bit));
		__m128i lower1 = _mm_or_si128(k1, _mm_and_si128(upper1, case_bit));
		uint32_t used = len == COLUMN_NAME_MAX ? UINT32_MAX : (UINT32_C(1) << len) - 1;
		const signed char *candidate;

		for (candidate = columns.by_length[len]; *candidate >= 0; candidate++) {
			const __m128i *name = (const __m128i *)(const void *)columns.lower[*candidate];
			uint32_t equal = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(lower0, name[0])) |
					 (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(lower1, name[1])) << 16;

			if ((equal & used) == used) {
				*spelling = ((uint32_t)_mm_movemask_epi8(upper0) |
					     (uint32_t)_mm_movemask_epi8(upper1) << 16) & used;
				return *candidate;
			}
		}
		return -1;
	}
#endif
	return lookup_column_bytes(key, len, spelling);
}

/* ---- collected columns ---- */

enum value_kind {
	VALUE_OTHER,    /* a type event_set_json() ignores for this column */
	VALUE_STRING,
	VALUE_INTEGER,  /* only kept for InitiatingProcessId and ReportId */
};

struct value {
	enum value_kind kind;
	const char *data;       /* VALUE_STRING: decoded text in scratch */
	size_t len;
	long long integer;      /* VALUE_INTEGER */
};

/* One distinct key naming a column, with the last value given to it. */
struct spelling {
	int col;
	uint32_t mask;          /* upper-case letter positions of the key */
	struct value value;
};

/*
 * The members of one object that name columns. jansson keeps one entry
 * per distinct key, in the order of its first occurrence, with the key's
 * last value. event_from_json() then applies the entries in that order.
 * first[] contains each column's earliest key, and more[] other spellings of
 * column names in the order of their first occurrence.
 */
struct colset {
	uint32_t present;       /* columns with a first[] entry */
	bool has_timestamp;     /* some key names Timestamp */
	struct spelling first[COL_COUNT];
	struct spelling *more;
	size_t more_count, more_cap;
	struct spelling more_inline[JROW_SPELLINGS_INLINE];
};

static void
colset_init(struct colset *cs)
{
	cs->present = 0;
	cs->has_timestamp = false;
	cs->more = cs->more_inline;
	cs->more_count = 0;
	cs->more_cap = JROW_SPELLINGS_INLINE;
}

/* Empties cs for a new object, keeping any heap list for reuse. */
static void
colset_clear(struct colset *cs)
{
	cs->present = 0;
	cs->has_timestamp = false;
	cs->more_count = 0;
}

static void
colset_free(struct colset *cs)
{
	if (cs->more != cs->more_inline)
		free(cs->more);
	cs->more = cs->more_inline;
}

/* Records a value for a key spelled other than the column's first key. */
static int
colset_add_spelling(struct colset *cs, int col, uint32_t mask, const struct value *v)
{
	size_t i;

	for (i = 0; i < cs->more_count; i++) {
		if (cs->more[i].col == col && cs->more[i].mask == mask) {
			cs->more[i].value = *v;
			return 0;
		}
	}
	if (cs->more_count == cs->more_cap) {
		size_t cap = cs->more_cap * 2;
		struct spelling *grown;

		if (cs->more == cs->more_inline) {
			grown = malloc(cap * sizeof(*grown));
			if (grown)
				memcpy(grown, cs->more, cs->more_count * sizeof(*grown));
		} else {
			grown = realloc(cs->more, cap * sizeof(*grown));
		}
		if (!grown)
			return -ENOMEM;
		cs->more = grown;
		cs->more_cap = cap;
	}
	cs->more[cs->more_count].col = col;
	cs->more[cs->more_count].mask = mask;
	cs->more[cs->more_count].value = *v;
	cs->more_count++;
	return 0;
}

static int
colset_add(struct colset *cs, int col, uint32_t mask, const struct value *v)
{
	uint32_t bit = UINT32_C(1) << col;

	if (col == COL_TIMESTAMP)
		cs->has_timestamp = true;
	if (!(cs->present & bit)) {
		cs->present |= bit;
		cs->first[col].col = col;
		cs->first[col].mask = mask;
		cs->first[col].value = *v;
		return 0;
	}
	if (cs->first[col].mask == mask) {
		cs->first[col].value = *v;
		return 0;
	}
	return colset_add_spelling(cs, col, mask, v);
}

/* Returns the value event_from_json() leaves in col: the last one it can set. */
static const struct value *
colset_winner(const struct colset *cs, int col)
{
	const struct value *winner = NULL;
	size_t i;

	if (!(cs->present & (UINT32_C(1) << col)))
		return NULL;
	if (cs->first[col].value.kind != VALUE_OTHER)
		winner = &cs->first[col].value;
	for (i = 0; i < cs->more_count; i++) {
		if (cs->more[i].col == col && cs->more[i].value.kind != VALUE_OTHER)
			winner = &cs->more[i].value;
	}
	return winner;
}

/* Renders an integer as "%lld" does into the event's number slot for col. */
static void
set_integer(struct event *ev, int col, long long value)
{
	char digits[24];
	char *d = digits + sizeof(digits);
	unsigned long long magnitude = value < 0 ? 0 - (unsigned long long)value
						 : (unsigned long long)value;
	int slot = col == COL_PROCESS_ID ? 0 : 1;
	size_t n;

	do {
		*--d = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude > 0);
	if (value < 0)
		*--d = '-';
	n = (size_t)(digits + sizeof(digits) - d);
	memcpy(ev->number[slot], d, n);
	ev->number[slot][n] = '\0';
	ev->col[col].data = ev->number[slot];
	ev->col[col].len = n;
}

/* ---- the parser ---- */

struct parser {
	const unsigned char *begin, *p, *end;
	char *out;              /* next free byte of scratch */
	int depth;              /* open brackets, the row object included */
	const char *error;
	const unsigned char *error_at;
	unsigned char closer[JDOC_DEPTH_MAX + 1]; /* by depth, while skipping values */
};

/* The state of one jrow_read() call. */
struct reading {
	struct parser ps;
	bool split;             /* report wrappers instead of reading them as rows */
	struct colset row;      /* columns of the object itself */
	struct colset props;    /* columns of its last "properties" object */
	bool props_object;      /* the last "properties" value is an object */
	bool category_string;   /* the last "category" value is a string */
	const char *category;   /* its decoded text in scratch */
	size_t category_len;
};

static int
fail(struct parser *ps, const unsigned char *at, const char *message)
{
	ps->error = message;
	ps->error_at = at;
	return -EINVAL;
}

static int
fail_deep(struct parser *ps)
{
	ps->error = msg_too_deep;
	ps->error_at = ps->p;
	return -E2BIG;
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static void
skip_space(struct parser *ps)
{
	const unsigned char *p = ps->p;

	while (p < ps->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	ps->p = p;
}

/*
 * Steps over one NUL byte right after a number or literal, which jansson
 * 2.14 drops. Its lexer gives back the byte that ends such a token, and
 * stream_get() in src/load.c then takes the NUL left in its character
 * buffer for an empty buffer and reads on. "[1\0]" is therefore [1].
 */
static void
skip_token_nul(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '\0')
		ps->p++;
}

/* String bytes copied as they are: printable ASCII except '"' and '\\'. */
static bool
is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * Returns the length of the UTF-8 sequence at p, whose first byte is 0x80
 * or more, or 0 when it is invalid: overlong, a surrogate, above U+10FFFF
 * or cut short, as utf8_check_full() in jansson's src/utf.c rejects.
 */
static size_t
utf8_sequence(const unsigned char *p, const unsigned char *end)
{
	size_t avail = (size_t)(end - p);
	unsigned char c = p[0], low = 0x80, high = 0xBF;

	if (c >= 0xC2 && c <= 0xDF)
		return avail >= 2 && p[1] >= 0x80 && p[1] <= 0xBF ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (c == 0xE0)
			low = 0xA0;
		else if (c == 0xED)
			high = 0x9F;
		if (avail < 3 || p[1] < low || p[1] > high || p[2] < 0x80 || p[2] > 0xBF)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (c == 0xF0)
			low = 0x90;
		else if (c == 0xF4)
			high = 0x8F;
		if (avail < 4 || p[1] < low || p[1] > high || p[2] < 0x80 || p[2] > 0xBF ||
		    p[3] < 0x80 || p[3] > 0xBF)
			return 0;
		return 4;
	}
	return 0;
}

static char *
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

struct string_info {
	bool escaped;           /* the string has a backslash escape */
	bool nul;               /* it has a \u0000 escape */
};

/*
 * Reads the \uXXXX escape at p (the backslash), with its low surrogate
 * when it is a high one, and writes its UTF-8 to *o when o is not NULL.
 * Returns the bytes read or -EINVAL.
 */
static int
read_unicode_escape(struct parser *ps, const unsigned char *p, char **o, struct string_info *info)
{
	int high, low;
	uint32_t cp;
	int used = 6;

	if (ps->end - p < 6 || (high = hex_uint16((const char *)p + 2)) < 0)
		return fail(ps, p, "invalid \\u escape");
	cp = (uint32_t)high;
	if (high >= 0xD800 && high <= 0xDBFF) {
		if (ps->end - p < 12 || p[6] != '\\' || p[7] != 'u')
			return fail(ps, p, "unpaired UTF-16 surrogate");
		low = hex_uint16((const char *)p + 8);
		if (low < 0)
			return fail(ps, p + 6, "invalid \\u escape");
		if (low < 0xDC00 || low > 0xDFFF)
			return fail(ps, p, "unpaired UTF-16 surrogate");
		cp = 0x10000 + ((uint32_t)(high - 0xD800) << 10) + (uint32_t)(low - 0xDC00);
		used = 12;
	} else if (high >= 0xDC00 && high <= 0xDFFF) {
		return fail(ps, p, "unpaired UTF-16 surrogate");
	}
	if (cp == 0)
		info->nul = true;
	if (o)
		*o = put_utf8(*o, cp);
	return used;
}

/* Reads the escape at p (the backslash). Returns the bytes read or -EINVAL. */
static int
read_escape(struct parser *ps, const unsigned char *p, char **o, struct string_info *info)
{
	char byte;

	info->escaped = true;
	if (ps->end - p < 2)
		return fail(ps, ps->end, msg_end);
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
		byte = (char)p[1];
		break;
	case 'b':
		byte = '\b';
		break;
	case 'f':
		byte = '\f';
		break;
	case 'n':
		byte = '\n';
		break;
	case 'r':
		byte = '\r';
		break;
	case 't':
		byte = '\t';
		break;
	case 'u':
		return read_unicode_escape(ps, p, o, info);
	default:
		return fail(ps, p, "invalid escape");
	}
	if (o)
		*(*o)++ = byte;
	return 2;
}

/*
 * Reads the string whose opening quote is at ps->p, checking it as
 * jansson does. With copy, its decoded bytes go to ps->out, which then
 * points past them. A 16-byte block is stored before it is examined:
 * decoded text never runs ahead of the input read, so the store stays
 * within the len + 1 bytes of scratch whenever 16 input bytes remain.
 */
static inline __attribute__((always_inline)) int
scan_string(struct parser *ps, bool copy, struct string_info *info)
{
	const unsigned char *p = ps->p + 1, *end = ps->end;
	char *o = ps->out;

	info->escaped = false;
	info->nul = false;
	for (;;) {
		int used;

#ifdef __SSE2__
		const __m128i quote = _mm_set1_epi8('"');
		const __m128i backslash = _mm_set1_epi8('\\');
		const __m128i space = _mm_set1_epi8(' ');

		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			/* A signed compare below ' ' catches control bytes and bytes of 0x80 and up. */
			__m128i special = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
				_mm_cmplt_epi8(v, space));
			unsigned mask = (unsigned)_mm_movemask_epi8(special);

			if (copy)
				_mm_storeu_si128((__m128i *)(void *)o, v);
			if (mask) {
				unsigned k = (unsigned)__builtin_ctz(mask);

				p += k;
				if (copy)
					o += k;
				goto special_byte;
			}
			p += 16;
			if (copy)
				o += 16;
		}
#endif
		while (p < end && is_plain(*p)) {
			if (copy)
				*o++ = (char)*p;
			p++;
		}
		if (p == end)
			return fail(ps, end, msg_end);
#ifdef __SSE2__
special_byte:
#endif
		if (*p == '"')
			break;
		if (*p == '\\') {
			used = read_escape(ps, p, copy ? &o : NULL, info);
			if (used < 0)
				return used;
			p += used;
			continue;
		}
		if (*p < 0x20)
			return fail(ps, p, "control character in a string");
		used = (int)utf8_sequence(p, end);
		if (used == 0)
			return fail(ps, p, "invalid UTF-8");
		if (copy) {
			memcpy(o, p, (size_t)used);
			o += used;
		}
		p += used;
	}
	ps->p = p + 1;
	if (copy)
		ps->out = o;
	return 0;
}

static int
skip_string(struct parser *ps)
{
	struct string_info info;

	return scan_string(ps, false, &info);
}

/* Decodes the string at ps->p to the free end of scratch, moving ps->out past it. */
static int
copy_string(struct parser *ps)
{
	struct string_info info;

	return scan_string(ps, true, &info);
}

/*
 * Reads an object key at ps->p. *key is a view of the input when the key
 * has no escape, or else its decoded text at the free end of scratch,
 * which the next write to scratch overwrites. *readable is the number of
 * bytes that may be read from *key, or 0 for decoded text.
 */
static int
read_key(struct parser *ps, const unsigned char **key, size_t *len, size_t *readable)
{
	const unsigned char *quote = ps->p;
	const unsigned char *after;
	struct string_info info;
	char *start = ps->out;
	int rc = scan_string(ps, false, &info);

	if (rc < 0)
		return rc;
	if (!info.escaped) {
		*key = quote + 1;
		*len = (size_t)(ps->p - quote - 2);
		*readable = (size_t)(ps->end - *key);
		return 0;
	}
	/* jansson rejects a NUL in a key even with JSON_ALLOW_NUL. */
	if (info.nul)
		return fail(ps, quote, "object key contains \\u0000");
	after = ps->p;
	ps->p = quote;
	rc = scan_string(ps, true, &info);
	if (rc < 0)
		return rc;
	*key = (const unsigned char *)start;
	*len = (size_t)(ps->out - start);
	*readable = 0;
	ps->out = start;
	ps->p = after;
	return 0;
}

/* Reads the digits of an integer as strtoll() does, rejecting overflow as jansson does. */
static int
read_integer(struct parser *ps, const unsigned char *start, bool negative,
	     const unsigned char *digits, const unsigned char *digits_end, long long *out)
{
	unsigned long long limit = negative ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	unsigned long long magnitude = 0;
	const unsigned char *q;

	for (q = digits; q < digits_end; q++) {
		unsigned digit = (unsigned)(*q - '0');

		if (magnitude > (limit - digit) / 10)
			return fail(ps, start, "integer out of range");
		magnitude = magnitude * 10 + digit;
	}
	if (!negative)
		*out = (long long)magnitude;
	else if (magnitude == (unsigned long long)LLONG_MAX + 1)
		*out = LLONG_MIN;
	else
		*out = -(long long)magnitude;
	return 0;
}

/* The parts of a real number: digits before and after '.', and the exponent digits. */
struct real_parts {
	const unsigned char *whole, *whole_end;
	const unsigned char *fraction, *fraction_end;
	const unsigned char *exponent, *exponent_end;
	bool exponent_negative;
};

/* Returns the next significant digit, or '0' past the last one. */
static unsigned char
next_digit(const struct real_parts *r, const unsigned char **q)
{
	if (*q == r->whole_end)
		*q = r->fraction;
	if (*q == NULL)
		return '0';
	if (*q < r->whole_end || *q < r->fraction_end)
		return *(*q)++;
	return '0';
}

/*
 * True when strtod() would overflow on the real: its value is at least
 * the halfway point above DBL_MAX. Compares decimal exponents, and the
 * digits against real_overflow_digits only when the exponents are equal.
 */
static bool
real_overflows(const struct real_parts *r)
{
	const unsigned char *q = r->whole;
	long long e10 = 0, exponent = 0;
	size_t i;

	while (q < r->whole_end && *q == '0')
		q++;
	if (q < r->whole_end) {
		e10 = r->whole_end - q;
	} else {
		q = r->fraction;
		while (q && q < r->fraction_end && *q == '0')
			q++;
		if (!q || q == r->fraction_end)
			return false;
		e10 = -(long long)(q - r->fraction);
	}
	for (const unsigned char *e = r->exponent; e && e < r->exponent_end; e++) {
		if (exponent < EXPONENT_SATURATE)
			exponent = exponent * 10 + (*e - '0');
	}
	e10 += r->exponent_negative ? -exponent : exponent;
	if (e10 != REAL_OVERFLOW_EXPONENT)
		return e10 > REAL_OVERFLOW_EXPONENT;
	for (i = 0; i < sizeof(real_overflow_digits) - 1; i++) {
		unsigned char d = next_digit(r, &q);

		if (d != (unsigned char)real_overflow_digits[i])
			return d > (unsigned char)real_overflow_digits[i];
	}
	/* Equal to the halfway point, or above it. */
	return true;
}

/*
 * Reads the number at ps->p with the grammar of jansson's
 * lex_scan_number(). Without '.', 'e' or 'E' it is an integer that must
 * fit long long, otherwise a real that must not overflow a double.
 * *is_integer and *integer describe it.
 */
static int
scan_number(struct parser *ps, bool *is_integer, long long *integer)
{
	const unsigned char *start = ps->p, *p = ps->p, *end = ps->end;
	struct real_parts r = { 0 };
	bool negative = false;

	if (*p == '-') {
		negative = true;
		p++;
	}
	r.whole = p;
	if (p == end || !is_digit(*p))
		return fail(ps, p, "invalid number");
	if (*p == '0') {
		p++;
		if (p < end && is_digit(*p))
			return fail(ps, p, "invalid number: leading zero");
	} else {
		while (p < end && is_digit(*p))
			p++;
	}
	r.whole_end = p;
	if (p == end || (*p != '.' && *p != 'e' && *p != 'E')) {
		ps->p = p;
		*is_integer = true;
		if (read_integer(ps, start, negative, r.whole, r.whole_end, integer) < 0)
			return -EINVAL;
		skip_token_nul(ps);
		return 0;
	}

	if (*p == '.') {
		r.fraction = ++p;
		while (p < end && is_digit(*p))
			p++;
		r.fraction_end = p;
		if (r.fraction == r.fraction_end)
			return fail(ps, p, "invalid number");
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			r.exponent_negative = *p++ == '-';
		r.exponent = p;
		while (p < end && is_digit(*p))
			p++;
		r.exponent_end = p;
		if (r.exponent == r.exponent_end)
			return fail(ps, p, "invalid number");
	}
	ps->p = p;
	*is_integer = false;
	if (real_overflows(&r))
		return fail(ps, start, "real number out of range");
	skip_token_nul(ps);
	return 0;
}

static int
skip_literal(struct parser *ps)
{
	size_t avail = (size_t)(ps->end - ps->p);
	const char *literal;
	size_t n;

	switch (*ps->p) {
	case 'n':
		literal = "null";
		break;
	case 't':
		literal = "true";
		break;
	case 'f':
		literal = "false";
		break;
	default:
		return fail(ps, ps->p, "expected a value");
	}
	n = literal[0] == 'f' ? 5 : 4;
	if (avail < n || memcmp(ps->p, literal, n) != 0)
		return fail(ps, ps->p, "invalid literal");
	ps->p += n;
	skip_token_nul(ps);
	return 0;
}

/* Skips a string, number or literal at ps->p. */
static int
skip_scalar(struct parser *ps)
{
	unsigned char c = *ps->p;
	bool is_integer;
	long long integer;

	if (c == '"')
		return skip_string(ps);
	if (c == '-' || is_digit(c))
		return scan_number(ps, &is_integer, &integer);
	return skip_literal(ps);
}

/*
 * Skips the value at ps->p, checking all of it. Arrays and objects are
 * walked without recursion, their closing brackets kept in ps->closer.
 */
static int
skip_value(struct parser *ps)
{
	int base = ps->depth;
	struct string_info info;
	int rc;

	if (ps->p == ps->end)
		return fail(ps, ps->p, msg_end);
	if (*ps->p != '{' && *ps->p != '[')
		return skip_scalar(ps);

open:
	if (ps->depth >= JDOC_DEPTH_MAX)
		return fail_deep(ps);
	ps->closer[++ps->depth] = *ps->p == '{' ? '}' : ']';
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == ps->closer[ps->depth])
		goto close;
	if (ps->closer[ps->depth] == ']')
		goto value;
key:
	if (ps->p == ps->end || *ps->p != '"')
		return fail(ps, ps->p, ps->p == ps->end ? msg_end : "expected a key string");
	rc = scan_string(ps, false, &info);
	if (rc < 0)
		return rc;
	if (info.nul)
		return fail(ps, ps->p, "object key contains \\u0000");
	skip_space(ps);
	if (ps->p == ps->end || *ps->p != ':')
		return fail(ps, ps->p, ps->p == ps->end ? msg_end : "expected ':' after a key");
	ps->p++;
	skip_space(ps);
value:
	if (ps->p == ps->end)
		return fail(ps, ps->p, msg_end);
	if (*ps->p == '{' || *ps->p == '[')
		goto open;
	rc = skip_scalar(ps);
	if (rc < 0)
		return rc;
next:
	skip_space(ps);
	if (ps->p == ps->end)
		return fail(ps, ps->p, msg_end);
	if (*ps->p == ',') {
		ps->p++;
		skip_space(ps);
		if (ps->closer[ps->depth] == '}')
			goto key;
		goto value;
	}
	if (*ps->p != ps->closer[ps->depth])
		return fail(ps, ps->p, ps->closer[ps->depth] == '}' ? "expected ',' or '}'"
								    : "expected ',' or ']'");
close:
	ps->p++;
	ps->depth--;
	if (ps->depth > base)
		goto next;
	return 0;
}

/* Reads the value of a key that names a column, keeping what event_set_json() would. */
static int
read_column(struct parser *ps, struct colset *cs, int col, uint32_t mask)
{
	struct value v = { .kind = VALUE_OTHER };
	unsigned char c = *ps->p;
	int rc;

	if (c == '"') {
		const char *start = ps->out;

		rc = copy_string(ps);
		v.kind = VALUE_STRING;
		v.data = start;
		v.len = (size_t)(ps->out - start);
	} else if (c == '-' || is_digit(c)) {
		bool is_integer;
		long long integer;

		rc = scan_number(ps, &is_integer, &integer);
		if (rc == 0 && is_integer && (col == COL_PROCESS_ID || col == COL_REPORT_ID)) {
			v.kind = VALUE_INTEGER;
			v.integer = integer;
		}
	} else {
		rc = skip_value(ps);
	}
	if (rc < 0)
		return rc;
	return colset_add(cs, col, mask, &v);
}

/* True for the keys that make jdoc split a top-level object ("Results", "records", "tables"). */
static bool
is_wrapper_key(const unsigned char *key, size_t len)
{
	static const char *const names[] = { "results", "records", "tables" };
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) != len)
			continue;
		for (j = 0; j < len; j++) {
			unsigned char c = key[j];

			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c + ('a' - 'A'));
			if (c != (unsigned char)names[i][j])
				break;
		}
		if (j == len)
			return true;
	}
	return false;
}

static int read_members(struct reading *rd, struct colset *cs, bool top);

/* Reads a member of the top-level object whose key names no column. */
static int
read_top_member(struct reading *rd, const unsigned char *key, size_t len)
{
	struct parser *ps = &rd->ps;
	int rc;

	if (len == 10 && memcmp(key, "properties", 10) == 0) {
		rd->props_object = *ps->p == '{';
		if (!rd->props_object)
			return skip_value(ps);
		colset_clear(&rd->props);
		return read_members(rd, &rd->props, false);
	}
	if (len == 8 && memcmp(key, "category", 8) == 0) {
		const char *start = ps->out;

		rd->category_string = *ps->p == '"';
		if (!rd->category_string)
			return skip_value(ps);
		rc = copy_string(ps);
		if (rc < 0)
			return rc;
		rd->category = start;
		rd->category_len = (size_t)(ps->out - start);
		return 0;
	}
	if (rd->split && *ps->p == '[' && is_wrapper_key(key, len))
		return JROW_WRAPPER;
	return skip_value(ps);
}

/*
 * Reads the object at ps->p, collecting the members that name columns
 * into cs. The top-level object also handles "properties", "category"
 * and the wrapper keys.
 */
static int
read_members(struct reading *rd, struct colset *cs, bool top)
{
	struct parser *ps = &rd->ps;
	int rc;

	if (ps->depth >= JDOC_DEPTH_MAX)
		return fail_deep(ps);
	ps->depth++;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		const unsigned char *key;
		size_t key_len, readable;
		uint32_t mask;
		int col;

		if (ps->p == ps->end || *ps->p != '"')
			return fail(ps, ps->p, ps->p == ps->end ? msg_end : "expected a key string");
		rc = read_key(ps, &key, &key_len, &readable);
		if (rc < 0)
			return rc;
		skip_space(ps);
		if (ps->p == ps->end || *ps->p != ':')
			return fail(ps, ps->p, ps->p == ps->end ? msg_end : "expected ':' after a key");
		ps->p++;
		skip_space(ps);
		if (ps->p == ps->end)
			return fail(ps, ps->p, msg_end);

		col = lookup_column(key, key_len, readable, &mask);
		if (col >= 0)
			rc = read_column(ps, cs, col, mask);
		else if (top)
			rc = read_top_member(rd, key, key_len);
		else
			rc = skip_value(ps);
		if (rc != 0)
			return rc;

		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			skip_space(ps);
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			ps->depth--;
			return 0;
		}
		return fail(ps, ps->p, ps->p == ps->end ? msg_end : "expected ',' or '}'");
	}
}

/* Fills ev as event_from_json() does from the collected members. */
static void
fill_event(struct event *ev, const struct reading *rd)
{
	const struct colset *cs = rd->props_object ? &rd->props : &rd->row;
	int col;

	event_reset(ev);
	ev->has_timestamp = cs->has_timestamp;
	for (col = 0; col < COL_COUNT; col++) {
		const struct value *v = colset_winner(cs, col);

		if (!v)
			continue;
		if (v->kind == VALUE_STRING) {
			ev->col[col].data = v->data;
			ev->col[col].len = v->len;
		} else {
			set_integer(ev, col, v->integer);
		}
	}
	if (rd->props_object && rd->category_string)
		event_classify(ev, rd->category, rd->category_len);
	else
		event_classify(ev, NULL, 0);
}

/* Grows scratch to hold len decoded bytes and a NUL, and empties it. */
static int
prepare_scratch(struct strbuf *scratch, const char *data, size_t len)
{
	int rc;

	strbuf_reset(scratch);
	if (len < scratch->cap)
		return 0;
	/* strbuf has no reserve call; appending the input grows it by doubling. */
	rc = strbuf_append(scratch, data, len);
	strbuf_reset(scratch);
	return rc;
}

static int
read_text(const char *data, size_t len, struct event *ev, struct strbuf *scratch, bool split,
	  const char **error, size_t *error_offset)
{
	struct reading rd;
	struct parser *ps = &rd.ps;
	int rc;

	pthread_once(&columns_once, build_columns);
	rc = prepare_scratch(scratch, data, len);
	if (rc < 0) {
		if (error)
			*error = rc == -E2BIG ? "row longer than the scratch buffer's maximum"
					      : "out of memory";
		if (error_offset)
			*error_offset = 0;
		return rc;
	}

	ps->begin = (const unsigned char *)data;
	ps->p = ps->begin;
	ps->end = ps->begin + len;
	ps->out = scratch->data;
	ps->depth = 0;
	ps->error = NULL;
	ps->error_at = ps->begin;
	rd.split = split;
	colset_init(&rd.row);
	colset_init(&rd.props);
	rd.props_object = false;
	rd.category_string = false;
	rd.category = NULL;
	rd.category_len = 0;

	skip_space(ps);
	if (ps->p == ps->end)
		rc = fail(ps, ps->p, "expected a JSON object, found no text");
	else if (*ps->p != '{')
		rc = fail(ps, ps->p, "a row must be a JSON object");
	else
		rc = read_members(&rd, &rd.row, true);
	if (rc == 0) {
		skip_space(ps);
		if (ps->p != ps->end)
			rc = fail(ps, ps->p, "text after the object");
	}
	if (rc == 0)
		fill_event(ev, &rd);

	scratch->len = (size_t)(ps->out - scratch->data);
	scratch->data[scratch->len] = '\0';
	colset_free(&rd.row);
	colset_free(&rd.props);
	if (rc < 0) {
		if (error)
			*error = rc == -ENOMEM ? "out of memory" : ps->error;
		if (error_offset)
			*error_offset = (size_t)(ps->error_at - ps->begin);
	}
	return rc;
}

int
jrow_read(const char *data, size_t len, struct event *ev, struct strbuf *scratch,
	  const char **error, size_t *error_offset)
{
	return read_text(data, len, ev, scratch, true, error, error_offset);
}

int
jrow_read_row(const char *data, size_t len, struct event *ev, struct strbuf *scratch,
	      const char **error, size_t *error_offset)
{
	return read_text(data, len, ev, scratch, false, error, error_offset);
}
