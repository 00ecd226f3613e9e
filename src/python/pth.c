#include "python/pth.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/utf8.h"

/*
 * Bytes per read of io.TextIOWrapper (_CHUNK_SIZE in Modules/_io/textio.c,
 * CPython 3.x). The locale-stream reader decodes one chunk at a time, so a
 * bad byte stops reading only when its chunk is decoded.
 */
#define TEXTIO_CHUNK_SIZE 8192

static const uint8_t utf8_bom[3] = {0xEF, 0xBB, 0xBF};

/*
 * Returns the offset of the next line break at or after pos (len when there
 * is none) and stores its length in bytes. Universal newlines are \n, \r\n
 * and \r; str.splitlines() adds \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029.
 * The multi-byte forms are matched as UTF-8 bytes, which finds exactly the
 * decoded characters whenever the file is valid UTF-8 (a lead byte is never
 * a continuation byte). In a file that fails to decode no line is reached,
 * so the split there only places offsets.
 */
static size_t
next_break(const uint8_t *buf, size_t len, size_t pos, bool all_breaks, size_t *brk_len)
{
	for (; pos < len; pos++) {
		uint8_t c = buf[pos];

		if (c == '\n') {
			*brk_len = 1;
			return pos;
		}
		if (c == '\r') {
			*brk_len = pos + 1 < len && buf[pos + 1] == '\n' ? 2 : 1;
			return pos;
		}
		if (!all_breaks)
			continue;
		if (c == '\v' || c == '\f' || c == 0x1C || c == 0x1D || c == 0x1E) {
			*brk_len = 1;
			return pos;
		}
		if (c == 0xC2 && pos + 1 < len && buf[pos + 1] == 0x85) {
			*brk_len = 2;
			return pos;
		}
		if (c == 0xE2 && pos + 2 < len && buf[pos + 1] == 0x80 &&
		    (buf[pos + 2] == 0xA8 || buf[pos + 2] == 0xA9)) {
			*brk_len = 3;
			return pos;
		}
	}
	*brk_len = 0;
	return len;
}

/*
 * str.isspace() of CPython 3 (Unicode White_Space minus U+180E, which
 * Unicode 6.3 dropped), which str.strip() removes.
 */
static bool
is_unicode_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 ||
	       cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/*
 * Reports whether line.strip() is empty. Python 2 strips byte strings with
 * C isspace() in the "C" locale; Python 3 strips decoded text.
 * NOTE: Python 3.0 to 3.5 (Unicode before 6.3) also counted U+180E as a
 * space; such a line is classified as a path line here.
 */
static bool
is_blank(const uint8_t *s, size_t len, enum pth_decode decode)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (decode == PTH_DECODE_BYTES) {
			if (!memchr(" \t\n\v\f\r", s[i], 6))
				return false;
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || !is_unicode_space(cp))
			return false;
		i += n;
	}
	return true;
}

static enum pth_line_kind
classify(const uint8_t *s, size_t len, enum pth_decode decode)
{
	if (len > 0 && s[0] == '#')
		return PTH_LINE_COMMENT;
	if (is_blank(s, len, decode))
		return PTH_LINE_BLANK;
	if (len >= 7 && memcmp(s, "import", 6) == 0 && (s[6] == ' ' || s[6] == '\t'))
		return PTH_LINE_EXEC;
	return PTH_LINE_PATH;
}

/*
 * Returns where CPython's incremental UTF-8 decoder notices the bad
 * sequence that starts at bad: the first byte that cannot continue it.
 * Returns len when the file ends inside a sequence that was valid so far,
 * because the error then comes from the final decode at end of file.
 */
static size_t
detect_offset(const uint8_t *buf, size_t len, size_t bad)
{
	uint8_t lead = buf[bad], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (lead >= 0xC2 && lead <= 0xDF)
		need = 1;
	else if (lead >= 0xE0 && lead <= 0xEF)
		need = 2;
	else if (lead >= 0xF0 && lead <= 0xF4)
		need = 3;
	else
		return bad;
	if (lead == 0xE0)
		lo = 0xA0;
	else if (lead == 0xED)
		hi = 0x9F; /* ED A0..BF would encode a surrogate */
	else if (lead == 0xF0)
		lo = 0x90;
	else if (lead == 0xF4)
		hi = 0x8F;
	for (i = 1; i <= need; i++) {
		if (bad + i >= len)
			return len;
		if (buf[bad + i] < (i == 1 ? lo : 0x80) || buf[bad + i] > (i == 1 ? hi : 0xBF))
			return bad + i;
	}
	return bad + need; /* not reached for a sequence utf8_decode rejected */
}

/*
 * Sets aborts and abort_offset, and returns the offset where the stream
 * reader stops: lines need their line break decoded before it. Returns
 * SIZE_MAX when every line is reached.
 */
static size_t
find_abort(const uint8_t *buf, size_t len, enum pth_decode decode, struct pth_result *out)
{
	size_t bad, seen;

	if (decode == PTH_DECODE_BYTES)
		return SIZE_MAX;
	bad = utf8_first_invalid(buf, len);
	if (bad == len)
		return SIZE_MAX;
	out->aborts = true;
	out->abort_offset = bad;
	if (decode != PTH_DECODE_LOCALE_STREAM)
		return 0; /* the whole file is decoded before any line runs */
	seen = detect_offset(buf, len, bad);
	if (seen == len)
		return len;
	return seen - seen % TEXTIO_CHUNK_SIZE;
}

/*
 * Reports whether a line whose break starts at brk is read before the
 * stream reader stops at limit. A lone \r counts only once the character
 * after it is decoded, because the newline decoder keeps a trailing \r
 * back until it sees whether \n follows.
 */
static bool
line_reached(const uint8_t *buf, size_t len, size_t brk, size_t brk_len, size_t limit)
{
	size_t next, n;
	uint32_t cp;

	if (limit == SIZE_MAX)
		return true;
	if (brk_len == 0)
		return false; /* the last line needs end of file, which the error stops */
	if (brk_len == 1 && buf[brk] == '\r') {
		next = brk + 1;
		n = next < len ? utf8_decode(buf + next, len - next, &cp) : 0;
		return n > 0 && next + n <= limit;
	}
	return brk + brk_len <= limit;
}

int
pth_parse(const uint8_t *buf, size_t len, const struct pth_rules *rules, struct pth_result *out)
{
	size_t start, pos, brk, brk_len, count = 0, limit;

	memset(out, 0, sizeof(*out));
	if (len >= sizeof(utf8_bom) && memcmp(buf, utf8_bom, sizeof(utf8_bom)) == 0)
		out->bom_len = sizeof(utf8_bom);
	start = rules->decode == PTH_DECODE_UTF8_SIG ? out->bom_len : 0;

	/* Count first, so a hostile file is rejected before any allocation. */
	for (pos = start; pos < len; pos = brk + brk_len) {
		brk = next_break(buf, len, pos, rules->split_all_breaks, &brk_len);
		if (++count > PTH_MAX_LINES)
			return -E2BIG;
	}
	if (count > 0) {
		out->lines = calloc(count, sizeof(out->lines[0]));
		if (!out->lines)
			return -ENOMEM;
	}

	limit = find_abort(buf, len, rules->decode, out);
	for (pos = start; pos < len; pos = brk + brk_len) {
		struct pth_line *l = &out->lines[out->nlines];

		brk = next_break(buf, len, pos, rules->split_all_breaks, &brk_len);
		l->offset = pos;
		l->len = brk - pos;
		l->number = (long)++out->nlines;
		l->kind = classify(buf + pos, brk - pos, rules->decode);
		l->reached = line_reached(buf, len, brk, brk_len, limit);
	}
	return 0;
}

void
pth_result_free(struct pth_result *res)
{
	free(res->lines);
	res->lines = NULL;
	res->nlines = 0;
}

/* Bytes above 0x7F count because Python 3 identifiers may be non-ASCII. */
static bool
is_ident_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

static size_t
skip_blanks(const uint8_t *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/*
 * Reads one string literal at line[i]: '...' or "..." with an optional r,
 * R, u or U prefix. With allow_escapes false, a plain literal with a
 * backslash is rejected, because its escapes would need decoding. *raw
 * is set when backslashes are literal text. In a raw literal
 * a backslash only keeps the next quote inside the string.
 */
static bool
read_literal(const uint8_t *line, size_t len, size_t i, const uint8_t **arg, size_t *arglen,
	     size_t *after, bool allow_escapes, bool *raw_out)
{
	bool raw = false;
	uint8_t quote;
	size_t start;

	if (i < len && (line[i] == 'r' || line[i] == 'R' || line[i] == 'u' || line[i] == 'U')) {
		raw = line[i] == 'r' || line[i] == 'R';
		i++;
	}
	if (i >= len || (line[i] != '\'' && line[i] != '"'))
		return false;
	quote = line[i++];
	start = i;
	for (; i < len && line[i] != quote; i++) {
		if (line[i] == '\n' || line[i] == '\r')
			return false;
		if (line[i] == '\\') {
			if (!raw && !allow_escapes)
				return false;
			i++;
		}
	}
	if (i >= len)
		return false;
	*arg = line + start;
	*arglen = i - start;
	*after = i + 1;
	if (raw_out)
		*raw_out = raw;
	return true;
}

/* Appends code point cp as UTF-8; false when it does not fit or is invalid. */
static bool
put_utf8(uint32_t cp, char *out, size_t size, size_t *o)
{
	uint8_t b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xC0 | (cp >> 6));
		b[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xE0 | (cp >> 12));
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else if (cp <= 0x10FFFF) {
		b[0] = (uint8_t)(0xF0 | (cp >> 18));
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	} else {
		return false;
	}
	if (*o + n >= size)
		return false;
	memcpy(out + *o, b, n);
	*o += n;
	return true;
}

/*
 * Decodes the escapes of a Python 3 str literal body as the tokenizer
 * does: \\ \' \" \a \b \f \n \r \t \v, octal \ooo, \xhh, \uhhhh and
 * \Uhhhhhhhh; an unknown escape keeps its backslash. \N{name} and a NUL
 * are not supported (false).
 */
static bool
decode_literal(const uint8_t *s, size_t len, char *out, size_t size, size_t *outlen)
{
	static const char simple_from[] = "\\'\"abfnrtv", simple_to[] = "\\'\"\a\b\f\n\r\t\v";
	size_t i = 0, o = 0;

	while (i < len) {
		uint32_t cp = 0;
		const char *hit;
		int digits, k;

		if (s[i] != '\\' || i + 1 >= len) {
			if (o + 1 >= size)
				return false;
			out[o++] = (char)s[i++];
			continue;
		}
		i++;
		hit = strchr(simple_from, s[i]);
		if (hit && s[i] != '\0') {
			if (o + 1 >= size)
				return false;
			out[o++] = simple_to[hit - simple_from];
			i++;
			continue;
		}
		if (s[i] >= '0' && s[i] <= '7') {
			for (k = 0; k < 3 && i < len && s[i] >= '0' && s[i] <= '7'; k++, i++)
				cp = cp * 8 + (uint32_t)(s[i] - '0');
		} else if (s[i] == 'x' || s[i] == 'u' || s[i] == 'U') {
			if (s[i] == 'x')
				digits = 2;
			else if (s[i] == 'u')
				digits = 4;
			else
				digits = 8;
			i++;
			for (k = 0; k < digits; k++, i++) {
				int v = i < len ? hex_digit(s[i]) : -1;

				if (v < 0)
					return false;
				cp = cp * 16 + (uint32_t)v;
			}
		} else {
			if (s[i] == 'N' || o + 1 >= size)
				return false;
			out[o++] = '\\'; /* unknown escape: the backslash stays */
			continue;
		}
		if (cp == 0 || !put_utf8(cp, out, size, &o))
			return false;
	}
	out[o] = '\0';
	*outlen = o;
	return true;
}

/* Finds "addsitedir(" followed by one literal; returns the literal slice. */
static bool
find_addsitedir_call(const uint8_t *line, size_t len, bool allow_escapes, const uint8_t **arg,
		     size_t *arglen, bool *raw)
{
	static const char name[] = "addsitedir";
	const size_t nlen = sizeof(name) - 1;
	size_t i, j, after;

	for (i = 0; i + nlen <= len; i++) {
		if (memcmp(line + i, name, nlen) != 0)
			continue;
		if (i > 0 && is_ident_byte(line[i - 1]))
			continue;
		j = skip_blanks(line, len, i + nlen);
		if (j >= len || line[j] != '(')
			continue;
		j = skip_blanks(line, len, j + 1);
		if (!read_literal(line, len, j, arg, arglen, &after, allow_escapes, raw))
			continue;
		j = skip_blanks(line, len, after);
		if (j < len && (line[j] == ')' || line[j] == ','))
			return true;
	}
	return false;
}

bool
pth_addsitedir_path(const uint8_t *line, size_t len, char *out, size_t size, size_t *outlen)
{
	const uint8_t *arg;
	size_t arglen;
	bool raw = false;

	if (size == 0 || !find_addsitedir_call(line, len, true, &arg, &arglen, &raw))
		return false;
	if (raw || !memchr(arg, '\\', arglen)) {
		if (arglen >= size || memchr(arg, '\0', arglen))
			return false;
		memcpy(out, arg, arglen);
		out[arglen] = '\0';
		*outlen = arglen;
		return true;
	}
	return decode_literal(arg, arglen, out, size, outlen);
}

/*
 * NOTE: the search is textual, so a call inside a comment or a string on
 * the line also matches. That over-reports, which a scanner prefers to
 * missing a nested site directory.
 */
bool
pth_find_addsitedir(const uint8_t *line, size_t len, const uint8_t **arg, size_t *arglen)
{
	return find_addsitedir_call(line, len, false, arg, arglen, NULL);
}
