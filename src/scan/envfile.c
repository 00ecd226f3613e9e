#include "scan/envfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

/* Reader state shared by the four formats. */
struct reader {
	const char *s;
	size_t len;
	struct env_list *out;
	const struct env_context *ctx;
	struct env_vars vars;
	int rc;
};

static void
note_rc(struct reader *r, int rc)
{
	if (rc < 0 && r->rc == 0)
		r->rc = rc;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Records one assignment and remembers its value for later references. */
static void
emit(struct reader *r, size_t line, const char *key, size_t key_len, const char *raw,
     size_t raw_len, const char *value, const char *reason, unsigned flags)
{
	struct env_item_in item = { ENV_ASSIGN, line, NULL, NULL, value, reason, NULL,
				    flags | ENV_EXPORTED };
	char *name = strndup(key, key_len), *rawcopy = strndup(raw, raw_len);

	if (!name || !rawcopy) {
		note_rc(r, -ENOMEM);
	} else {
		item.name = name;
		item.raw = rawcopy;
		note_rc(r, env_list_add(r->out, &item));
		note_rc(r, env_vars_set(&r->vars, name, value, reason));
	}
	free(name);
	free(rawcopy);
}

/* Looks name[0..len) up in the variables read so far, then the context. */
static const char *
lookup(const struct reader *r, const char *name, size_t len, bool *known, const char **reason)
{
	const struct env_var *v = env_vars_find(&r->vars, name, len);

	*known = true;
	if (v) {
		*reason = v->reason;
		return v->value;
	}
	if (r->ctx && r->ctx->home && len == 4 && memcmp(name, "HOME", 4) == 0)
		return r->ctx->home;
	if (r->ctx && r->ctx->user && len == 4 && memcmp(name, "USER", 4) == 0)
		return r->ctx->user;
	*known = false;
	*reason = "refers to a variable that the file does not set";
	return NULL;
}

/* Expansion state for environment.d and pam_env.conf values. */
struct expand {
	struct strbuf *out;
	const char *reason;
	bool appends_self;
	const char *self;
	size_t self_len;
};

static void
put(struct expand *ex, const char *data, size_t len)
{
	if (!ex->reason && strbuf_append(ex->out, data, len) < 0)
		ex->reason = "expanded value longer than the 128 KiB cap";
}

/* Appends the value of a variable, treating the assigned variable's own
 * unknown earlier value as empty (and saying so). */
static void
put_variable(struct reader *r, struct expand *ex, const char *name, size_t len, bool *empty)
{
	const char *reason, *value;
	bool known;

	value = lookup(r, name, len, &known, &reason);
	if (!known && len == ex->self_len && memcmp(name, ex->self, len) == 0) {
		ex->appends_self = true;
		value = "";
	}
	if (!value) {
		if (!ex->reason)
			ex->reason = reason ? reason : "refers to a variable whose value is unresolved";
		*empty = false;
		return;
	}
	*empty = value[0] == '\0';
	put(ex, value, strlen(value));
}

/* Returns the offset of the '}' closing a "${" whose body starts at s[0]. */
static size_t
closing_brace(const char *s, size_t len)
{
	size_t i, depth = 1;

	for (i = 0; i < len; i++) {
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return i;
	}
	return len;
}

static bool
is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

/* Expands environment.d references in s[0..len) into ex. */
static void
expand_envd(struct reader *r, struct expand *ex, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && !ex->reason) {
		size_t n = 0, close;
		bool empty;

		if (s[i] != '$' || i + 1 >= len) {
			put(ex, s + i, 1);
			i++;
			continue;
		}
		if (s[i + 1] != '{') {
			while (i + 1 + n < len && is_name_char(s[i + 1 + n], n == 0))
				n++;
			if (n == 0) {
				put(ex, s + i, 1);
				i++;
				continue;
			}
			put_variable(r, ex, s + i + 1, n, &empty);
			i += 1 + n;
			continue;
		}

		close = closing_brace(s + i + 2, len - i - 2);
		if (close == len - i - 2) {
			ex->reason = "unbalanced ${ in the value";
			return;
		}
		while (n < close && is_name_char(s[i + 2 + n], n == 0))
			n++;
		if (n == close) {
			put_variable(r, ex, s + i + 2, n, &empty);
		} else if (n > 0 && close - n >= 2 && s[i + 2 + n] == ':' &&
			   (s[i + 3 + n] == '-' || s[i + 3 + n] == '+')) {
			size_t mark = ex->out->len;
			bool plus = s[i + 3 + n] == '+';

			put_variable(r, ex, s + i + 2, n, &empty);
			if (!ex->reason && plus) {
				ex->out->len = mark;
				if (ex->out->data)
					ex->out->data[mark] = '\0';
			}
			if (!ex->reason && (plus ? !empty : empty))
				expand_envd(r, ex, s + i + 4 + n, close - n - 2);
		} else {
			ex->reason = "${...} form that environment.d does not define";
		}
		i += 2 + close + 1;
	}
}

/*
 * Reads the systemd environment-file grammar. With expand, values are
 * expanded as environment.d does.
 */
static void
read_systemd(struct reader *r, bool expand)
{
	enum { PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESCAPE, SQUOTE, DQUOTE, DQUOTE_ESCAPE,
	       COMMENT, COMMENT_ESCAPE } state = PRE_KEY;
	struct strbuf value, expanded;
	size_t line = 1, key_start = 0, key_end = 0, key_line = 1, raw_start = 0, raw_end = 0;
	size_t value_keep = 0; /* value length without unquoted trailing whitespace */
	size_t i;

	strbuf_init(&value, ENV_VALUE_MAX);
	strbuf_init(&expanded, ENV_VALUE_MAX);
	for (i = 0; i <= r->len; i++) {
		char c = i < r->len ? r->s[i] : '\n';
		bool eol = c == '\n';
		bool too_long = false;

		switch (state) {
		case PRE_KEY:
			if (strchr("#;", c)) {
				state = COMMENT;
			} else if (!is_space(c) && !eol) {
				state = KEY;
				key_start = i;
				key_end = i + 1;
				key_line = line;
			}
			break;
		case KEY:
			if (eol) {
				env_list_diag(r->out, key_line, "line has no '='; line ignored");
				state = PRE_KEY;
			} else if (c == '=') {
				state = PRE_VALUE;
				strbuf_reset(&value);
				value_keep = 0;
				raw_start = raw_end = i + 1;
			} else if (!is_space(c)) {
				key_end = i + 1;
			}
			break;
		case PRE_VALUE:
		case VALUE:
			if (eol) {
				const char *key = r->s + key_start;
				size_t klen = key_end - key_start;

				value.len = state == VALUE ? value_keep : value.len;
				if (value.data)
					value.data[value.len] = '\0';
				if (!env_is_name(key, klen)) {
					env_list_diag(r->out, key_line, "key is not a variable name; line ignored");
				} else if (expand) {
					struct expand ex = { &expanded, NULL, false, key, klen };

					strbuf_reset(&expanded);
					expand_envd(r, &ex, value.data ? value.data : "", value.len);
					emit(r, key_line, key, klen, r->s + raw_start, raw_end - raw_start,
					     ex.reason ? NULL : (expanded.data ? expanded.data : ""), ex.reason,
					     ex.appends_self ? ENV_APPENDS_INHERITED : 0);
				} else {
					emit(r, key_line, key, klen, r->s + raw_start, raw_end - raw_start,
					     value.data ? value.data : "", NULL, 0);
				}
				state = PRE_KEY;
			} else if ((c == '\'' || c == '"') && state == PRE_VALUE) {
				if (value.len == 0 && raw_end == raw_start)
					raw_start = i;
				state = c == '"' ? DQUOTE : SQUOTE;
			} else if (c == '\\') {
				state = VALUE_ESCAPE;
			} else if (is_space(c) && state == PRE_VALUE) {
				/* leading whitespace is dropped */
			} else {
				if (state == PRE_VALUE && value.len == 0)
					raw_start = i;
				state = VALUE;
				too_long = strbuf_putc(&value, c) < 0;
				if (!is_space(c))
					value_keep = value.len;
			}
			break;
		case VALUE_ESCAPE:
			state = VALUE;
			if (!eol)
				too_long = strbuf_putc(&value, c) < 0;
			value_keep = value.len;
			break;
		case SQUOTE:
			if (c == '\'')
				state = PRE_VALUE;
			else
				too_long = strbuf_putc(&value, c) < 0;
			if (i == r->len)
				env_list_diag(r->out, key_line, "unbalanced single quote");
			value_keep = value.len;
			break;
		case DQUOTE:
			if (c == '"')
				state = PRE_VALUE;
			else if (c == '\\')
				state = DQUOTE_ESCAPE;
			else
				too_long = strbuf_putc(&value, c) < 0;
			if (i == r->len)
				env_list_diag(r->out, key_line, "unbalanced double quote");
			value_keep = value.len;
			break;
		case DQUOTE_ESCAPE:
			state = DQUOTE;
			if (strchr("\"\\`$", c) && c != '\0')
				too_long = strbuf_putc(&value, c) < 0;
			else if (!eol)
				too_long = strbuf_putc(&value, '\\') < 0 || strbuf_putc(&value, c) < 0;
			value_keep = value.len;
			break;
		case COMMENT:
			if (c == '\\')
				state = COMMENT_ESCAPE;
			else if (eol)
				state = PRE_KEY;
			break;
		case COMMENT_ESCAPE:
			state = COMMENT;
			break;
		}
		if (too_long) {
			env_list_diag(r->out, key_line, "value longer than the 128 KiB cap; line ignored");
			state = eol ? PRE_KEY : COMMENT;
		}
		if (state == VALUE || state == VALUE_ESCAPE || state == SQUOTE || state == DQUOTE ||
		    state == DQUOTE_ESCAPE || (state == PRE_VALUE && !eol)) {
			if (i < r->len && !is_space(c))
				raw_end = i + 1;
		}
		if (eol)
			line++;
	}
	strbuf_free(&value);
	strbuf_free(&expanded);
}

static int
finish(struct reader *r, char *copy)
{
	int rc = r->rc;

	if (rc == 0 && r->out->truncated)
		rc = -E2BIG;
	env_vars_free(&r->vars);
	free(copy);
	return rc;
}

static int
start(struct reader *r, const char *data, size_t len, const struct env_context *ctx,
      struct env_list *out, char **copy)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->ctx = ctx;
	*copy = env_clean_copy(data, len, 0, out, &r->len);
	if (!*copy)
		return -ENOMEM;
	r->s = *copy;
	if (ctx && ctx->seed)
		return env_vars_copy(&r->vars, ctx->seed);
	return 0;
}

int
envfile_parse_systemd(const char *data, size_t len, struct env_list *out)
{
	struct reader r;
	char *copy;
	int rc = start(&r, data, len, NULL, out, &copy);

	if (rc == 0)
		read_systemd(&r, false);
	note_rc(&r, rc);
	return finish(&r, copy);
}

int
envfile_parse_envd(const char *data, size_t len, const struct env_context *ctx,
		   struct env_list *out)
{
	struct reader r;
	char *copy;
	int rc = start(&r, data, len, ctx, out, &copy);

	if (rc == 0)
		read_systemd(&r, true);
	note_rc(&r, rc);
	return finish(&r, copy);
}

/*
 * Joins lines ending in '\' into one logical line. Returns the logical
 * line in out and its length, advancing *pos, and sets *lines to the
 * number of physical lines it used.
 */
static int
next_logical_line(const struct reader *r, size_t *pos, struct strbuf *out, size_t *lines)
{
	strbuf_reset(out);
	*lines = 0;
	while (*pos < r->len) {
		const char *p = r->s + *pos;
		const char *nl = memchr(p, '\n', r->len - *pos);
		size_t n = nl ? (size_t)(nl - p) : r->len - *pos;
		bool more = n > 0 && p[n - 1] == '\\';
		int rc;

		*pos += n + (nl ? 1 : 0);
		(*lines)++;
		rc = strbuf_append(out, p, more ? n - 1 : n);
		if (rc < 0)
			return rc;
		if (!more || !nl)
			break;
	}
	return 0;
}

/* Reads one /etc/environment line (without its newline). */
static void
read_pam_env_line(struct reader *r, const char *p, size_t n, size_t line)
{
	const char *key, *eq, *end, *hash, *value;
	size_t vlen;

	while (n > 0 && is_space(*p)) {
		p++;
		n--;
	}
	if (n == 0 || *p == '#')
		return;
	if (n > 7 && memcmp(p, "export ", 7) == 0) {
		p += 7;
		n -= 7;
	}
	key = p;
	eq = memchr(p, '=', n);
	if (!eq) {
		env_list_diag(r->out, line, "line has no '='; line ignored");
		return;
	}
	if (!env_is_name(key, (size_t)(eq - key))) {
		env_list_diag(r->out, line, "key is not a variable name; line ignored");
		return;
	}

	/* The value ends at the first '#', and one pair of matching quotes
	 * around it is dropped.
	 * NOTE: these two rules were not checked against pam_env's source
	 * or a running pam_env. */
	end = p + n;
	hash = memchr(eq + 1, '#', (size_t)(end - eq - 1));
	if (hash)
		end = hash;
	value = eq + 1;
	vlen = (size_t)(end - value);
	if (vlen >= 2 && (value[0] == '"' || value[0] == '\'') && value[vlen - 1] == value[0]) {
		char *unquoted = strndup(value + 1, vlen - 2);

		if (!unquoted) {
			note_rc(r, -ENOMEM);
			return;
		}
		emit(r, line, key, (size_t)(eq - key), value, vlen, unquoted, NULL, 0);
		free(unquoted);
	} else {
		char *plain = strndup(value, vlen);

		if (!plain) {
			note_rc(r, -ENOMEM);
			return;
		}
		emit(r, line, key, (size_t)(eq - key), value, vlen, plain, NULL, 0);
		free(plain);
	}
}

int
envfile_parse_pam_env(const char *data, size_t len, struct env_list *out)
{
	struct reader r;
	struct strbuf logical;
	size_t pos = 0, line = 1, used;
	char *copy;
	int rc = start(&r, data, len, NULL, out, &copy);

	strbuf_init(&logical, ENV_LINE_MAX);
	while (rc == 0 && pos < r.len) {
		rc = next_logical_line(&r, &pos, &logical, &used);
		if (rc == -E2BIG) {
			env_list_diag(out, line, "continued line longer than 64 KiB; line skipped");
			rc = 0;
		} else if (rc == 0) {
			read_pam_env_line(&r, logical.data ? logical.data : "", logical.len, line);
		}
		line += used;
	}
	strbuf_free(&logical);
	note_rc(&r, rc);
	return finish(&r, copy);
}

/* Expands a pam_env.conf value: ${X}, @{HOME}, @{SHELL}, \$ and \@. */
static void
expand_pam(struct reader *r, struct expand *ex, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && !ex->reason) {
		if (s[i] == '\\' && i + 1 < len && (s[i + 1] == '$' || s[i + 1] == '@')) {
			put(ex, s + i + 1, 1);
			i += 2;
		} else if ((s[i] == '$' || s[i] == '@') && i + 1 < len && s[i + 1] == '{') {
			const char *close = memchr(s + i + 2, '}', len - i - 2);
			const char *name = s + i + 2;
			size_t n;
			bool empty;

			if (!close) {
				ex->reason = "unbalanced ${ or @{ in the value";
				return;
			}
			n = (size_t)(close - name);
			if (s[i] == '$') {
				put_variable(r, ex, name, n, &empty);
			} else if (n == 4 && memcmp(name, "HOME", 4) == 0 && r->ctx && r->ctx->home) {
				put(ex, r->ctx->home, strlen(r->ctx->home));
			} else if (n == 5 && memcmp(name, "SHELL", 5) == 0 && r->ctx && r->ctx->shell) {
				put(ex, r->ctx->shell, strlen(r->ctx->shell));
			} else {
				ex->reason = "@{...} item that depends on the login";
			}
			i = (size_t)(close - s) + 1;
		} else {
			put(ex, s + i, 1);
			i++;
		}
	}
}

/* Reads the value after DEFAULT= or OVERRIDE= at p[0..n); returns its length. */
static size_t
option_value(const char *p, size_t n, const char **value, size_t *vlen, bool *unbalanced)
{
	*unbalanced = false;
	if (n > 0 && p[0] == '"') {
		const char *q = memchr(p + 1, '"', n - 1);

		if (!q) {
			*unbalanced = true;
			return n;
		}
		*value = p + 1;
		*vlen = (size_t)(q - p - 1);
		return (size_t)(q - p) + 1;
	}
	*value = p;
	*vlen = 0;
	while (*vlen < n && !is_space(p[*vlen]))
		(*vlen)++;
	return *vlen;
}

/* Reads one pam_env.conf line. */
static void
read_pam_conf_line(struct reader *r, const char *p, size_t n, size_t line)
{
	const char *name, *def = NULL, *over = NULL, *raw;
	size_t name_len = 0, def_len = 0, over_len = 0, i;
	struct strbuf out_def, out_over;
	struct expand ed = { &out_def, NULL, false, NULL, 0 }, eo = { &out_over, NULL, false, NULL, 0 };
	const char *value = NULL, *reason = NULL;

	if (n == 0 || p[0] == '#')
		return;
	while (n > 0 && is_space(*p)) {
		p++;
		n--;
	}
	if (n == 0)
		return;
	name = p;
	while (name_len < n && !is_space(name[name_len]))
		name_len++;
	if (memchr(name, '=', name_len)) {
		read_pam_env_line(r, p, n, line);
		return;
	}
	if (!env_is_name(name, name_len)) {
		env_list_diag(r->out, line, "variable name is not valid; line ignored");
		return;
	}

	i = name_len;
	while (i < n && is_space(p[i]))
		i++;
	raw = p + i;
	while (i < n) {
		const char **slot;
		size_t *slot_len, key_len;
		bool unbalanced;

		if (n - i >= 8 && memcmp(p + i, "DEFAULT=", 8) == 0) {
			slot = &def;
			slot_len = &def_len;
			key_len = 8;
		} else if (n - i >= 9 && memcmp(p + i, "OVERRIDE=", 9) == 0) {
			slot = &over;
			slot_len = &over_len;
			key_len = 9;
		} else {
			env_list_diag(r->out, line, "expected DEFAULT= or OVERRIDE=; line ignored");
			return;
		}
		i += key_len;
		i += option_value(p + i, n - i, slot, slot_len, &unbalanced);
		if (unbalanced) {
			env_list_diag(r->out, line, "unbalanced double quote; line ignored");
			return;
		}
		while (i < n && is_space(p[i]))
			i++;
	}

	strbuf_init(&out_def, ENV_VALUE_MAX);
	strbuf_init(&out_over, ENV_VALUE_MAX);
	ed.self = eo.self = name;
	ed.self_len = eo.self_len = name_len;
	if (def)
		expand_pam(r, &ed, def, def_len);
	if (over)
		expand_pam(r, &eo, over, over_len);

	/* A non-empty OVERRIDE wins; otherwise DEFAULT, and an empty result
	 * removes the variable. */
	if (over && eo.reason) {
		reason = eo.reason;
	} else if (over && out_over.len > 0) {
		value = out_over.data;
	} else if (ed.reason) {
		reason = ed.reason;
	} else {
		value = out_def.data ? out_def.data : "";
	}
	emit(r, line, name, name_len, raw, (size_t)(p + n - raw), value, reason,
	     (over && !eo.reason && out_over.len > 0 ? eo.appends_self : ed.appends_self)
		     ? ENV_APPENDS_INHERITED : 0);
	strbuf_free(&out_def);
	strbuf_free(&out_over);
}

int
envfile_parse_pam_conf(const char *data, size_t len, const struct env_context *ctx,
		       struct env_list *out)
{
	struct reader r;
	struct strbuf logical;
	size_t pos = 0, line = 1, used;
	char *copy;
	int rc = start(&r, data, len, ctx, out, &copy);

	strbuf_init(&logical, ENV_LINE_MAX);
	while (rc == 0 && pos < r.len) {
		rc = next_logical_line(&r, &pos, &logical, &used);
		if (rc == -E2BIG) {
			env_list_diag(out, line, "continued line longer than 64 KiB; line skipped");
			rc = 0;
		} else if (rc == 0) {
			read_pam_conf_line(&r, logical.data ? logical.data : "", logical.len, line);
		}
		line += used;
	}
	strbuf_free(&logical);
	note_rc(&r, rc);
	return finish(&r, copy);
}
