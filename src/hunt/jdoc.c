#include "hunt/jdoc.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/hex.h"

/*
 * The scanner has two layers. Frames are the levels whose keys and commas
 * it reads: top-level arrays and objects, the wrapper arrays, and the table
 * objects. Everything below a frame is a value that is skipped by counting
 * brackets and strings only, and collected when it is an element. The
 * collection is a range of the piece being fed, copied into the element
 * buffer only when the element spans pieces.
 */

enum scan_state {
	S_START,         /* nothing read yet, so a byte order mark may come */
	S_BOM_1,         /* the first byte of a byte order mark was read */
	S_BOM_2,         /* its first two bytes were read */
	S_TOP,           /* between top-level values */
	S_ARRAY_FIRST,   /* after the '[' of a frame */
	S_ARRAY_NEXT,    /* after a ',' in an array frame */
	S_ARRAY_AFTER,   /* after a value in an array frame */
	S_OBJECT_FIRST,  /* after the '{' of a frame */
	S_OBJECT_NEXT,   /* after a ',' in an object frame */
	S_KEY,           /* inside a key of an object frame */
	S_KEY_ESCAPE,    /* after a backslash in a key */
	S_KEY_HEX,       /* inside the digits of a \uXXXX escape in a key */
	S_COLON,         /* after a key */
	S_OBJECT_VALUE,  /* after the ':' of a key */
	S_OBJECT_AFTER,  /* after a value in an object frame */
	S_SCALAR,        /* inside a number or literal that is a frame's value */
	S_NESTED,        /* inside a skipped value, outside strings */
	S_STRING,        /* inside a string of a skipped value */
	S_STRING_ESCAPE, /* after a backslash in such a string */
	S_SKIP_LINE,     /* after an error, before the end of the line */
	S_LINE_START,    /* after an error, at the start of a line */
};

enum frame_type {
	F_TOP_ARRAY,  /* a top-level array, or an array directly inside one */
	F_TOP_OBJECT, /* a top-level object: a plain row or a wrapper */
	F_RESULTS,    /* the array of a "Results" or "records" key */
	F_TABLES,     /* the array of a "tables" key */
	F_TABLE,      /* one object of "tables" */
	F_TABLE_ROWS, /* the "rows" array of a table */
};

enum key_match {
	KEY_OTHER,
	KEY_RESULTS, /* "results" or "records" in a top-level object */
	KEY_TABLES,  /* "tables" in a top-level object */
	KEY_COLUMNS, /* "columns" in a table */
	KEY_ROWS,    /* "rows" in a table */
};

/* Step results besides negative errors: move past the byte or rescan it. */
#define STEP_NEXT 0
#define STEP_AGAIN 1

#define NO_ELEMENT (-1)

static const char msg_string_newline[] = "line ends inside a string";
static const char msg_value_newline[] = "line ends inside a value";
static const char msg_not_closed[] = "value not closed before this line";
static const char msg_too_deep[] = "nesting deeper than 512 levels";
static const char msg_too_large[] = "element larger than 16 MiB";

/* Bytes that end a run of plain bytes inside a skipped value. */
static const unsigned char nested_stop[256] = {
	['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1, ['\n'] = 1,
};

/* Bytes that end a run of plain bytes inside a string. */
static const unsigned char string_stop[256] = {
	['"'] = 1, ['\\'] = 1, ['\n'] = 1,
};

/* Bytes that end a number or literal. Those marked 2 cannot follow one. */
static const unsigned char scalar_stop[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, [','] = 1, [']'] = 1, ['}'] = 1,
	['"'] = 2, ['{'] = 2, ['['] = 2, [':'] = 2,
};

/* First bytes of a JSON value (RFC 8259 section 3). */
static const unsigned char value_start[256] = {
	['"'] = 1, ['{'] = 1, ['['] = 1, ['-'] = 1, ['t'] = 1, ['f'] = 1, ['n'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* Tells whether any byte of v equals c (the classic zero-byte bit trick). */
static inline bool
word_has_byte(uint64_t v, unsigned char c)
{
	uint64_t x = v ^ (UINT64_C(0x0101010101010101) * c);

	return ((x - UINT64_C(0x0101010101010101)) & ~x & UINT64_C(0x8080808080808080)) != 0;
}

/*
 * Returns the first quote, backslash or line feed in p[0..end), or end.
 * Eight bytes are tested at a time because string contents are most of
 * the bytes of a row.
 */
static const unsigned char *
skip_string_run(const unsigned char *p, const unsigned char *end)
{
	while (end - p >= 8) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		if (word_has_byte(v, '"') || word_has_byte(v, '\\') || word_has_byte(v, '\n'))
			break;
		p += 8;
	}
	while (p < end && !string_stop[*p])
		p++;
	return p;
}

static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void
report(struct jdoc *d, long line, const char *message)
{
	if (d->error)
		d->error(line, message, d->opaque);
}

static int
call_emit(struct jdoc *d, enum jdoc_kind kind, const char *data, size_t len, long line)
{
	int rc = d->emit(kind, data, len, line, d->opaque);

	return rc < 0 ? rc : 0;
}

/* Forgets the open top-level value: frames, skipped value and element. */
static void
drop_value(struct jdoc *d)
{
	d->frames = 0;
	d->candidate = false;
	d->depth = 0;
	d->capturing = false;
	d->oversize = false;
	d->element_kind = NO_ELEMENT;
	d->key_match = KEY_OTHER;
	strbuf_reset(&d->element);
}

/*
 * Tells whether p is the first byte of its line apart from blanks. Only
 * the bytes of the current piece are looked at, and the line's earlier
 * pieces are summed up by line_blank.
 */
static bool
at_line_start(const struct jdoc *d, const unsigned char *p)
{
	const unsigned char *start = (const unsigned char *)d->piece;

	while (p > start && is_blank(p[-1]))
		p--;
	if (p > start)
		return p[-1] == '\n';
	return d->line_blank;
}

/*
 * Reports an error at the current line and resynchronizes. Returns true
 * when p itself starts the next top-level value and must be scanned again.
 */
static bool
fail(struct jdoc *d, const unsigned char *p, const char *message)
{
	bool restart = (*p == '{' || *p == '[') && at_line_start(d, p);

	if (!d->quiet)
		report(d, d->line, message);
	d->quiet = true;
	d->clean_value = false;
	drop_value(d);
	d->state = restart ? S_TOP : S_SKIP_LINE;
	return restart;
}

/* Like fail(), for a byte at a frame level, where it may start a new line. */
static int
fail_frame(struct jdoc *d, const unsigned char *p, const char *message)
{
	if ((*p == '{' || *p == '[') && at_line_start(d, p))
		message = msg_not_closed;
	return fail(d, p, message) ? STEP_AGAIN : STEP_NEXT;
}

/* Reports an error on the line that a line feed ends, then skips past it. */
static void
fail_newline(struct jdoc *d, const char *message)
{
	if (!d->quiet)
		report(d, d->line, message);
	d->quiet = true;
	d->clean_value = false;
	drop_value(d);
	d->line++;
	d->state = S_LINE_START;
}

static void
start_capture(struct jdoc *d, const unsigned char *p)
{
	d->capturing = true;
	d->oversize = false;
	d->capture_from = (const char *)p;
	d->element_line = d->line;
	strbuf_reset(&d->element);
}

/* Copies the element bytes of the current piece up to stop into the buffer. */
static int
save_capture(struct jdoc *d, const char *stop)
{
	int rc;

	if (d->oversize)
		return 0;
	rc = strbuf_append(&d->element, d->capture_from, (size_t)(stop - d->capture_from));
	if (rc == -E2BIG) {
		d->oversize = true;
		strbuf_reset(&d->element);
		return 0;
	}
	return rc;
}

/*
 * Ends the element being collected at stop (exclusive) and emits it. An
 * element wholly inside the current piece is passed without copying.
 */
static int
emit_capture(struct jdoc *d, enum jdoc_kind kind, const unsigned char *stop)
{
	const char *end = (const char *)stop;
	size_t len = (size_t)(end - d->capture_from);
	int rc;

	d->capturing = false;
	if (!d->oversize && d->element.len == 0 && len <= JDOC_ELEMENT_MAX)
		return call_emit(d, kind, d->capture_from, len, d->element_line);

	rc = save_capture(d, end);
	if (rc < 0)
		return rc;
	if (d->oversize) {
		report(d, d->element_line, msg_too_large);
		d->oversize = false;
		return 0;
	}
	rc = call_emit(d, kind, d->element.data, d->element.len, d->element_line);
	strbuf_reset(&d->element);
	return rc;
}

static bool
frame_is_array(int type)
{
	return type != F_TOP_OBJECT && type != F_TABLE;
}

/* Sets the state that follows a value of the innermost frame. */
static void
after_value(struct jdoc *d)
{
	if (d->frames == 0)
		d->state = S_TOP;
	else if (frame_is_array(d->frame[d->frames - 1]))
		d->state = S_ARRAY_AFTER;
	else
		d->state = S_OBJECT_AFTER;
}

static void
push_frame(struct jdoc *d, enum frame_type type)
{
	if (d->frames == 0)
		d->top_line = d->line;
	d->frame[d->frames++] = (unsigned char)type;
	d->state = frame_is_array(type) ? S_ARRAY_FIRST : S_OBJECT_FIRST;
}

/* Ends a value skipped below a frame; last is its final byte. */
static int
value_done(struct jdoc *d, const unsigned char *last)
{
	int kind = d->element_kind;
	int rc = 0;

	d->element_kind = NO_ELEMENT;
	if (kind != NO_ELEMENT)
		rc = emit_capture(d, (enum jdoc_kind)kind, last + 1);
	after_value(d);
	return rc;
}

/*
 * Starts skipping the value at p, which is an element of the given kind
 * or NO_ELEMENT. Values inside a plain row leave room for the row itself
 * within JDOC_DEPTH_MAX.
 */
static int
skip_value(struct jdoc *d, const unsigned char *p, int kind)
{
	d->element_kind = kind;
	if (*p == '"') {
		d->depth = 0;
		d->state = S_STRING;
		return STEP_NEXT;
	}
	if (*p != '{' && *p != '[') {
		d->state = S_SCALAR;
		return STEP_NEXT;
	}
	d->depth_max = d->candidate ? JDOC_DEPTH_MAX - 1 : JDOC_DEPTH_MAX;
	d->closer[0] = *p == '{' ? '}' : ']';
	d->depth = 1;
	if (kind != NO_ELEMENT)
		start_capture(d, p);
	d->state = S_NESTED;
	return STEP_NEXT;
}

/* Opens a top-level object or array, or one directly inside a top-level array. */
static int
open_top_value(struct jdoc *d, const unsigned char *p)
{
	if (*p == '{') {
		push_frame(d, F_TOP_OBJECT);
		d->candidate = true;
		start_capture(d, p);
		return STEP_NEXT;
	}
	if (d->frames >= JDOC_TOP_ARRAYS_MAX)
		return fail(d, p, "arrays nested deeper than 8 levels at the top") ?
			STEP_AGAIN : STEP_NEXT;
	push_frame(d, F_TOP_ARRAY);
	return STEP_NEXT;
}

/* Turns the innermost top-level object into a wrapper whose array opens now. */
static int
open_wrapper(struct jdoc *d, enum frame_type type)
{
	if (d->candidate) {
		d->candidate = false;
		d->capturing = false;
		d->oversize = false;
		strbuf_reset(&d->element);
	}
	push_frame(d, type);
	return STEP_NEXT;
}

/* Handles the first byte of a value of the innermost frame. */
static int
begin_value(struct jdoc *d, const unsigned char *p)
{
	unsigned char c = *p;

	if (!value_start[c])
		return fail_frame(d, p, "expected a value");

	switch (d->frame[d->frames - 1]) {
	case F_TOP_ARRAY:
		if (c == '{' || c == '[')
			return open_top_value(d, p);
		report(d, d->line, "array element is not an object or array");
		return skip_value(d, p, NO_ELEMENT);
	case F_TOP_OBJECT:
		if (c == '[' && d->key_match == KEY_RESULTS)
			return open_wrapper(d, F_RESULTS);
		if (c == '[' && d->key_match == KEY_TABLES)
			return open_wrapper(d, F_TABLES);
		return skip_value(d, p, NO_ELEMENT);
	case F_RESULTS:
		if (c == '{')
			return skip_value(d, p, JDOC_ROW);
		report(d, d->line, "array element is not an object");
		return skip_value(d, p, NO_ELEMENT);
	case F_TABLES:
		if (c == '{') {
			push_frame(d, F_TABLE);
			return STEP_NEXT;
		}
		report(d, d->line, "table is not an object");
		return skip_value(d, p, NO_ELEMENT);
	case F_TABLE:
		if (c == '[' && d->key_match == KEY_COLUMNS)
			return skip_value(d, p, JDOC_COLUMNS);
		if (c == '[' && d->key_match == KEY_ROWS) {
			push_frame(d, F_TABLE_ROWS);
			return STEP_NEXT;
		}
		return skip_value(d, p, NO_ELEMENT);
	default: /* F_TABLE_ROWS */
		if (c == '[')
			return skip_value(d, p, JDOC_TABLE_ROW);
		report(d, d->line, "table row is not an array");
		return skip_value(d, p, NO_ELEMENT);
	}
}

/* Closes the innermost frame at its '}' or ']'. */
static int
close_frame(struct jdoc *d, const unsigned char *p)
{
	int type = d->frame[--d->frames];
	int rc = 0;

	if (type == F_TOP_OBJECT && d->candidate) {
		d->candidate = false;
		rc = emit_capture(d, JDOC_ROW, p + 1);
	} else if (type == F_TABLE) {
		rc = call_emit(d, JDOC_TABLE_END, "", 0, d->line);
	}

	/*
	 * NOTE: line feeds inside values are allowed until the first one-line
	 * value has ended, so a broken first line of JSON Lines input may
	 * swallow the lines after it up to the next error.
	 */
	if (d->frames == 0) {
		d->clean_value = true;
		if (d->top_line == d->line)
			d->lines_mode = true;
	}
	after_value(d);
	return rc < 0 ? rc : STEP_NEXT;
}

static void
frame_newline(struct jdoc *d)
{
	if (d->frames > 0 && d->lines_mode) {
		fail_newline(d, msg_value_newline);
		return;
	}
	if (d->state == S_TOP && d->clean_value)
		d->quiet = false;
	d->line++;
}

static int
top_byte(struct jdoc *d, const unsigned char *p)
{
	switch (*p) {
	case '{':
	case '[':
		return open_top_value(d, p);
	case '}':
		return fail_frame(d, p, "unexpected '}'");
	case ']':
		return fail_frame(d, p, "unexpected ']'");
	case ',':
		return fail_frame(d, p, "unexpected ','");
	case ':':
		return fail_frame(d, p, "unexpected ':'");
	}
	if (value_start[*p])
		return fail_frame(d, p, "top-level value is not an object or array");
	return fail_frame(d, p, "unexpected character");
}

static void
begin_key(struct jdoc *d)
{
	d->key_len = 0;
	d->key_other = false;
	d->state = S_KEY;
}

/* Handles one byte at a frame level: whitespace, punctuation or a value start. */
static int
frame_byte(struct jdoc *d, const unsigned char *p)
{
	unsigned char c = *p;

	if (is_blank(c))
		return STEP_NEXT;
	if (c == '\n') {
		frame_newline(d);
		return STEP_NEXT;
	}

	switch (d->state) {
	case S_TOP:
		return top_byte(d, p);
	case S_ARRAY_FIRST:
		if (c == ']')
			return close_frame(d, p);
		return begin_value(d, p);
	case S_ARRAY_NEXT:
	case S_OBJECT_VALUE:
		return begin_value(d, p);
	case S_ARRAY_AFTER:
		if (c == ',') {
			d->state = S_ARRAY_NEXT;
			return STEP_NEXT;
		}
		if (c == ']')
			return close_frame(d, p);
		return fail_frame(d, p, "expected ',' or ']'");
	case S_OBJECT_FIRST:
		if (c == '}')
			return close_frame(d, p);
		/* fall through */
	case S_OBJECT_NEXT:
		if (c == '"') {
			begin_key(d);
			return STEP_NEXT;
		}
		return fail_frame(d, p, "expected a key string");
	case S_COLON:
		if (c == ':') {
			d->state = S_OBJECT_VALUE;
			return STEP_NEXT;
		}
		return fail_frame(d, p, "expected ':' after a key");
	default: /* S_OBJECT_AFTER */
		if (c == ',') {
			d->state = S_OBJECT_NEXT;
			return STEP_NEXT;
		}
		if (c == '}')
			return close_frame(d, p);
		return fail_frame(d, p, "expected ',' or '}'");
	}
}

/* Appends unescaped key bytes, lowercased, up to one past JDOC_KEY_MAX. */
static void
add_key(struct jdoc *d, const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && d->key_len <= JDOC_KEY_MAX; i++) {
		unsigned char c = s[i];

		if (d->key_len == JDOC_KEY_MAX) {
			d->key_len++;
			break;
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		d->key[d->key_len++] = (char)c;
	}
}

static void
add_key_byte(struct jdoc *d, unsigned char c)
{
	add_key(d, &c, 1);
}

static bool
key_is(const struct jdoc *d, const char *name)
{
	size_t n = strlen(name);

	return d->key_len == n && memcmp(d->key, name, n) == 0;
}

static void
end_key(struct jdoc *d)
{
	int type = d->frame[d->frames - 1];

	d->key_match = KEY_OTHER;
	d->state = S_COLON;
	if (d->key_other)
		return;
	if (type == F_TOP_OBJECT) {
		if (key_is(d, "results") || key_is(d, "records"))
			d->key_match = KEY_RESULTS;
		else if (key_is(d, "tables"))
			d->key_match = KEY_TABLES;
	} else if (type == F_TABLE) {
		if (key_is(d, "columns"))
			d->key_match = KEY_COLUMNS;
		else if (key_is(d, "rows"))
			d->key_match = KEY_ROWS;
	}
}

/* Decodes the byte after a backslash (RFC 8259 section 7), or returns -1 for 'u' and others. */
static int
unescape_byte(unsigned char c)
{
	switch (c) {
	case '"':
	case '\\':
	case '/':
		return c;
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	}
	return -1;
}

/*
 * Scans a key of an object frame, unescaping it for the wrapper names. A
 * backslash escapes exactly one byte here as in skipped strings, so the
 * string ends at the same quote whether or not the escape is valid.
 */
static int
scan_key(struct jdoc *d, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;

	while (p < end) {
		if (d->state == S_KEY) {
			const unsigned char *run = p;

			p = skip_string_run(p, end);
			add_key(d, run, (size_t)(p - run));
			if (p == end)
				break;
			if (*p == '"') {
				end_key(d);
				p++;
				break;
			}
			if (*p == '\n') {
				fail_newline(d, msg_string_newline);
				p++;
				break;
			}
			d->state = S_KEY_ESCAPE;
			p++;
		} else if (d->state == S_KEY_ESCAPE) {
			int c = unescape_byte(*p);

			if (*p == '\n') {
				fail_newline(d, msg_string_newline);
				p++;
				break;
			}
			if (*p == 'u') {
				d->key_code = 0;
				d->key_digits = 0;
				d->state = S_KEY_HEX;
			} else {
				if (c < 0)
					d->key_other = true;
				else
					add_key_byte(d, (unsigned char)c);
				d->state = S_KEY;
			}
			p++;
		} else { /* S_KEY_HEX */
			int v = hex_digit(*p);

			if (v < 0) {
				d->key_other = true;
				d->state = S_KEY;
				continue;
			}
			d->key_code = d->key_code * 16 + (unsigned)v;
			p++;
			if (++d->key_digits < 4)
				continue;
			if (d->key_code < 0x80)
				add_key_byte(d, (unsigned char)d->key_code);
			else
				d->key_other = true;
			d->state = S_KEY;
		}
	}
	*pp = p;
	return 0;
}

static void
nested_newline(struct jdoc *d)
{
	if (d->lines_mode)
		fail_newline(d, msg_value_newline);
	else
		d->line++;
}

/*
 * Scans a skipped value, tracking brackets and strings only and passing
 * over the plain runs between them in bulk. Returns when the value ends,
 * on an error, or at the end of the piece.
 */
static int
scan_nested(struct jdoc *d, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;
	int rc = 0;

	while (p < end) {
		unsigned char c;

		if (d->state == S_STRING) {
			p = skip_string_run(p, end);
			if (p == end)
				break;
			if (*p == '\\') {
				d->state = S_STRING_ESCAPE;
				p++;
				continue;
			}
			if (*p == '\n') {
				fail_newline(d, msg_string_newline);
				p++;
				break;
			}
			d->state = S_NESTED;
			p++;
			if (d->depth == 0) {
				rc = value_done(d, p - 1);
				break;
			}
			continue;
		}
		if (d->state == S_STRING_ESCAPE) {
			if (*p == '\n') {
				fail_newline(d, msg_string_newline);
				p++;
				break;
			}
			d->state = S_STRING;
			p++;
			continue;
		}

		while (p < end && !nested_stop[*p])
			p++;
		if (p == end)
			break;
		c = *p;
		if (c == '"') {
			d->state = S_STRING;
			p++;
		} else if (c == '\n') {
			nested_newline(d);
			p++;
			if (d->state != S_NESTED)
				break;
		} else if (c == '{' || c == '[') {
			if (d->depth >= d->depth_max) {
				if (!fail(d, p, msg_too_deep))
					p++;
				break;
			}
			d->closer[d->depth++] = c == '{' ? '}' : ']';
			p++;
		} else if (c != (unsigned char)d->closer[d->depth - 1]) {
			if (!fail(d, p, c == '}' ? "unexpected '}'" : "unexpected ']'"))
				p++;
			break;
		} else {
			d->depth--;
			p++;
			if (d->depth == 0) {
				rc = value_done(d, p - 1);
				break;
			}
		}
	}
	*pp = p;
	return rc;
}

/* Scans a number or literal; its first delimiter is left for frame_byte(). */
static int
scan_scalar(struct jdoc *d, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;

	while (p < end && !scalar_stop[*p])
		p++;
	*pp = p;
	if (p == end)
		return 0;
	if (scalar_stop[*p] > 1) {
		if (!fail(d, p, "invalid number or literal"))
			*pp = p + 1;
		return 0;
	}
	after_value(d);
	return 0;
}

/* Skips to the next line whose first non-blank byte is '{' or '['. */
static int
scan_resync(struct jdoc *d, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;

	while (p < end) {
		if (d->state == S_SKIP_LINE) {
			const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));

			if (!nl) {
				p = end;
				break;
			}
			d->line++;
			p = nl + 1;
			d->state = S_LINE_START;
			continue;
		}
		if (is_blank(*p)) {
			p++;
		} else if (*p == '\n') {
			d->line++;
			p++;
		} else if (*p == '{' || *p == '[') {
			d->state = S_TOP;
			break;
		} else {
			d->state = S_SKIP_LINE;
		}
	}
	*pp = p;
	return 0;
}

/* Skips a UTF-8 byte order mark at the very start of the input. */
static int
scan_bom(struct jdoc *d, const unsigned char **pp)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
	static const int next_state[3] = { S_BOM_1, S_BOM_2, S_TOP };
	int have = 0;

	if (d->state == S_BOM_1)
		have = 1;
	else if (d->state == S_BOM_2)
		have = 2;
	if (**pp == bom[have]) {
		d->state = next_state[have];
		(*pp)++;
		return 0;
	}
	if (have == 0) {
		d->state = S_TOP;
		return 0;
	}
	/* The bytes read so far are not a value, just as at S_TOP. */
	report(d, d->line, "unexpected character");
	d->quiet = true;
	d->state = S_SKIP_LINE;
	return 0;
}

static int
scan_step(struct jdoc *d, const unsigned char **pp, const unsigned char *end)
{
	int rc;

	switch (d->state) {
	case S_NESTED:
	case S_STRING:
	case S_STRING_ESCAPE:
		return scan_nested(d, pp, end);
	case S_KEY:
	case S_KEY_ESCAPE:
	case S_KEY_HEX:
		return scan_key(d, pp, end);
	case S_SCALAR:
		return scan_scalar(d, pp, end);
	case S_SKIP_LINE:
	case S_LINE_START:
		return scan_resync(d, pp, end);
	case S_START:
	case S_BOM_1:
	case S_BOM_2:
		return scan_bom(d, pp);
	default:
		rc = frame_byte(d, *pp);
		if (rc < 0)
			return rc;
		if (rc == STEP_NEXT)
			(*pp)++;
		return 0;
	}
}

void
jdoc_init(struct jdoc *d, jdoc_emit_fn emit, jdoc_error_fn error, void *opaque)
{
	memset(d, 0, sizeof(*d));
	d->emit = emit;
	d->error = error;
	d->opaque = opaque;
	d->line = 1;
	d->state = S_START;
	d->line_blank = true;
	d->element_kind = NO_ELEMENT;
	strbuf_init(&d->element, JDOC_ELEMENT_MAX);
}

void
jdoc_free(struct jdoc *d)
{
	strbuf_free(&d->element);
}

int
jdoc_feed(struct jdoc *d, const char *buf, size_t len)
{
	const unsigned char *start = (const unsigned char *)buf;
	const unsigned char *p = start;
	const unsigned char *end = start + len;
	int rc = 0;

	d->piece = buf;
	if (d->capturing)
		d->capture_from = buf;
	while (p < end) {
		rc = scan_step(d, &p, end);
		if (rc < 0)
			return rc;
	}

	if (d->capturing) {
		rc = save_capture(d, (const char *)end);
		if (rc < 0)
			return rc;
	}
	while (p > start && is_blank(p[-1]))
		p--;
	if (p > start)
		d->line_blank = p[-1] == '\n';
	d->piece = NULL;
	d->capture_from = NULL;
	return 0;
}

int
jdoc_finish(struct jdoc *d)
{
	switch (d->state) {
	case S_START:
	case S_TOP:
	case S_SKIP_LINE:
	case S_LINE_START:
		break;
	case S_BOM_1:
	case S_BOM_2:
		report(d, d->line, "unexpected character");
		break;
	case S_KEY:
	case S_KEY_ESCAPE:
	case S_KEY_HEX:
	case S_STRING:
	case S_STRING_ESCAPE:
		report(d, d->line, "document ends inside a string");
		break;
	default:
		report(d, d->line, "document ends inside a value");
		break;
	}
	drop_value(d);
	d->state = S_TOP;
	return 0;
}

bool
jdoc_at_top(const struct jdoc *d)
{
	return d->state == S_START || d->state == S_TOP || d->state == S_LINE_START;
}
