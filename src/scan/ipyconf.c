#include "scan/ipyconf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/strbuf.h"

struct cursor {
	const char *s;
	size_t len, pos;
	size_t line_pos, line;
};

static size_t
line_at(struct cursor *c, size_t pos)
{
	if (pos < c->line_pos) {
		c->line_pos = 0;
		c->line = 1;
	}
	for (; c->line_pos < pos && c->line_pos < c->len; c->line_pos++)
		c->line += c->s[c->line_pos] == '\n';
	return c->line;
}

static bool
is_ident(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

static void
skip_blanks(struct cursor *c)
{
	while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t'))
		c->pos++;
}

/* Skips whitespace, newlines, comments and backslash continuations inside brackets. */
static void
skip_space(struct cursor *c)
{
	while (c->pos < c->len) {
		char ch = c->s[c->pos];

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
			c->pos++;
		} else if (ch == '\\' && c->pos + 1 < c->len && c->s[c->pos + 1] == '\n') {
			c->pos += 2;
		} else if (ch == '#') {
			while (c->pos < c->len && c->s[c->pos] != '\n')
				c->pos++;
		} else {
			return;
		}
	}
}

/* Length of a string prefix (r, b, u, f, rb, br, fr, rf) at p, or -1. */
static int
string_prefix(const char *p, size_t n, bool *raw, bool *fstring)
{
	int i;

	*raw = *fstring = false;
	for (i = 0; i < 3 && (size_t)i < n; i++) {
		char ch = p[i];

		if (ch == '\'' || ch == '"')
			return i;
		if (ch == 'r' || ch == 'R')
			*raw = true;
		else if (ch == 'f' || ch == 'F')
			*fstring = true;
		else if (!strchr("bBuU", ch))
			return -1;
	}
	return -1;
}

/*
 * Decodes one escape after a '\' at c->pos into out. Returns NULL, or why
 * the value cannot be decoded here.
 */
static const char *
decode_escape(struct cursor *c, struct strbuf *out)
{
	static const char from[] = "\\'\"abfnrtv", to[] = "\\'\"\a\b\f\n\r\t\v";
	char ch = c->s[c->pos];
	const char *hit = ch ? strchr(from, ch) : NULL;
	int value = 0, k;

	if (ch == '\n') {
		c->pos++;
		return NULL;
	}
	if (hit) {
		c->pos++;
		return strbuf_putc(out, to[hit - from]) < 0 ? "value longer than the 128 KiB cap" : NULL;
	}
	if (ch >= '0' && ch <= '7') {
		for (k = 0; k < 3 && c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '7'; k++)
			value = value * 8 + (c->s[c->pos++] - '0');
	} else if (ch == 'x' && c->pos + 2 < c->len &&
		   hex_digit((unsigned char)c->s[c->pos + 1]) >= 0 &&
		   hex_digit((unsigned char)c->s[c->pos + 2]) >= 0) {
		value = hex_digit((unsigned char)c->s[c->pos + 1]) * 16 +
			hex_digit((unsigned char)c->s[c->pos + 2]);
		c->pos += 3;
	} else if (ch == 'N' || ch == 'u' || ch == 'U') {
		c->pos++;
		return "string escape that this reader does not decode";
	} else {
		/* Python keeps an unknown escape as written. */
		return strbuf_putc(out, '\\') < 0 ? "value longer than the 128 KiB cap" : NULL;
	}
	if (value == 0 || value > 0x7f)
		return "string escape outside printable ASCII";
	return strbuf_putc(out, (char)value) < 0 ? "value longer than the 128 KiB cap" : NULL;
}

/*
 * Reads one string literal at c->pos into out. Returns false when there
 * is none there (c->pos unchanged); *error is set for an unterminated one.
 */
static bool
read_string(struct cursor *c, struct strbuf *out, const char **reason, const char **error)
{
	bool raw, fstring, triple;
	int prefix = string_prefix(c->s + c->pos, c->len - c->pos, &raw, &fstring);
	char quote;

	if (prefix < 0)
		return false;
	c->pos += (size_t)prefix;
	quote = c->s[c->pos];
	triple = c->len - c->pos >= 3 && c->s[c->pos + 1] == quote && c->s[c->pos + 2] == quote;
	c->pos += triple ? 3 : 1;
	while (c->pos < c->len) {
		char ch = c->s[c->pos];

		if (ch == quote && (!triple || (c->len - c->pos >= 3 && c->s[c->pos + 1] == quote &&
						 c->s[c->pos + 2] == quote))) {
			c->pos += triple ? 3 : 1;
			return true;
		}
		if (ch == '\n' && !triple)
			break;
		if (ch == '\\' && c->pos + 1 < c->len) {
			c->pos++;
			if (raw) {
				if (strbuf_putc(out, '\\') < 0 || strbuf_putc(out, c->s[c->pos]) < 0)
					*reason = "value longer than the 128 KiB cap";
				c->pos++;
			} else {
				const char *why = decode_escape(c, out);

				if (why && !*reason)
					*reason = why;
			}
			continue;
		}
		if (fstring && (ch == '{' || ch == '}') && !*reason)
			*reason = "f-string with a replacement field";
		if (strbuf_putc(out, ch) < 0 && !*reason)
			*reason = "value longer than the 128 KiB cap";
		c->pos++;
	}
	*error = "unterminated string literal";
	return true;
}

/* Moves past one expression up to a top-level ',' or the closing bracket. */
static bool
skip_expression(struct cursor *c, char close)
{
	int depth = 0;

	while (c->pos < c->len) {
		char ch = c->s[c->pos];
		struct strbuf scratch;
		const char *reason = NULL, *error = NULL;
		bool raw, fstring;

		if (string_prefix(c->s + c->pos, c->len - c->pos, &raw, &fstring) >= 0 &&
		    (c->pos == 0 || !is_ident(c->s[c->pos - 1], false))) {
			strbuf_init(&scratch, ENV_VALUE_MAX);
			(void)read_string(c, &scratch, &reason, &error);
			strbuf_free(&scratch);
			if (error)
				return false;
			continue;
		}
		if (ch == '#') {
			skip_space(c);
			continue;
		}
		if (depth == 0 && (ch == ',' || ch == close))
			return true;
		if (ch == '(' || ch == '[' || ch == '{')
			depth++;
		else if ((ch == ')' || ch == ']' || ch == '}') && --depth < 0)
			return false; /* a closing bracket of the wrong kind */
		c->pos++;
	}
	return false;
}

struct statement {
	enum env_kind kind;
	char name[160];
	unsigned flags;
	size_t line;
};

static int
add_item(struct env_list *out, const struct statement *st, size_t line, const char *raw,
	 size_t raw_len, const char *value, const char *reason)
{
	struct env_item_in item = { st->kind, line, st->name, NULL, value, reason, NULL, st->flags };
	char *copy = strndup(raw, raw_len);
	int rc;

	if (!copy)
		return -ENOMEM;
	item.raw = copy;
	rc = env_list_add(out, &item);
	free(copy);
	return rc;
}

/* Reads one element at c->pos (after skip_space). */
static int
read_element(struct cursor *c, const struct statement *st, char close, struct env_list *out,
	     const char **error)
{
	struct strbuf value;
	size_t start = c->pos, line = line_at(c, c->pos);
	const char *reason = NULL;
	bool any = false;
	int rc;

	strbuf_init(&value, ENV_VALUE_MAX);
	for (;;) {
		size_t before = c->pos;

		if (!read_string(c, &value, &reason, error))
			break;
		if (*error) {
			strbuf_free(&value);
			return 0;
		}
		any = true;
		skip_space(c);
		if (c->pos == before)
			break;
	}
	if (!any || (c->pos < c->len && c->s[c->pos] != ',' && c->s[c->pos] != close)) {
		c->pos = start;
		if (!skip_expression(c, close)) {
			*error = "list literal without its closing bracket";
			strbuf_free(&value);
			return 0;
		}
		reason = "element is not a string literal";
	}
	{
		size_t end = c->pos;

		while (end > start && strchr(" \t\r\n", c->s[end - 1]))
			end--;
		rc = add_item(out, st, line, c->s + start, end - start,
			      reason ? NULL : (value.data ? value.data : ""), reason);
	}
	strbuf_free(&value);
	return rc;
}

/* Reads a list or tuple literal (c->pos at its opening bracket). */
static int
read_list(struct cursor *c, const struct statement *st, struct env_list *out, const char **error)
{
	char close = c->s[c->pos] == '[' ? ']' : ')';
	size_t before;
	int rc;

	c->pos++;
	for (;;) {
		skip_space(c);
		if (c->pos >= c->len) {
			*error = "list literal without its closing bracket";
			return 0;
		}
		if (c->s[c->pos] == close) {
			c->pos++;
			return 0;
		}
		before = c->pos;
		rc = read_element(c, st, close, out, error);
		if (rc < 0 || *error)
			return rc;
		if (c->pos == before) {
			*error = "list literal with an element that is not an expression";
			return 0;
		}
		skip_space(c);
		if (c->pos < c->len && c->s[c->pos] == ',')
			c->pos++;
	}
}

/*
 * Matches `c.CLASS.exec_lines` or `c.CLASS.exec_files` at c->pos and
 * fills st. Moves past the match; returns false (c->pos unchanged) when
 * there is none.
 */
static bool
match_target(struct cursor *c, struct statement *st)
{
	size_t p = c->pos, cls, cls_len, attr;

	if (p + 2 >= c->len || c->s[p] != 'c' || c->s[p + 1] != '.')
		return false;
	p += 2;
	cls = p;
	while (p < c->len && is_ident(c->s[p], p == cls))
		p++;
	cls_len = p - cls;
	if (cls_len == 0 || cls_len > 100 || p >= c->len || c->s[p] != '.')
		return false;
	attr = ++p;
	if (c->len - attr >= 10 && memcmp(c->s + attr, "exec_lines", 10) == 0)
		st->kind = ENV_EXEC_LINE;
	else if (c->len - attr >= 10 && memcmp(c->s + attr, "exec_files", 10) == 0)
		st->kind = ENV_EXEC_FILE;
	else
		return false;
	p += 10;
	if (p < c->len && is_ident(c->s[p], false))
		return false;
	memcpy(st->name, c->s + cls, cls_len);
	memcpy(st->name + cls_len, st->kind == ENV_EXEC_LINE ? ".exec_lines" : ".exec_files", 12);
	c->pos = p;
	return true;
}

/* Reads the value of a matched statement. */
static int
read_statement(struct cursor *c, const struct statement *st, struct env_list *out,
	       const char **error)
{
	const char *rest = c->s + c->pos;
	size_t n = c->len - c->pos, start;
	bool call = false, append = false;

	skip_blanks(c);
	rest = c->s + c->pos;
	n = c->len - c->pos;
	if (n >= 1 && rest[0] == '=') {
		c->pos += 1;
	} else if (n >= 2 && rest[0] == '+' && rest[1] == '=') {
		c->pos += 2;
	} else if (n >= 8 && memcmp(rest, ".append(", 8) == 0) {
		c->pos += 8;
		call = append = true;
	} else if (n >= 8 && memcmp(rest, ".extend(", 8) == 0) {
		c->pos += 7;
		call = true;
	} else {
		return 0; /* a read such as print(c.X.exec_lines) */
	}
	if (call && !append) {
		c->pos++;
		skip_space(c);
	} else {
		skip_blanks(c);
	}

	if (append) {
		skip_space(c);
		return read_element(c, st, ')', out, error);
	}
	if (c->pos < c->len && (c->s[c->pos] == '[' || c->s[c->pos] == '('))
		return read_list(c, st, out, error);

	start = c->pos;
	while (c->pos < c->len && c->s[c->pos] != '\n')
		c->pos++;
	return add_item(out, st, line_at(c, start), c->s + start, c->pos - start, NULL,
			"value is not a list literal");
}

int
ipyconf_parse(const char *data, size_t len, struct env_list *out)
{
	struct cursor c = { NULL, 0, 0, 0, 1 };
	char *s = env_clean_copy(data, len, 0, out, &c.len);
	int rc = 0;

	if (!s)
		return -ENOMEM;
	c.s = s;
	while (c.pos < c.len && rc != -ENOMEM) {
		struct statement st;
		size_t line_start = c.pos, indent;
		const char *nl;
		const char *error = NULL;

		skip_blanks(&c);
		indent = c.pos - line_start;
		memset(&st, 0, sizeof(st));
		if (match_target(&c, &st)) {
			st.flags = indent > 0 ? ENV_CONDITIONAL : 0;
			st.line = line_at(&c, line_start);
			rc = read_statement(&c, &st, out, &error);
			if (error) {
				env_list_diag(out, st.line, error);
				c.pos = line_start;
			}
		}
		nl = memchr(c.s + c.pos, '\n', c.len - c.pos);
		c.pos = nl ? (size_t)(nl - c.s) + 1 : c.len;
	}
	free(s);
	if (rc == -E2BIG || (rc == 0 && out->truncated))
		return -E2BIG;
	return rc;
}
