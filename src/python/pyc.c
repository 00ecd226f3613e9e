#include "python/pyc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "python/version.h"

/*
 * Magic numbers and the pre-release that first wrote each one, from the
 * "Known values" comment in Lib/importlib/_bootstrap_external.py (3.13) and
 * Include/internal/pycore_magic_number.h (3.14 and main, where the table
 * moved). A magic is taken to be written from its own tag up to the tag
 * of the next magic of the same minor version. The last magic of a minor
 * version covers every later micro release of it.
 */
struct magic_tag {
	uint16_t magic;
	uint32_t tag;
};

#define A(maj, min, n) PYVER_PRE(maj, min, 0, 0xA, n)
#define B(maj, min, n) PYVER_PRE(maj, min, 0, 0xB, n)
#define RC(maj, min, n) PYVER_PRE(maj, min, 0, 0xC, n)

static const struct magic_tag MAGIC_TABLE[] = {
	{ 3111, A(3, 0, 4) }, { 3131, B(3, 0, 1) },
	{ 3141, A(3, 1, 1) }, { 3151, A(3, 1, 1) },
	{ 3160, A(3, 2, 1) }, { 3170, A(3, 2, 2) }, { 3180, A(3, 2, 3) },
	{ 3190, A(3, 3, 1) }, { 3200, A(3, 3, 1) }, { 3210, A(3, 3, 1) },
	{ 3220, A(3, 3, 2) }, { 3230, A(3, 3, 4) },
	{ 3250, A(3, 4, 1) }, { 3260, A(3, 4, 1) }, { 3270, A(3, 4, 1) },
	{ 3280, A(3, 4, 1) }, { 3290, A(3, 4, 4) }, { 3300, A(3, 4, 4) },
	{ 3310, RC(3, 4, 2) },
	{ 3320, A(3, 5, 1) }, { 3330, B(3, 5, 1) }, { 3340, B(3, 5, 2) },
	{ 3350, B(3, 5, 3) }, { 3351, PYVER(3, 5, 2) },
	{ 3360, A(3, 6, 0) }, { 3361, A(3, 6, 1) }, { 3370, A(3, 6, 2) },
	{ 3371, A(3, 6, 2) }, { 3372, A(3, 6, 2) }, { 3373, B(3, 6, 1) },
	{ 3375, B(3, 6, 1) }, { 3376, B(3, 6, 1) }, { 3377, B(3, 6, 1) },
	{ 3378, B(3, 6, 2) }, { 3379, RC(3, 6, 1) },
	{ 3390, A(3, 7, 1) }, { 3391, A(3, 7, 2) }, { 3392, A(3, 7, 4) },
	{ 3393, B(3, 7, 1) }, { 3394, B(3, 7, 5) },
	{ 3400, A(3, 8, 1) }, { 3401, A(3, 8, 1) }, { 3410, A(3, 8, 1) },
	{ 3411, B(3, 8, 2) }, { 3412, B(3, 8, 2) }, { 3413, B(3, 8, 4) },
	{ 3420, A(3, 9, 0) }, { 3421, A(3, 9, 0) }, { 3422, A(3, 9, 0) },
	{ 3423, A(3, 9, 2) }, { 3424, A(3, 9, 2) }, { 3425, A(3, 9, 2) },
	{ 3430, A(3, 10, 1) }, { 3431, A(3, 10, 1) }, { 3432, A(3, 10, 2) },
	{ 3433, A(3, 10, 2) }, { 3434, A(3, 10, 6) }, { 3435, A(3, 10, 7) },
	{ 3436, B(3, 10, 1) }, { 3437, B(3, 10, 1) }, { 3438, B(3, 10, 1) },
	{ 3439, B(3, 10, 1) },
	{ 3450, A(3, 11, 1) }, { 3451, A(3, 11, 1) }, { 3452, A(3, 11, 1) },
	{ 3453, A(3, 11, 1) }, { 3454, A(3, 11, 1) }, { 3455, A(3, 11, 1) },
	{ 3456, A(3, 11, 1) }, { 3457, A(3, 11, 1) }, { 3458, A(3, 11, 1) },
	{ 3459, A(3, 11, 1) }, { 3460, A(3, 11, 1) }, { 3461, A(3, 11, 1) },
	{ 3462, A(3, 11, 2) }, { 3463, A(3, 11, 3) }, { 3464, A(3, 11, 3) },
	{ 3465, A(3, 11, 3) }, { 3466, A(3, 11, 4) }, { 3467, A(3, 11, 4) },
	{ 3468, A(3, 11, 4) }, { 3469, A(3, 11, 4) }, { 3470, A(3, 11, 4) },
	{ 3471, A(3, 11, 4) }, { 3472, A(3, 11, 4) }, { 3473, A(3, 11, 4) },
	{ 3474, A(3, 11, 4) }, { 3475, A(3, 11, 5) }, { 3476, A(3, 11, 5) },
	{ 3477, A(3, 11, 5) }, { 3478, A(3, 11, 5) }, { 3479, A(3, 11, 5) },
	{ 3480, A(3, 11, 5) }, { 3481, A(3, 11, 5) }, { 3482, A(3, 11, 5) },
	{ 3483, A(3, 11, 5) }, { 3484, A(3, 11, 5) }, { 3485, A(3, 11, 5) },
	{ 3486, A(3, 11, 6) }, { 3487, A(3, 11, 6) }, { 3488, A(3, 11, 6) },
	{ 3489, A(3, 11, 6) }, { 3490, A(3, 11, 6) }, { 3491, A(3, 11, 6) },
	{ 3492, A(3, 11, 7) }, { 3493, A(3, 11, 7) }, { 3494, A(3, 11, 7) },
	{ 3495, B(3, 11, 4) },
	{ 3500, A(3, 12, 1) }, { 3501, A(3, 12, 1) }, { 3502, A(3, 12, 1) },
	{ 3503, A(3, 12, 1) }, { 3504, A(3, 12, 1) }, { 3505, A(3, 12, 1) },
	{ 3506, A(3, 12, 1) }, { 3507, A(3, 12, 1) }, { 3508, A(3, 12, 1) },
	{ 3509, A(3, 12, 1) }, { 3510, A(3, 12, 2) }, { 3511, A(3, 12, 2) },
	{ 3512, A(3, 12, 2) }, { 3513, A(3, 12, 4) }, { 3514, A(3, 12, 4) },
	{ 3515, A(3, 12, 5) }, { 3516, A(3, 12, 5) }, { 3517, A(3, 12, 5) },
	{ 3518, A(3, 12, 6) }, { 3519, A(3, 12, 6) }, { 3520, A(3, 12, 6) },
	{ 3521, A(3, 12, 7) }, { 3522, A(3, 12, 7) }, { 3523, A(3, 12, 7) },
	{ 3524, A(3, 12, 7) }, { 3525, B(3, 12, 1) }, { 3526, B(3, 12, 1) },
	{ 3527, B(3, 12, 1) }, { 3528, B(3, 12, 1) }, { 3529, B(3, 12, 1) },
	{ 3530, B(3, 12, 1) }, { 3531, B(3, 12, 1) },
	{ 3550, A(3, 13, 1) }, { 3551, A(3, 13, 1) }, { 3552, A(3, 13, 1) },
	{ 3553, A(3, 13, 1) }, { 3554, A(3, 13, 1) }, { 3555, A(3, 13, 1) },
	{ 3556, A(3, 13, 1) }, { 3557, A(3, 13, 1) }, { 3558, A(3, 13, 1) },
	{ 3559, A(3, 13, 1) }, { 3560, A(3, 13, 1) }, { 3561, A(3, 13, 1) },
	{ 3562, A(3, 13, 1) }, { 3563, A(3, 13, 1) }, { 3564, A(3, 13, 1) },
	{ 3565, A(3, 13, 1) }, { 3566, A(3, 13, 1) }, { 3567, A(3, 13, 1) },
	{ 3568, A(3, 13, 1) }, { 3569, A(3, 13, 5) }, { 3570, A(3, 13, 6) },
	{ 3571, B(3, 13, 1) },
	{ 3600, A(3, 14, 1) }, { 3601, A(3, 14, 1) }, { 3602, A(3, 14, 1) },
	{ 3603, A(3, 14, 1) }, { 3604, A(3, 14, 1) }, { 3605, A(3, 14, 1) },
	{ 3606, A(3, 14, 1) }, { 3607, A(3, 14, 1) }, { 3608, A(3, 14, 1) },
	{ 3609, A(3, 14, 2) }, { 3610, A(3, 14, 4) }, { 3611, A(3, 14, 4) },
	{ 3612, A(3, 14, 4) }, { 3613, A(3, 14, 4) }, { 3614, A(3, 14, 5) },
	{ 3615, A(3, 14, 5) }, { 3616, A(3, 14, 5) }, { 3617, A(3, 14, 6) },
	{ 3618, A(3, 14, 6) }, { 3619, A(3, 14, 6) }, { 3620, A(3, 14, 6) },
	{ 3621, A(3, 14, 7) }, { 3622, A(3, 14, 7) }, { 3623, A(3, 14, 7) },
	{ 3624, B(3, 14, 1) }, { 3625, B(3, 14, 3) }, { 3626, RC(3, 14, 2) },
	{ 3627, RC(3, 14, 3) },
	/* NOTE: 3.15 is unreleased; the main branch was at 3657 when this was written. */
	{ 3650, A(3, 15, 0) }, { 3651, A(3, 15, 1) }, { 3652, A(3, 15, 1) },
	{ 3653, A(3, 15, 1) }, { 3654, A(3, 15, 1) }, { 3655, A(3, 15, 1) },
	{ 3656, A(3, 15, 1) }, { 3657, A(3, 15, 1) },
	/* 2.7 pre-releases; 62211 is every 2.7 release. */
	{ 62171, A(2, 7, 0) }, { 62181, A(2, 7, 0) }, { 62191, A(2, 7, 0) },
	{ 62201, A(2, 7, 0) }, { 62211, A(2, 7, 0) },
};

#undef A
#undef B
#undef RC

#define MAGIC_COUNT (sizeof(MAGIC_TABLE) / sizeof(MAGIC_TABLE[0]))

/* The last release of the tag's minor version, for a minor's final magic. */
static uint32_t
last_of_minor(uint32_t tag)
{
	return PYVER(PYVER_MAJOR(tag), PYVER_MINOR(tag), 0xFF);
}

static bool
same_minor(uint32_t a, uint32_t b)
{
	return PYVER_MAJOR(a) == PYVER_MAJOR(b) && PYVER_MINOR(a) == PYVER_MINOR(b);
}

bool
pyc_magic_lookup(uint32_t magic, uint32_t *ver_lo, uint32_t *ver_hi)
{
	size_t i;

	for (i = 0; i < MAGIC_COUNT; i++) {
		if (MAGIC_TABLE[i].magic != magic)
			continue;
		*ver_lo = MAGIC_TABLE[i].tag;
		if (i + 1 < MAGIC_COUNT && same_minor(MAGIC_TABLE[i + 1].tag, MAGIC_TABLE[i].tag))
			*ver_hi = MAGIC_TABLE[i + 1].tag;
		else
			*ver_hi = last_of_minor(MAGIC_TABLE[i].tag);
		return true;
	}
	return false;
}

/* Brackets an unlisted magic by its listed neighbours within one major version. */
static void
guess_range(uint16_t magic, uint32_t *ver_lo, uint32_t *ver_hi)
{
	bool py2 = magic >= 20000;
	size_t i;

	*ver_lo = py2 ? PYVER(1, 5, 0) : PYVER_PRE(3, 0, 0, 0xA, 0);
	*ver_hi = py2 ? PYVER(2, 7, 0xFF) : PYVER_ANY_HI;
	for (i = 0; i < MAGIC_COUNT; i++) {
		const struct magic_tag *m = &MAGIC_TABLE[i];

		if ((m->magic >= 20000) != py2)
			continue;
		if (m->magic < magic && m->tag > *ver_lo)
			*ver_lo = m->tag;
		if (m->magic > magic && m->tag < *ver_hi)
			*ver_hi = m->tag;
	}
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Header length by magic number range, or 0 when no CPython used it. */
static size_t
header_len_for(uint16_t magic)
{
	if (magic >= 20000)
		return magic <= 62211 ? 8 : 0; /* 1.5 to 2.7 */
	if (magic < 3000 || magic >= 10000)
		return 0;
	if (magic < 3210)
		return 8;  /* 3.0 to 3.2 */
	if (magic < 3392)
		return 12; /* 3.3a1 (3210) adds the source size */
	return 16;         /* PEP 552 (3392, 3.7a4) adds the flags word */
}

int
pyc_parse_header(const uint8_t *buf, size_t len, struct pyc_info *out)
{
	uint16_t number;

	memset(out, 0, sizeof(*out));
	if (len < 4 || buf[2] != '\r' || buf[3] != '\n')
		return -EINVAL;
	out->magic = le32(buf);
	number = (uint16_t)(buf[0] | buf[1] << 8);
	out->header_len = header_len_for(number);
	if (out->header_len == 0 || len < out->header_len)
		return -EINVAL;

	out->magic_known = pyc_magic_lookup(number, &out->ver_lo, &out->ver_hi);
	if (!out->magic_known)
		guess_range(number, &out->ver_lo, &out->ver_hi);

	out->validation = PYC_TIMESTAMP;
	if (out->header_len == 16) {
		out->flags = le32(buf + 4);
		/* importlib's _classify_pyc() raises ImportError for other bits. */
		if (out->flags & ~3u)
			return -EINVAL;
		if (out->flags & 1u) {
			out->validation = out->flags & 2u ? PYC_HASH_CHECKED : PYC_HASH_UNCHECKED;
			memcpy(out->source_hash, buf + 8, 8);
			return 0;
		}
		out->source_mtime = le32(buf + 8);
		out->source_size = le32(buf + 12);
		out->has_source_size = true;
		return 0;
	}

	out->source_mtime = le32(buf + 4);
	if (out->header_len == 12) {
		out->source_size = le32(buf + 8);
		out->has_source_size = true;
	}
	return 0;
}

/* Marshal type codes (Python/marshal.c, 2.7 to 3.14). */
enum {
	TYPE_NULL = '0', TYPE_NONE = 'N', TYPE_FALSE = 'F', TYPE_TRUE = 'T',
	TYPE_STOPITER = 'S', TYPE_ELLIPSIS = '.', TYPE_INT = 'i', TYPE_INT64 = 'I',
	TYPE_FLOAT = 'f', TYPE_BINARY_FLOAT = 'g', TYPE_COMPLEX = 'x',
	TYPE_BINARY_COMPLEX = 'y', TYPE_LONG = 'l', TYPE_STRING = 's',
	TYPE_INTERNED = 't', TYPE_STRINGREF = 'R', TYPE_REF = 'r', TYPE_TUPLE = '(',
	TYPE_LIST = '[', TYPE_DICT = '{', TYPE_CODE = 'c', TYPE_UNICODE = 'u',
	TYPE_SET = '<', TYPE_FROZENSET = '>', TYPE_SLICE = ':', TYPE_ASCII = 'a',
	TYPE_ASCII_INTERNED = 'A', TYPE_SMALL_TUPLE = ')', TYPE_SHORT_ASCII = 'z',
	TYPE_SHORT_ASCII_INTERNED = 'Z',
};
#define FLAG_REF 0x80

/* Field order of a marshalled code object. */
enum code_layout {
	CODE_PY2,  /* 2.x: 4 ints, varnames/freevars/cellvars, lnotab */
	CODE_PY30, /* 3.0-3.7: adds kwonlyargcount */
	CODE_PY38, /* 3.8-3.10: adds posonlyargcount */
	CODE_PY311, /* 3.11+: localsplus names and kinds, qualname, exception table */
};

/* An object that a later TYPE_REF (3.x) or TYPE_STRINGREF (2.x) can name. */
struct marshal_ref {
	size_t offset, len; /* the string's bytes; unused for other objects */
	bool is_string;
	bool collected;
};

struct ref_table {
	struct marshal_ref *items;
	size_t count, cap;
};

struct walker {
	const uint8_t *buf;
	size_t len, pos;
	enum code_layout layout;
	bool py2;
	unsigned depth;
	size_t objects;
	struct ref_table refs;     /* FLAG_REF objects, 3.x */
	struct ref_table interned; /* TYPE_INTERNED strings, 2.x */
	struct pyc_strings *out;
	size_t out_cap, out_bytes;
	uint32_t *seen;            /* hash set of out indexes + 1; 0 is empty */
	size_t seen_cap;
};

/* Returned by read_object() for TYPE_NULL, which only ends a dict. */
#define READ_NULL 1

static int read_object(struct walker *w, bool collect);

static uint32_t
hash_bytes(const uint8_t *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

static int
seen_grow(struct walker *w)
{
	size_t ncap = w->seen_cap ? w->seen_cap * 2 : 1024, i;
	uint32_t *nseen = calloc(ncap, sizeof(*nseen));

	if (!nseen)
		return -ENOMEM;
	for (i = 0; i < w->out->count; i++) {
		size_t slot = hash_bytes((const uint8_t *)w->out->items[i], w->out->lens[i]) & (ncap - 1);

		while (nseen[slot])
			slot = (slot + 1) & (ncap - 1);
		nseen[slot] = (uint32_t)(i + 1);
	}
	free(w->seen);
	w->seen = nseen;
	w->seen_cap = ncap;
	return 0;
}

/* Adds a copy of s to the output unless an equal string is there already. */
static int
collect(struct walker *w, const uint8_t *s, size_t len)
{
	struct pyc_strings *out = w->out;
	size_t slot;
	char *copy;
	int rc;

	if (out->truncated)
		return 0;
	if ((out->count + 1) * 2 > w->seen_cap && (rc = seen_grow(w)) < 0)
		return rc;
	slot = hash_bytes(s, len) & (w->seen_cap - 1);
	while (w->seen[slot]) {
		size_t i = w->seen[slot] - 1;

		if (out->lens[i] == len && memcmp(out->items[i], s, len) == 0)
			return 0;
		slot = (slot + 1) & (w->seen_cap - 1);
	}
	if (out->count >= PYC_MAX_STRINGS || len > PYC_MAX_STRING_BYTES - w->out_bytes) {
		out->truncated = true;
		return 0;
	}

	if (out->count == w->out_cap) {
		size_t ncap = w->out_cap ? w->out_cap * 2 : 64;
		char **items = realloc(out->items, ncap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		out->items = items;
		size_t *lens = realloc(out->lens, ncap * sizeof(*lens));
		if (!lens)
			return -ENOMEM;
		out->lens = lens;
		w->out_cap = ncap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	out->items[out->count] = copy;
	out->lens[out->count] = len;
	out->count++;
	w->out_bytes += len;
	w->seen[slot] = (uint32_t)out->count;
	return 0;
}

static int
ref_add(struct ref_table *t, size_t offset, size_t len, bool is_string, bool collected)
{
	if (t->count == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		struct marshal_ref *items = realloc(t->items, ncap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		t->items = items;
		t->cap = ncap;
	}
	t->items[t->count++] = (struct marshal_ref){ offset, len, is_string, collected };
	return 0;
}

static int
read_bytes(struct walker *w, size_t n, size_t *offset)
{
	if (n > w->len - w->pos)
		return -EINVAL;
	*offset = w->pos;
	w->pos += n;
	return 0;
}

static int
read_u8(struct walker *w, uint8_t *v)
{
	size_t off;
	int rc = read_bytes(w, 1, &off);

	if (rc == 0)
		*v = w->buf[off];
	return rc;
}

static int
read_i32(struct walker *w, int32_t *v)
{
	size_t off;
	int rc = read_bytes(w, 4, &off);

	if (rc == 0)
		*v = (int32_t)le32(w->buf + off);
	return rc;
}

/* A length or count field: marshal rejects negative values. */
static int
read_size(struct walker *w, size_t *n)
{
	int32_t v;
	int rc = read_i32(w, &v);

	if (rc < 0)
		return rc;
	if (v < 0)
		return -EINVAL;
	*n = (size_t)v;
	return 0;
}

/* A string object whose length field is already read. */
static int
read_string_body(struct walker *w, size_t n, bool flagged, bool interned, bool collect_it)
{
	size_t off;
	int rc = read_bytes(w, n, &off);

	if (rc < 0)
		return rc;
	if (flagged && (rc = ref_add(&w->refs, off, n, true, collect_it)) < 0)
		return rc;
	if (interned && (rc = ref_add(&w->interned, off, n, true, collect_it)) < 0)
		return rc;
	return collect_it ? collect(w, w->buf + off, n) : 0;
}

/* A reference to an earlier object: collects it if it is an uncollected string. */
static int
follow_ref(struct walker *w, struct ref_table *t, bool collect_it)
{
	struct marshal_ref *r;
	size_t index;
	int rc = read_size(w, &index);

	if (rc < 0)
		return rc;
	if (index >= t->count)
		return -EINVAL;
	r = &t->items[index];
	if (!collect_it || !r->is_string || r->collected)
		return 0;
	r->collected = true;
	return collect(w, w->buf + r->offset, r->len);
}

static int
read_long(struct walker *w)
{
	int32_t n;
	size_t digits, i, off;
	int rc = read_i32(w, &n);

	if (rc < 0)
		return rc;
	digits = n < 0 ? (size_t)(-(int64_t)n) : (size_t)n;
	if (digits > (w->len - w->pos) / 2)
		return -EINVAL;
	if ((rc = read_bytes(w, digits * 2, &off)) < 0)
		return rc;
	for (i = 0; i < digits; i++) {
		/* Digits are base 2**15; the top digit must be non-zero. */
		uint16_t d = (uint16_t)(w->buf[off + 2 * i] | w->buf[off + 2 * i + 1] << 8);

		if (d & 0x8000 || (i + 1 == digits && d == 0))
			return -EINVAL;
	}
	return 0;
}

static int
read_float_text(struct walker *w)
{
	uint8_t n;
	size_t off;
	int rc = read_u8(w, &n);

	return rc < 0 ? rc : read_bytes(w, n, &off);
}

/* n objects in a row, as the items of a tuple, list or set. */
static int
read_items(struct walker *w, size_t n, bool collect_it)
{
	size_t i;
	int rc;

	/* Every object takes at least one byte, so a larger count is a lie. */
	if (n > w->len - w->pos)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		rc = read_object(w, collect_it);
		if (rc == READ_NULL)
			return -EINVAL;
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
read_dict(struct walker *w, bool collect_it)
{
	for (;;) {
		int rc = read_object(w, collect_it);

		if (rc != 0)
			return rc == READ_NULL ? 0 : rc;
		rc = read_object(w, collect_it);
		if (rc != 0)
			return rc == READ_NULL ? 0 : rc;
	}
}

/* One field of a code object; a NULL there is invalid. */
static int
read_field(struct walker *w, bool collect_it)
{
	int rc = read_object(w, collect_it);

	return rc == READ_NULL ? -EINVAL : rc;
}

/*
 * Reads a field that contains compiler-made bytes (byte-code, line tables,
 * co_filename). A string there is not collected, but anything else is.
 */
static int
read_skipped_field(struct walker *w)
{
	uint8_t type;

	if (w->pos >= w->len)
		return -EINVAL;
	type = w->buf[w->pos] & (w->py2 ? 0xFF : (uint8_t)~FLAG_REF);
	switch (type) {
	case TYPE_STRING: case TYPE_INTERNED: case TYPE_UNICODE: case TYPE_ASCII:
	case TYPE_ASCII_INTERNED: case TYPE_SHORT_ASCII: case TYPE_SHORT_ASCII_INTERNED:
	case TYPE_REF: case TYPE_STRINGREF:
		return read_field(w, false);
	default:
		return read_field(w, true);
	}
}

static int
read_ints(struct walker *w, unsigned n)
{
	int32_t ignored;
	unsigned i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = read_i32(w, &ignored);
	return rc;
}

static int
read_code(struct walker *w)
{
	static const unsigned ints[] = { [CODE_PY2] = 4, [CODE_PY30] = 5,
					 [CODE_PY38] = 6, [CODE_PY311] = 5 };
	int rc;

	if ((rc = read_ints(w, ints[w->layout])) < 0)
		return rc;
	if ((rc = read_skipped_field(w)) < 0)    /* co_code */
		return rc;
	if ((rc = read_field(w, true)) < 0)      /* co_consts */
		return rc;
	if ((rc = read_field(w, true)) < 0)      /* co_names */
		return rc;

	if (w->layout == CODE_PY311) {
		if ((rc = read_field(w, true)) < 0)       /* co_localsplusnames */
			return rc;
		if ((rc = read_skipped_field(w)) < 0)     /* co_localspluskinds */
			return rc;
		if ((rc = read_skipped_field(w)) < 0)     /* co_filename */
			return rc;
		if ((rc = read_field(w, true)) < 0)       /* co_name */
			return rc;
		if ((rc = read_field(w, true)) < 0)       /* co_qualname */
			return rc;
		if ((rc = read_ints(w, 1)) < 0)           /* co_firstlineno */
			return rc;
		if ((rc = read_skipped_field(w)) < 0)     /* co_linetable */
			return rc;
		return read_skipped_field(w);             /* co_exceptiontable */
	}

	if ((rc = read_field(w, true)) < 0)      /* co_varnames */
		return rc;
	if ((rc = read_field(w, true)) < 0)      /* co_freevars */
		return rc;
	if ((rc = read_field(w, true)) < 0)      /* co_cellvars */
		return rc;
	if ((rc = read_skipped_field(w)) < 0)    /* co_filename */
		return rc;
	if ((rc = read_field(w, true)) < 0)      /* co_name */
		return rc;
	if ((rc = read_ints(w, 1)) < 0)          /* co_firstlineno */
		return rc;
	return read_skipped_field(w);            /* co_lnotab */
}

/* Reserves a reference slot for a container, as marshal does before its items. */
static int
reserve_ref(struct walker *w, bool flagged)
{
	return flagged ? ref_add(&w->refs, 0, 0, false, false) : 0;
}

static int
read_string_object(struct walker *w, uint8_t type, bool flagged, bool collect_it)
{
	size_t n;
	uint8_t short_len;
	int rc;

	switch (type) {
	case TYPE_SHORT_ASCII:
	case TYPE_SHORT_ASCII_INTERNED:
		if ((rc = read_u8(w, &short_len)) < 0)
			return rc;
		return read_string_body(w, short_len, flagged, false, collect_it);
	case TYPE_INTERNED:
		if ((rc = read_size(w, &n)) < 0)
			return rc;
		return read_string_body(w, n, flagged, w->py2, collect_it);
	default:
		if ((rc = read_size(w, &n)) < 0)
			return rc;
		return read_string_body(w, n, flagged, false, collect_it);
	}
}

static int
read_container(struct walker *w, uint8_t type, bool flagged, bool collect_it)
{
	size_t n;
	uint8_t small;
	int rc;

	if ((rc = reserve_ref(w, flagged)) < 0)
		return rc;
	switch (type) {
	case TYPE_SMALL_TUPLE:
		if ((rc = read_u8(w, &small)) < 0)
			return rc;
		return read_items(w, small, collect_it);
	case TYPE_TUPLE: case TYPE_LIST: case TYPE_SET: case TYPE_FROZENSET:
		if ((rc = read_size(w, &n)) < 0)
			return rc;
		return read_items(w, n, collect_it);
	case TYPE_DICT:
		return read_dict(w, collect_it);
	case TYPE_SLICE:
		return read_items(w, 3, collect_it);
	case TYPE_CODE:
		return read_code(w);
	default:
		return -EINVAL;
	}
}

static int
read_scalar(struct walker *w, uint8_t type, bool flagged)
{
	size_t off;
	int rc;

	switch (type) {
	case TYPE_NONE: case TYPE_FALSE: case TYPE_TRUE: case TYPE_STOPITER:
	case TYPE_ELLIPSIS:
		return 0; /* singletons are never given a reference slot */
	case TYPE_INT:
		rc = read_bytes(w, 4, &off);
		break;
	case TYPE_INT64: case TYPE_BINARY_FLOAT:
		rc = read_bytes(w, 8, &off);
		break;
	case TYPE_BINARY_COMPLEX:
		rc = read_bytes(w, 16, &off);
		break;
	case TYPE_FLOAT:
		rc = read_float_text(w);
		break;
	case TYPE_COMPLEX:
		rc = read_float_text(w);
		if (rc == 0)
			rc = read_float_text(w);
		break;
	case TYPE_LONG:
		rc = read_long(w);
		break;
	default:
		return -EINVAL;
	}
	if (rc == 0 && flagged)
		rc = ref_add(&w->refs, 0, 0, false, false);
	return rc;
}

static int
read_object(struct walker *w, bool collect_it)
{
	uint8_t code, type;
	bool flagged = false;
	int rc;

	if (w->depth >= PYC_MAX_DEPTH || w->objects >= PYC_MAX_OBJECTS)
		return -E2BIG;
	if ((rc = read_u8(w, &code)) < 0)
		return rc;
	type = code;
	if (!w->py2 && (code & FLAG_REF)) {
		flagged = true;
		type = code & (uint8_t)~FLAG_REF;
	}
	w->objects++;
	w->depth++;

	switch (type) {
	case TYPE_NULL:
		rc = READ_NULL;
		break;
	case TYPE_REF:
		rc = w->py2 || flagged ? -EINVAL : follow_ref(w, &w->refs, collect_it);
		break;
	case TYPE_STRINGREF:
		rc = w->py2 ? follow_ref(w, &w->interned, collect_it) : -EINVAL;
		break;
	case TYPE_STRING: case TYPE_INTERNED: case TYPE_UNICODE:
		rc = read_string_object(w, type, flagged, collect_it);
		break;
	case TYPE_ASCII: case TYPE_ASCII_INTERNED: case TYPE_SHORT_ASCII:
	case TYPE_SHORT_ASCII_INTERNED:
		rc = w->py2 ? -EINVAL : read_string_object(w, type, flagged, collect_it);
		break;
	case TYPE_TUPLE: case TYPE_SMALL_TUPLE: case TYPE_LIST: case TYPE_DICT:
	case TYPE_SET: case TYPE_FROZENSET: case TYPE_SLICE: case TYPE_CODE:
		if (w->py2 && (type == TYPE_SMALL_TUPLE || type == TYPE_SLICE))
			rc = -EINVAL;
		else
			rc = read_container(w, type, flagged, collect_it);
		break;
	default:
		rc = read_scalar(w, type, flagged);
		break;
	}

	w->depth--;
	return rc;
}

static enum code_layout
layout_for(uint32_t magic)
{
	uint16_t number = (uint16_t)(magic & 0xFFFF);

	if (number >= 20000)
		return CODE_PY2;
	if (number < 3400)
		return CODE_PY30;
	/*
	 * NOTE: the 3.11 alphas (3450-3494) changed the code object several
	 * times; they are read with the 3.11 final layout.
	 */
	if (number < 3450)
		return CODE_PY38;
	return CODE_PY311;
}

void
pyc_strings_free(struct pyc_strings *s)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
	free(s->lens);
	memset(s, 0, sizeof(*s));
}

int
pyc_collect_strings(const uint8_t *buf, size_t len, const struct pyc_info *info,
		    struct pyc_strings *out)
{
	struct walker w;
	int rc;

	memset(out, 0, sizeof(*out));
	if (info->header_len > len)
		return -EINVAL;
	if (len - info->header_len > PYC_MAX_STREAM)
		return -E2BIG;

	memset(&w, 0, sizeof(w));
	w.buf = buf;
	w.len = len;
	w.pos = info->header_len;
	w.layout = layout_for(info->magic);
	w.py2 = w.layout == CODE_PY2;
	w.out = out;

	/* importlib rejects a pyc whose top object is not a code object. */
	if (w.pos >= w.len)
		rc = -EINVAL;
	else if ((w.buf[w.pos] & (w.py2 ? 0xFF : (uint8_t)~FLAG_REF)) != TYPE_CODE)
		rc = -EINVAL;
	else
		rc = read_object(&w, true);

	free(w.refs.items);
	free(w.interned.items);
	free(w.seen);
	if (rc < 0)
		pyc_strings_free(out);
	return rc < 0 ? rc : 0;
}

/*
 * Strings the compiler writes by itself. 3.6 to 3.8 load AssertionError
 * and StopAsyncIteration by name for assert and async for. "return" keys
 * the return annotation, and ".0" is the iterator argument of a
 * comprehension. The other dotted names carry PEP 695 (3.12) type
 * parameters and defaults, and class bodies read and store the dunder
 * names listed.
 */
static const char *const COMPILER_NAMES[] = {
	"AssertionError", "StopAsyncIteration", "return", ".0", ".type_params",
	".generic_base", ".defaults", ".kwdefaults", ".format",
	"__name__", "__module__", "__qualname__", "__doc__", "__class__", "__classcell__",
	"__classdict__", "__classdictcell__", "__annotations__", "__static_attributes__",
	"__firstlineno__", "__type_params__", "__annotate__", "__conditional_annotations__",
	"__orig_bases__", "<module>", "<lambda>", "<genexpr>", "<listcomp>", "<setcomp>",
	"<dictcomp>",
};
/*
 * NOTE: 3.14 compiles annotations into generated __annotate__ functions.
 * No 3.14 interpreter was at hand to check which parameter names they
 * carry, so a clean 3.14 pyc may report one.
 */

/* Pieces of qualified names that the compiler writes inside '<' '>'. */
static const char *const QUALNAME_PARTS[] = {
	"locals", "lambda", "genexpr", "listcomp", "setcomp", "dictcomp", "module",
};

/* PEP 695 (3.12) names the scope of a generic's parameters "<generic parameters of NAME>". */
static const char GENERIC_SCOPE[] = "<generic parameters of ";

static bool
is_compiler_made(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return true;
	for (i = 0; i < sizeof(COMPILER_NAMES) / sizeof(COMPILER_NAMES[0]); i++) {
		if (strlen(COMPILER_NAMES[i]) == len && memcmp(s, COMPILER_NAMES[i], len) == 0)
			return true;
	}
	return false;
}

static bool
in_source(const uint8_t *src, size_t srclen, const void *s, size_t len)
{
	return len == 0 || (len <= srclen && memmem(src, srclen, s, len) != NULL);
}

static bool
is_word_byte(uint8_t c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Bytes of a Python identifier: ASCII word bytes and any non-ASCII UTF-8. */
static bool
is_ident_byte(uint8_t c)
{
	return is_word_byte(c) || c >= 0x80;
}

/*
 * Whether s occurs in the source as a whole word: not inside a longer
 * identifier, so "filesystem" does not vouch for "system".
 */
static bool
word_in_text(const uint8_t *src, size_t srclen, const char *s, size_t len)
{
	const uint8_t *p, *end;

	if (len == 0)
		return true;
	if (!src || srclen < len)
		return false;
	p = src;
	end = src + srclen;
	while (p < end && (size_t)(end - p) >= len) {
		const uint8_t *hit = memmem(p, (size_t)(end - p), s, len);

		if (!hit)
			return false;
		if ((hit == src || !is_ident_byte(hit[-1])) &&
		    (hit + len == end || !is_ident_byte(hit[len])))
			return true;
		p = hit + 1;
	}
	return false;
}

/*
 * Whether s is shaped like an ASCII Python identifier. Non-ASCII text is
 * left to the word check, because a source may spell it with escapes.
 */
static bool
is_identifier(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++) {
		if (!is_word_byte((uint8_t)s[i]))
			return false;
	}
	return true;
}

/* "_Class__attr" is how the compiler writes "__attr" used inside "class Class". */
static bool
mangled_in_source(const uint8_t *src, size_t srclen, const char *s, size_t len)
{
	const char *sep = s + 1;

	if (len < 5 || s[0] != '_' || s[1] == '_')
		return false;
	/*
	 * The class part loses its leading underscores (class _Printer gives
	 * _Printer__x) and may itself hold "__" or end in "_", so every split
	 * is tried.
	 */
	while ((size_t)(sep - s) + 2 < len &&
	       (sep = memmem(sep + 1, len - (size_t)(sep + 1 - s), "__", 2)) != NULL) {
		if (in_source(src, srclen, s + 1, (size_t)(sep - s) - 1) &&
		    word_in_text(src, srclen, sep, len - (size_t)(sep - s)))
			return true;
	}
	return false;
}

static bool
is_qualname_part(const char *s, size_t start, size_t end, size_t len)
{
	size_t i;

	if (start == 0 || s[start - 1] != '<' || end >= len || s[end] != '>')
		return false;
	for (i = 0; i < sizeof(QUALNAME_PARTS) / sizeof(QUALNAME_PARTS[0]); i++) {
		if (strlen(QUALNAME_PARTS[i]) == end - start &&
		    memcmp(s + start, QUALNAME_PARTS[i], end - start) == 0)
			return true;
	}
	return false;
}

/*
 * Whether a word is found, either as it is or, when it repeats a unit of
 * up to 16 bytes ("xx" * 50 folded by the compiler), as that unit.
 */
static bool
word_in_source(const uint8_t *src, size_t srclen, const char *w, size_t len)
{
	size_t period, i;

	if (in_source(src, srclen, w, len))
		return true;
	for (period = 1; period <= 16 && period * 2 <= len; period++) {
		for (i = period; i < len && w[i] == w[i - period]; i++)
			;
		if (i == len)
			return in_source(src, srclen, w, period);
	}
	return false;
}

/*
 * Whether every ASCII word of s appears in the source. Non-ASCII bytes
 * separate words, because the source may spell them as escapes.
 */
static bool
words_in_source(const uint8_t *src, size_t srclen, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start;

		if (len - i >= sizeof(GENERIC_SCOPE) - 1 &&
		    memcmp(s + i, GENERIC_SCOPE, sizeof(GENERIC_SCOPE) - 1) == 0) {
			i += sizeof(GENERIC_SCOPE) - 1;
			continue;
		}
		while (i < len && !is_word_byte((uint8_t)s[i]))
			i++;
		start = i;
		while (i < len && is_word_byte((uint8_t)s[i]))
			i++;
		if (i == start || is_qualname_part(s, start, i, len))
			continue;
		if (!word_in_source(src, srclen, s + start, i - start))
			return false;
	}
	return true;
}

static bool
is_quote(uint8_t c)
{
	return c == '"' || c == '\'';
}

/*
 * Offset just past the gap after a closing quote at i: blanks,
 * backslash-newlines, comments and '+', which the compiler folds for
 * "ab" + "cd".
 */
static size_t
skip_literal_gap(const uint8_t *src, size_t srclen, size_t i)
{
	while (i < srclen) {
		if (src[i] == '#') {
			while (i < srclen && src[i] != '\n')
				i++;
		} else if (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\n' ||
			   src[i] == '\\' || src[i] == '\f' || src[i] == '+') {
			i++;
		} else {
			break;
		}
	}
	return i;
}

/*
 * Copies src with the junctions of adjacent string literals removed, so
 * that "ab" "cd" (which the compiler joins into one constant) reads
 * "abcd". A junction is a quote, a gap of blanks, backslash-newlines,
 * comments and '+', up to two prefix letters, and another quote. Quotes are not
 * paired, so some text outside literals is joined too; that only ever
 * makes more strings count as found.
 */
static uint8_t *
join_adjacent_literals(const uint8_t *src, size_t srclen, size_t *joinedlen)
{
	uint8_t *joined = malloc(srclen ? srclen : 1);
	size_t i = 0, n = 0;

	if (!joined)
		return NULL;
	while (i < srclen) {
		size_t j, prefix = 0;

		/* A backslash-newline continues a line, and a string, without a break. */
		if (src[i] == '\\' && i + 1 < srclen && (src[i + 1] == '\n' || src[i + 1] == '\r')) {
			i += 2;
			if (src[i - 1] == '\r' && i < srclen && src[i] == '\n')
				i++;
			continue;
		}
		if (!is_quote(src[i])) {
			joined[n++] = src[i++];
			continue;
		}
		j = skip_literal_gap(src, srclen, i + 1);
		while (prefix < 2 && j + prefix < srclen && memchr("rRbBuUfF", src[j + prefix], 8))
			prefix++;
		if (j > i + 1 && j + prefix < srclen && is_quote(src[j + prefix])) {
			i = j + prefix + 1;
			continue;
		}
		joined[n++] = src[i++];
	}
	*joinedlen = n;
	return joined;
}

/* Whether the source text accounts for the string (see pyc.h). */
static bool
accounted_for(const uint8_t *src, size_t srclen, const uint8_t *joined, size_t joinedlen,
	      const char *s, size_t len)
{
	if (is_compiler_made(s, len) || mangled_in_source(src, srclen, s, len))
		return true;
	/*
	 * A name must be a whole word of the source; other text may be part of
	 * a literal. An identifier-shaped constant that repeats a short unit
	 * ('ab' * 40, folded by the compiler) is looked up by that unit.
	 */
	if (is_identifier(s, len)) {
		size_t period;

		if (word_in_text(src, srclen, s, len) || word_in_text(joined, joinedlen, s, len))
			return true;
		for (period = 1; period <= 16 && period * 2 <= len; period++) {
			size_t i;

			for (i = period; i < len && s[i] == s[i - period]; i++)
				;
			if (i == len)
				return in_source(src, srclen, s, period);
		}
		return false;
	}
	if (in_source(src, srclen, s, len) || in_source(joined, joinedlen, s, len))
		return true;
	return words_in_source(src, srclen, s, len) ||
	       words_in_source(joined, joinedlen, s, len);
}

int
pyc_strings_missing_from_source(const struct pyc_strings *s, const uint8_t *src,
				size_t srclen, struct pyc_strings *missing)
{
	size_t i, cap = 0, joinedlen = 0;
	uint8_t *joined;

	memset(missing, 0, sizeof(*missing));
	joined = join_adjacent_literals(src, srclen, &joinedlen);
	if (!joined)
		return -ENOMEM;
	missing->truncated = s->truncated;
	for (i = 0; i < s->count; i++) {
		const char *str = s->items[i];
		size_t len = s->lens[i];
		char *copy;

		if (accounted_for(src, srclen, joined, joinedlen, str, len))
			continue;

		if (missing->count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **items = realloc(missing->items, ncap * sizeof(*items));
			size_t *lens;

			if (!items)
				goto nomem;
			missing->items = items;
			lens = realloc(missing->lens, ncap * sizeof(*lens));
			if (!lens)
				goto nomem;
			missing->lens = lens;
			cap = ncap;
		}
		copy = malloc(len + 1);
		if (!copy)
			goto nomem;
		memcpy(copy, str, len + 1);
		missing->items[missing->count] = copy;
		missing->lens[missing->count] = len;
		missing->count++;
	}
	free(joined);
	return 0;

nomem:
	free(joined);
	pyc_strings_free(missing);
	return -ENOMEM;
}
