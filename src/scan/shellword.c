#include "scan/shellword.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* State of one word's expansion. */
struct expansion {
	struct strbuf *out;
	const char *unresolved;
	const char *error;      /* malformed input: the command is dropped */
	bool quoted;
	bool appends_self;
	const char *self_name;  /* the variable being assigned */
	size_t self_len;
	bool assignment_value;  /* '~' is expanded after ':' too */
};

bool
shell_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool
shell_is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
	       c == '(' || c == ')' || c == '<' || c == '>';
}

static bool
is_name_char(char c, bool first)
{
	if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return !first && c >= '0' && c <= '9';
}

static void
put(struct expansion *ex, const char *data, size_t len)
{
	int rc;

	if (ex->unresolved || ex->error)
		return;
	rc = strbuf_append(ex->out, data, len);
	if (rc == -E2BIG)
		ex->unresolved = "expanded value longer than the 128 KiB cap";
	else if (rc < 0)
		ex->error = "out of memory";
}

static void
unresolve(struct expansion *ex, const char *reason)
{
	if (!ex->unresolved)
		ex->unresolved = reason;
}

/*
 * Moves past a construct opened just before sh->pos and closed by close,
 * counting nested open bytes and stepping over quotes and backslashes.
 * Returns false when the input ends first.
 */
static bool
skip_balanced(struct shell_cursor *sh, char open, char close)
{
	int depth = 1;

	while (sh->pos < sh->len) {
		char c = sh->s[sh->pos++];

		if (c == '\\') {
			sh->pos++;
		} else if (c == '\'' && open != '`') {
			const char *q = memchr(sh->s + sh->pos, '\'', sh->len - sh->pos);

			if (!q)
				return false;
			sh->pos = (size_t)(q - sh->s) + 1;
		} else if (c == '"' && open != '`') {
			while (sh->pos < sh->len && sh->s[sh->pos] != '"') {
				if (sh->s[sh->pos] == '\\')
					sh->pos++;
				sh->pos++;
			}
			if (sh->pos >= sh->len)
				return false;
			sh->pos++;
		} else if (c == close) {
			if (--depth == 0)
				return true;
		} else if (c == open) {
			depth++;
		}
	}
	sh->pos = sh->len;
	return false;
}

/* Result of looking a variable up while expanding. */
enum lookup { VAR_VALUE, VAR_UNKNOWN, VAR_UNRESOLVED };

static enum lookup
lookup(struct shell_cursor *sh, struct expansion *ex, const char *name, size_t len, const char **value)
{
	const struct env_var *v = env_vars_find(&sh->vars, name, len);
	const struct env_context *ctx = sh->ctx;

	if (v) {
		*value = v->value;
		return v->value ? VAR_VALUE : VAR_UNRESOLVED;
	}
	if (ctx && len == 4 && memcmp(name, "HOME", 4) == 0 && ctx->home) {
		*value = ctx->home;
		return VAR_VALUE;
	}
	if (ctx && ctx->user && ((len == 4 && memcmp(name, "USER", 4) == 0) ||
				 (len == 7 && memcmp(name, "LOGNAME", 7) == 0))) {
		*value = ctx->user;
		return VAR_VALUE;
	}
	if (ctx && len == 5 && memcmp(name, "SHELL", 5) == 0 && ctx->shell) {
		*value = ctx->shell;
		return VAR_VALUE;
	}
	if (ex->self_name && len == ex->self_len && memcmp(name, ex->self_name, len) == 0) {
		/* X="$X:/new" where the file never set X: the inherited part
		 * is unknown, the part the file adds is not. */
		ex->appends_self = true;
		*value = "";
		return VAR_VALUE;
	}
	return VAR_UNKNOWN;
}

static void expand_until(struct shell_cursor *sh, struct expansion *ex, bool brace);

/* Expands ${...} with sh->pos just past the '{'. */
static void
expand_brace(struct shell_cursor *sh, struct expansion *ex)
{
	const char *name = sh->s + sh->pos, *value = NULL;
	size_t n = 0;
	char op[3] = "";
	enum lookup found;

	while (sh->pos + n < sh->len && is_name_char(name[n], n == 0))
		n++;
	if (n == 0 || sh->pos + n >= sh->len) {
		unresolve(ex, "parameter expansion that needs the shell (${#, ${!, or a positional parameter)");
		if (!skip_balanced(sh, '{', '}'))
			ex->error = "unbalanced ${ in this line";
		return;
	}
	sh->pos += n;

	if (sh->s[sh->pos] == '}') {
		sh->pos++;
		found = lookup(sh, ex, name, n, &value);
		if (found == VAR_VALUE)
			put(ex, value, strlen(value));
		else
			unresolve(ex, found == VAR_UNKNOWN ? "refers to a variable that the file does not set"
							   : "refers to a variable whose value is unresolved");
		return;
	}

	if (sh->s[sh->pos] == ':' && sh->pos + 1 < sh->len && strchr("-=+?", sh->s[sh->pos + 1])) {
		op[0] = ':';
		op[1] = sh->s[sh->pos + 1];
		sh->pos += 2;
	} else if (strchr("-=+?", sh->s[sh->pos])) {
		op[0] = sh->s[sh->pos];
		sh->pos++;
	} else {
		unresolve(ex, "parameter expansion with an operator that needs the shell");
		if (!skip_balanced(sh, '{', '}'))
			ex->error = "unbalanced ${ in this line";
		return;
	}

	/* The word after the operator. */
	{
		struct strbuf alt;
		struct expansion sub = *ex;
		bool colon = op[0] == ':';
		char kind = colon ? op[1] : op[0];
		bool empty, use_word;

		strbuf_init(&alt, ENV_VALUE_MAX);
		sub.out = &alt;
		sub.unresolved = NULL;
		sub.error = NULL;
		sub.appends_self = false;
		expand_until(sh, &sub, true);
		if (sub.error) {
			ex->error = sub.error;
			strbuf_free(&alt);
			return;
		}

		found = lookup(sh, ex, name, n, &value);
		if (found != VAR_VALUE) {
			unresolve(ex, found == VAR_UNKNOWN ? "refers to a variable that the file does not set"
							   : "refers to a variable whose value is unresolved");
			strbuf_free(&alt);
			return;
		}
		empty = value[0] == '\0';
		if (kind == '+')
			use_word = !(colon && empty);
		else
			use_word = colon && empty;
		if (kind == '?' && use_word) {
			unresolve(ex, "${X:?} stops the shell when X is empty");
		} else if (use_word) {
			if (sub.unresolved)
				unresolve(ex, sub.unresolved);
			else
				put(ex, alt.data ? alt.data : "", alt.len);
			if (sub.appends_self)
				ex->appends_self = true;
			if (kind == '=' && !sub.unresolved) {
				char *key = strndup(name, n);

				if (!key || env_vars_set(&sh->vars, key, alt.data ? alt.data : "", NULL) < 0)
					sh->rc = -ENOMEM;
				free(key);
			}
		} else if (kind != '+') {
			put(ex, value, strlen(value));
		}
		strbuf_free(&alt);
	}
}

/* Expands $'...' (bash ANSI-C quoting) with sh->pos just past the quote. */
static void
expand_ansi_c(struct shell_cursor *sh, struct expansion *ex)
{
	static const char from[] = "abefnrtv\\'\"?", to[] = "\a\b\033\f\n\r\t\v\\'\"?";

	while (sh->pos < sh->len && sh->s[sh->pos] != '\'') {
		char c = sh->s[sh->pos++];
		const char *p;

		if (c != '\\') {
			put(ex, &c, 1);
			continue;
		}
		if (sh->pos >= sh->len)
			break;
		c = sh->s[sh->pos++];
		p = strchr(from, c);
		if (p && c != '\0')
			put(ex, &to[p - from], 1);
		else
			unresolve(ex, "$'...' escape that this reader does not decode");
	}
	if (sh->pos >= sh->len) {
		ex->error = "unbalanced quote in $'...'";
		return;
	}
	sh->pos++;
}

/* Expands a '$' at sh->pos. */
static void
expand_dollar(struct shell_cursor *sh, struct expansion *ex, bool in_dquote)
{
	char c;

	sh->pos++;
	if (sh->pos >= sh->len) {
		put(ex, "$", 1);
		return;
	}
	c = sh->s[sh->pos];
	if (c == '{') {
		sh->pos++;
		expand_brace(sh, ex);
	} else if (c == '(') {
		bool arithmetic = sh->pos + 1 < sh->len && sh->s[sh->pos + 1] == '(';

		unresolve(ex, arithmetic ? "arithmetic expansion" : "command substitution $(...)");
		sh->pos++;
		if (!skip_balanced(sh, '(', ')'))
			ex->error = "unbalanced $( in this line";
	} else if (is_name_char(c, true)) {
		const char *name = sh->s + sh->pos, *value = NULL;
		size_t n = 0;
		enum lookup found;

		while (sh->pos + n < sh->len && is_name_char(name[n], false))
			n++;
		sh->pos += n;
		found = lookup(sh, ex, name, n, &value);
		if (found == VAR_VALUE)
			put(ex, value, strlen(value));
		else
			unresolve(ex, found == VAR_UNKNOWN ? "refers to a variable that the file does not set"
							   : "refers to a variable whose value is unresolved");
	} else if ((c >= '0' && c <= '9') || strchr("@*#?$!-", c)) {
		sh->pos++;
		unresolve(ex, "positional or special parameter");
	} else if (c == '\'' && !in_dquote) {
		sh->pos++;
		ex->quoted = true;
		expand_ansi_c(sh, ex);
	} else if (c == '"' && !in_dquote) {
		/* $"..." is a translated string; without a catalogue it is "...". */
	} else {
		put(ex, "$", 1);
	}
}

static void
expand_backtick(struct shell_cursor *sh, struct expansion *ex)
{
	sh->pos++;
	unresolve(ex, "command substitution `...`");
	if (!skip_balanced(sh, '`', '`'))
		ex->error = "unbalanced backquote in this line";
}

static void
expand_dquote(struct shell_cursor *sh, struct expansion *ex)
{
	ex->quoted = true;
	sh->pos++;
	while (sh->pos < sh->len) {
		char c = sh->s[sh->pos];

		if (c == '"') {
			sh->pos++;
			return;
		}
		if (c == '\\' && sh->pos + 1 < sh->len) {
			char next = sh->s[sh->pos + 1];

			if (next == '\n') {
				sh->pos += 2;
				continue;
			}
			if (strchr("$`\"\\", next)) {
				put(ex, &next, 1);
				sh->pos += 2;
				continue;
			}
			put(ex, "\\", 1);
			sh->pos++;
		} else if (c == '$') {
			expand_dollar(sh, ex, true);
		} else if (c == '`') {
			expand_backtick(sh, ex);
		} else {
			put(ex, &c, 1);
			sh->pos++;
		}
		if (ex->error)
			return;
	}
	ex->error = "unbalanced double quote";
}

/*
 * Expands '~' or '~user' at sh->pos when what follows up to '/' (or ':' in
 * an assignment value) is unquoted. Returns false to leave '~' literal.
 */
static bool
expand_tilde(struct shell_cursor *sh, struct expansion *ex)
{
	const struct env_context *ctx = sh->ctx;
	size_t end = sh->pos + 1;
	const char *home = NULL;

	while (end < sh->len && sh->s[end] != '/' && !shell_is_meta(sh->s[end]) &&
	       !(ex->assignment_value && sh->s[end] == ':')) {
		if (strchr("'\"\\$`", sh->s[end]))
			return false;
		end++;
	}
	if (end == sh->pos + 1) {
		const struct env_var *v = env_vars_find(&sh->vars, "HOME", 4);

		home = v ? v->value : (ctx ? ctx->home : NULL);
		if (!home)
			unresolve(ex, "~ needs the home directory, which depends on the account");
	} else {
		char *user = strndup(sh->s + sh->pos + 1, end - sh->pos - 1);

		if (!user) {
			ex->error = "out of memory";
			return true;
		}
		if (ctx && ctx->home_of)
			home = ctx->home_of(user, ctx->arg);
		free(user);
		if (!home)
			unresolve(ex, "~user names an account whose home directory is not known");
	}
	if (home)
		put(ex, home, strlen(home));
	sh->pos = end;
	return true;
}

/*
 * Expands from sh->pos up to an unquoted metacharacter, or up to the '}'
 * that closes a ${X:-word} when brace is true (the '}' is consumed).
 */
static void
expand_until(struct shell_cursor *sh, struct expansion *ex, bool brace)
{
	bool word_start = !brace;

	while (sh->pos < sh->len && !ex->error) {
		char c = sh->s[sh->pos];

		if (brace ? c == '}' : shell_is_meta(c)) {
			if (brace)
				sh->pos++;
			return;
		}
		if (c == '~' && (word_start || (ex->assignment_value && sh->pos > 0 &&
						sh->s[sh->pos - 1] == ':'))) {
			word_start = false;
			if (expand_tilde(sh, ex))
				continue;
		}
		word_start = false;
		if (c == '\\') {
			if (sh->pos + 1 >= sh->len) {
				put(ex, "\\", 1);
				sh->pos++;
			} else if (sh->s[sh->pos + 1] == '\n') {
				sh->pos += 2;
			} else {
				ex->quoted = true;
				put(ex, sh->s + sh->pos + 1, 1);
				sh->pos += 2;
			}
		} else if (c == '\'') {
			const char *q = memchr(sh->s + sh->pos + 1, '\'', sh->len - sh->pos - 1);

			if (!q) {
				ex->error = "unbalanced single quote";
				return;
			}
			ex->quoted = true;
			put(ex, sh->s + sh->pos + 1, (size_t)(q - sh->s) - sh->pos - 1);
			sh->pos = (size_t)(q - sh->s) + 1;
		} else if (c == '"') {
			expand_dquote(sh, ex);
		} else if (c == '$') {
			expand_dollar(sh, ex, false);
		} else if (c == '`') {
			expand_backtick(sh, ex);
		} else {
			put(ex, &c, 1);
			sh->pos++;
		}
	}
	if (brace && !ex->error)
		ex->error = "unbalanced ${ in this line";
}

/* Length of an unquoted NAME= or NAME+= prefix at s[0..len), or 0. */
static size_t
assignment_prefix(const char *s, size_t len, bool *append)
{
	size_t n = 0;

	while (n < len && is_name_char(s[n], n == 0))
		n++;
	if (n == 0 || n >= len)
		return 0;
	*append = false;
	if (s[n] == '+' && n + 1 < len && s[n + 1] == '=') {
		*append = true;
		return n;
	}
	return s[n] == '=' ? n : 0;
}

const char *
shell_read_word(struct shell_cursor *sh, struct shell_word *w)
{
	struct expansion ex = { &w->value, NULL, NULL, false, false, NULL, 0, false };
	bool append = false;
	size_t n;

	strbuf_reset(&w->value);
	w->start = sh->pos;
	w->assignment = false;
	w->append = false;
	w->name_len = 0;

	n = assignment_prefix(sh->s + sh->pos, sh->len - sh->pos, &append);
	if (n > 0) {
		w->assignment = true;
		w->append = append;
		w->name_len = n;
		ex.self_name = sh->s + sh->pos;
		ex.self_len = n;
		ex.assignment_value = true;
		sh->pos += n + (append ? 2 : 1);
		if (sh->pos < sh->len && sh->s[sh->pos] == '(') {
			sh->pos++;
			if (!skip_balanced(sh, '(', ')'))
				return "unbalanced parenthesis in an array assignment";
			ex.unresolved = "array assignment";
			if (sh->pos < sh->len && !shell_is_meta(sh->s[sh->pos]))
				expand_until(sh, &ex, false);
			goto done;
		}
	}
	expand_until(sh, &ex, false);

done:
	if (ex.error)
		return ex.error;
	w->end = sh->pos;
	w->unresolved = ex.unresolved;
	w->quoted = ex.quoted;
	w->appends_self = ex.appends_self;
	return NULL;
}

const char *
shell_word_text(const struct shell_word *w)
{
	return w->value.data ? w->value.data : "";
}
