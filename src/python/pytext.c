#include "python/pytext.h"

#include <string.h>

#include "core/utf8.h"

bool
py_is_space(uint32_t cp)
{
	if ((cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20))
		return true;
	if (cp == 0x85 || cp == 0xA0 || cp == 0x1680)
		return true;
	if (cp >= 0x2000 && cp <= 0x200A)
		return true;
	return cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000;
}

/* Length of the whitespace character starting at s, or 0 when there is none. */
static size_t
space_at(const uint8_t *s, size_t len)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	return n && py_is_space(cp) ? n : 0;
}

/* Length of the whitespace character that ends at s + len, or 0. */
static size_t
space_before(const uint8_t *s, size_t len)
{
	size_t back;

	for (back = 1; back <= 4 && back <= len; back++) {
		uint32_t cp;
		size_t n = utf8_decode(s + len - back, back, &cp);

		if (n == back)
			return py_is_space(cp) ? n : 0;
	}
	return 0;
}

void
py_strip(const uint8_t **s, size_t *len)
{
	size_t n;

	while (*len && (n = space_at(*s, *len)) != 0) {
		*s += n;
		*len -= n;
	}
	while (*len && (n = space_before(*s, *len)) != 0)
		*len -= n;
}

size_t
py_splitlines_next(const uint8_t *s, size_t len, size_t *next)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];

		if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) {
			*next = i + 1;
			return i;
		}
		if (c == '\r') {
			*next = i + 1 < len && s[i + 1] == '\n' ? i + 2 : i + 1;
			return i;
		}
		if (c == 0xC2 && i + 1 < len && s[i + 1] == 0x85) {
			*next = i + 2;
			return i;
		}
		if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
			*next = i + 3;
			return i;
		}
		i++;
	}
	*next = len;
	return len;
}

/* Nesting of f-string fields and strings followed; deeper text is dropped. */
#define STRIP_DEPTH_MAX 64

struct stripper {
	const uint8_t *src;
	size_t len, i;
	uint8_t *out;
	size_t o;
	bool too_deep;
};

static void strip_code(struct stripper *st, int depth, bool in_field);

static bool
is_prefix_letter(uint8_t c)
{
	return c == 'r' || c == 'R' || c == 'b' || c == 'B' || c == 'u' || c == 'U' || c == 'f' ||
	       c == 'F';
}

static bool
is_name_byte(uint8_t c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

/* Whether the quote at st->i has an f prefix ("f", "rf", "Fr", ...). */
static bool
has_f_prefix(const struct stripper *st)
{
	size_t k = st->i, n = 0;
	bool f = false;

	while (k > 0 && n < 2 && is_prefix_letter(st->src[k - 1])) {
		k--;
		n++;
		if (st->src[k] == 'f' || st->src[k] == 'F')
			f = true;
	}
	return f && (k == 0 || !is_name_byte(st->src[k - 1]));
}

static void
put(struct stripper *st, size_t n)
{
	memcpy(st->out + st->o, st->src + st->i, n);
	st->o += n;
	st->i += n;
}

/* An f-string replacement field whose '{' is at st->i, with its closing '}'. */
static void
strip_field(struct stripper *st, int depth)
{
	put(st, 1);
	strip_code(st, depth + 1, true);
	if (st->i < st->len && st->src[st->i] == '}')
		put(st, 1);
}

/*
 * A format spec after ':' in an f-string field: literal text with nested
 * fields, up to the '}' that closes the field (left for the caller).
 */
static void
strip_spec(struct stripper *st, int depth)
{
	while (st->i < st->len && !st->too_deep) {
		uint8_t c = st->src[st->i];

		if (c == '}')
			return;
		if (c == '{') {
			strip_field(st, depth);
			continue;
		}
		put(st, 1);
	}
}

/* A string literal whose opening quote is at st->i. */
static void
strip_string(struct stripper *st, int depth)
{
	uint8_t q = st->src[st->i];
	bool fstring = has_f_prefix(st);
	bool triple = st->i + 2 < st->len && st->src[st->i + 1] == q && st->src[st->i + 2] == q;
	size_t quote_len = triple ? 3 : 1;

	put(st, quote_len);
	while (st->i < st->len && !st->too_deep) {
		uint8_t c = st->src[st->i];

		if (c == '\\' && st->i + 1 < st->len) {
			put(st, 2);
			continue;
		}
		if (!triple && (c == '\n' || c == '\r'))
			return; /* an unterminated one-line literal ends here */
		if (c == q && (!triple || (st->i + 2 < st->len && st->src[st->i + 1] == q &&
					   st->src[st->i + 2] == q))) {
			put(st, quote_len);
			return;
		}
		if (fstring && c == '{') {
			if (st->i + 1 < st->len && st->src[st->i + 1] == '{') {
				put(st, 2);
				continue;
			}
			strip_field(st, depth);
			continue;
		}
		put(st, 1);
	}
}

/*
 * Code: comments are dropped, strings copied. In an f-string field
 * (in_field) it stops at the '}' that closes the field, and a ':' at the
 * field's top level starts its format spec.
 */
static void
strip_code(struct stripper *st, int depth, bool in_field)
{
	int brackets = 0;

	if (depth > STRIP_DEPTH_MAX) {
		st->too_deep = true;
		return;
	}
	while (st->i < st->len && !st->too_deep) {
		uint8_t c = st->src[st->i];

		if (c == '#') {
			while (st->i < st->len && st->src[st->i] != '\n' && st->src[st->i] != '\r')
				st->i++;
			continue;
		}
		if (c == '\'' || c == '"') {
			strip_string(st, depth + 1);
			continue;
		}
		if (in_field) {
			if (c == '(' || c == '[' || c == '{') {
				brackets++;
			} else if ((c == ')' || c == ']' || c == '}') && brackets > 0) {
				brackets--;
			} else if (c == '}') {
				return;
			} else if (c == ':' && brackets == 0) {
				/* At a field's top level ':' starts the spec, even before '='. */
				put(st, 1);
				strip_spec(st, depth + 1);
				return;
			}
		}
		put(st, 1);
	}
}

size_t
py_strip_comments(const uint8_t *src, size_t len, uint8_t *out)
{
	struct stripper st = { src, len, 0, out, 0, false };

	/* Code past the depth limit is dropped, which can only flag more. */
	strip_code(&st, 0, false);
	return st.o;
}
