#include "scan/fishenv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/strlist.h"

struct fish_block {
	bool conditional;
	char *function;
};

struct fish_word {
	size_t start, end;
	size_t line;
	struct strbuf value;
	const char *unresolved;
	bool quoted;
};

struct fish {
	char *buf;
	size_t len, pos;
	size_t line;
	const struct env_context *ctx;
	struct env_list *out;
	size_t first_item;
	struct env_vars vars;
	struct strlist called;

	struct fish_block blocks[FISH_NESTING_MAX];
	size_t depth, overflow;

	struct fish_word words[FISH_WORDS_MAX];
	size_t nwords;
	struct fish_word scratch; /* redirection targets */
	bool conditional_next; /* after && or ||, or the `and`/`or` keywords */
	int rc;
};

static void
note_rc(struct fish *f, int rc)
{
	if (rc < 0 && f->rc == 0)
		f->rc = rc;
}

static bool
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
	       c == '<' || c == '>';
}

static bool
is_var_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void
put(struct fish *f, struct fish_word *w, const char *data, size_t len)
{
	int rc;

	if (w->unresolved)
		return;
	rc = strbuf_append(&w->value, data, len);
	if (rc == -E2BIG)
		w->unresolved = "expanded value longer than the 128 KiB cap";
	else if (rc < 0)
		note_rc(f, rc);
}

static void
unresolve(struct fish_word *w, const char *reason)
{
	if (!w->unresolved)
		w->unresolved = reason;
}

/* Skips a command substitution; f->pos is just past its '('. */
static bool
skip_parens(struct fish *f)
{
	int depth = 1;

	while (f->pos < f->len) {
		char c = f->buf[f->pos++];

		if (c == '\\') {
			f->pos++;
		} else if (c == '\'' || c == '"') {
			while (f->pos < f->len && f->buf[f->pos] != c) {
				if (f->buf[f->pos] == '\\')
					f->pos++;
				f->pos++;
			}
			f->pos++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return true;
		}
	}
	f->pos = f->len;
	return false;
}

/* Expands $NAME or {$NAME} with f->pos at the '$'. */
static void
expand_variable(struct fish *f, struct fish_word *w)
{
	const char *name = f->buf + f->pos + 1;
	const struct env_var *v;
	const char *value = NULL;
	size_t n = 0;

	while (f->pos + 1 + n < f->len && is_var_char(name[n]))
		n++;
	if (n == 0) {
		if (f->pos + 1 < f->len && f->buf[f->pos + 1] == '(') {
			f->pos += 2;
			unresolve(w, "command substitution $(...)");
			if (!skip_parens(f))
				unresolve(w, "unbalanced $( in this line");
			return;
		}
		put(f, w, "$", 1);
		f->pos++;
		return;
	}
	f->pos += 1 + n;
	if (f->pos < f->len && f->buf[f->pos] == '[') {
		unresolve(w, "list index that needs fish");
		return;
	}
	v = env_vars_find(&f->vars, name, n);
	if (v) {
		value = v->value;
		if (!value) {
			unresolve(w, "refers to a variable whose value is unresolved");
			return;
		}
	} else if (f->ctx && n == 4 && memcmp(name, "HOME", 4) == 0) {
		value = f->ctx->home;
	} else if (f->ctx && n == 4 && memcmp(name, "USER", 4) == 0) {
		value = f->ctx->user;
	}
	if (!value) {
		unresolve(w, "refers to a variable that the file does not set");
		return;
	}
	put(f, w, value, strlen(value));
}

/* Decodes the unquoted escape at f->pos (a '\'). */
static void
unquoted_escape(struct fish *f, struct fish_word *w)
{
	static const char from[] = "abefnrtv", to[] = "\a\b\033\f\n\r\t\v";
	char c;
	const char *p;

	if (f->pos + 1 >= f->len) {
		f->pos++;
		return;
	}
	c = f->buf[f->pos + 1];
	f->pos += 2;
	if (c == '\n')
		return;
	p = strchr(from, c);
	if (p)
		put(f, w, &to[p - from], 1);
	else if (strchr("xXuUc01234567", c))
		unresolve(w, "numeric escape that this reader does not decode");
	else
		put(f, w, &c, 1);
	w->quoted = true;
}

/* Reads one word. Returns an error message or NULL. */
static const char *
read_word(struct fish *f, struct fish_word *w)
{
	strbuf_reset(&w->value);
	w->start = f->pos;
	w->line = f->line;
	w->unresolved = NULL;
	w->quoted = false;

	if (f->buf[f->pos] == '~') {
		size_t end = f->pos + 1;

		while (end < f->len && !is_sep(f->buf[end]) && f->buf[end] != '/')
			end++;
		if (end == f->pos + 1 && f->ctx && f->ctx->home)
			put(f, w, f->ctx->home, strlen(f->ctx->home));
		else
			unresolve(w, "~ needs a home directory that is not known here");
		f->pos = end;
	}

	while (f->pos < f->len && !is_sep(f->buf[f->pos])) {
		char c = f->buf[f->pos];

		if (c == '\\') {
			unquoted_escape(f, w);
		} else if (c == '\'') {
			w->quoted = true;
			for (f->pos++; f->pos < f->len && f->buf[f->pos] != '\''; f->pos++) {
				if (f->buf[f->pos] == '\\' && f->pos + 1 < f->len &&
				    (f->buf[f->pos + 1] == '\'' || f->buf[f->pos + 1] == '\\'))
					f->pos++;
				else if (f->buf[f->pos] == '\n')
					f->line++;
				put(f, w, f->buf + f->pos, 1);
			}
			if (f->pos >= f->len)
				return "unbalanced single quote";
			f->pos++;
		} else if (c == '"') {
			w->quoted = true;
			for (f->pos++; f->pos < f->len && f->buf[f->pos] != '"';) {
				char d = f->buf[f->pos];

				if (d == '\\' && f->pos + 1 < f->len && strchr("\"$\\\n", f->buf[f->pos + 1])) {
					if (f->buf[f->pos + 1] != '\n')
						put(f, w, f->buf + f->pos + 1, 1);
					else
						f->line++;
					f->pos += 2;
				} else if (d == '$') {
					expand_variable(f, w);
				} else {
					if (d == '\n')
						f->line++;
					put(f, w, &d, 1);
					f->pos++;
				}
			}
			if (f->pos >= f->len)
				return "unbalanced double quote";
			f->pos++;
		} else if (c == '$') {
			expand_variable(f, w);
		} else if (c == '(') {
			f->pos++;
			unresolve(w, "command substitution (...)");
			if (!skip_parens(f))
				return "unbalanced parenthesis";
		} else if (c == '{') {
			if (f->pos + 1 < f->len && f->buf[f->pos + 1] == '$') {
				const char *close = memchr(f->buf + f->pos, '}', f->len - f->pos);

				f->pos++;
				expand_variable(f, w);
				if (close && f->pos == (size_t)(close - f->buf))
					f->pos++;
				else
					unresolve(w, "brace expansion");
			} else {
				unresolve(w, "brace expansion");
				put(f, w, &c, 1);
				f->pos++;
			}
		} else if (c == '*' || c == '?') {
			unresolve(w, "wildcard");
			f->pos++;
		} else {
			put(f, w, &c, 1);
			f->pos++;
		}
	}
	w->end = f->pos;
	return NULL;
}

static const char *
text(const struct fish_word *w)
{
	return w->value.data ? w->value.data : "";
}

static bool
word_is(const struct fish_word *w, const char *s)
{
	return !w->quoted && !w->unresolved && strcmp(text(w), s) == 0;
}

static const char *
outer_function(const struct fish *f)
{
	size_t i;

	for (i = 0; i < f->depth; i++) {
		if (f->blocks[i].function)
			return f->blocks[i].function;
	}
	return NULL;
}

static unsigned
scope_flags(const struct fish *f)
{
	unsigned flags = 0;
	size_t i;

	for (i = 0; i < f->depth; i++) {
		if (f->blocks[i].conditional)
			flags |= ENV_CONDITIONAL;
		if (f->blocks[i].function)
			flags |= ENV_IN_FUNCTION;
	}
	if (f->overflow > 0 || f->conditional_next)
		flags |= ENV_CONDITIONAL;
	return flags;
}

static void
push_block(struct fish *f, bool conditional, const char *function)
{
	if (f->depth >= FISH_NESTING_MAX) {
		if (f->overflow == 0)
			env_list_diag(f->out, f->line, "blocks nested deeper than 64 levels; inner ones treated as conditional");
		f->overflow++;
		return;
	}
	f->blocks[f->depth].conditional = conditional;
	f->blocks[f->depth].function = function ? strdup(function) : NULL;
	if (function && !f->blocks[f->depth].function)
		note_rc(f, -ENOMEM);
	f->depth++;
}

static void
pop_block(struct fish *f, size_t line)
{
	if (f->overflow > 0) {
		f->overflow--;
		return;
	}
	if (f->depth == 0) {
		env_list_diag(f->out, line, "`end` without an open block");
		return;
	}
	f->depth--;
	free(f->blocks[f->depth].function);
	f->blocks[f->depth].function = NULL;
}

static void
add(struct fish *f, enum env_kind kind, size_t line, const char *name, const char *raw,
    const char *value, const char *reason, unsigned flags)
{
	struct env_item_in item = { kind, line, name, raw, value, reason, NULL, flags };

	if (flags & ENV_IN_FUNCTION)
		item.function = outer_function(f);
	note_rc(f, env_list_add(f->out, &item));
}

static char *
raw_of(const struct fish *f, size_t start, size_t end)
{
	return strndup(f->buf + start, end - start);
}

/* `set [options] NAME [VALUE...]`. */
static void
run_set(struct fish *f, struct fish_word *w, size_t n, unsigned flags)
{
	bool exported = false, unexport = false, append = false, prepend = false, path = false;
	bool assigns = true;
	size_t i = 1, k;
	struct strbuf joined;
	const char *name, *reason = NULL;
	struct env_var *var;
	char *raw;

	for (; i < n && !w[i].quoted; i++) {
		const char *o = text(&w[i]);

		if (o[0] != '-')
			break;
		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (o[1] == '-') {
			const char *l = o + 2;

			exported |= strcmp(l, "export") == 0;
			unexport |= strcmp(l, "unexport") == 0;
			append |= strcmp(l, "append") == 0;
			prepend |= strcmp(l, "prepend") == 0;
			path |= strcmp(l, "path") == 0;
			if (strcmp(l, "universal") == 0)
				flags |= ENV_UNIVERSAL;
			if (strcmp(l, "local") == 0 || strcmp(l, "function") == 0)
				flags |= ENV_LOCAL;
			if (strcmp(l, "erase") == 0 || strcmp(l, "query") == 0 || strcmp(l, "show") == 0 ||
			    strcmp(l, "names") == 0)
				assigns = false;
			continue;
		}
		exported |= strchr(o, 'x') != NULL;
		unexport |= strchr(o, 'u') != NULL;
		append |= strchr(o, 'a') != NULL;
		prepend |= strchr(o, 'p') != NULL;
		if (strchr(o, 'U'))
			flags |= ENV_UNIVERSAL;
		if (strchr(o, 'l') || strchr(o, 'f'))
			flags |= ENV_LOCAL;
		if (strchr(o, 'e') || strchr(o, 'q') || strchr(o, 'S') || strchr(o, 'n'))
			assigns = false;
	}
	if (!assigns || i >= n || w[i].unresolved || !env_is_name(text(&w[i]), w[i].value.len))
		return;

	name = text(&w[i]);
	var = env_vars_find(&f->vars, name, strlen(name));
	if (!exported && !unexport && var && var->exported)
		exported = true;
	if (exported && !unexport)
		flags |= ENV_EXPORTED;
	path |= w[i].value.len >= 4 && strcmp(name + w[i].value.len - 4, "PATH") == 0;

	strbuf_init(&joined, ENV_VALUE_MAX);
	if (prepend || append) {
		if (!var) {
			flags |= ENV_APPENDS_INHERITED;
		} else if (!var->value) {
			reason = "appends to a variable whose value is unresolved";
		}
	}
	if (append && var && var->value && var->value[0] && strbuf_puts(&joined, var->value) < 0)
		reason = "expanded value longer than the 128 KiB cap";
	for (k = i + 1; k < n && !reason; k++) {
		if (w[k].unresolved) {
			reason = w[k].unresolved;
			break;
		}
		if ((joined.len > 0 || k > i + 1) && strbuf_putc(&joined, path ? ':' : ' ') < 0)
			reason = "expanded value longer than the 128 KiB cap";
		else if (strbuf_puts(&joined, text(&w[k])) < 0)
			reason = "expanded value longer than the 128 KiB cap";
	}
	if (prepend && !reason && var && var->value && var->value[0] &&
	    (strbuf_putc(&joined, path ? ':' : ' ') < 0 || strbuf_puts(&joined, var->value) < 0))
		reason = "expanded value longer than the 128 KiB cap";

	raw = raw_of(f, n > i + 1 ? w[i + 1].start : w[i].end, w[n - 1].end);
	if (!raw) {
		note_rc(f, -ENOMEM);
		strbuf_free(&joined);
		return;
	}
	add(f, ENV_ASSIGN, w[0].line, name, raw, reason ? NULL : (joined.data ? joined.data : ""),
	    reason, flags);
	free(raw);
	note_rc(f, env_vars_set(&f->vars, name, reason ? NULL : (joined.data ? joined.data : ""),
				reason));
	var = env_vars_find(&f->vars, name, strlen(name));
	if (var)
		var->exported = (flags & ENV_EXPORTED) != 0;
	strbuf_free(&joined);
}

/* NAME=VALUE word (export's argument or a command prefix). */
static bool
assign_word(struct fish *f, const struct fish_word *w, unsigned flags)
{
	const char *raw = f->buf + w->start;
	const char *eq = memchr(raw, '=', w->end - w->start);
	const char *value;
	char *name, *rawval;
	size_t nlen;

	if (!eq || !env_is_name(raw, (size_t)(eq - raw)))
		return false;
	nlen = (size_t)(eq - raw);
	name = strndup(raw, nlen);
	rawval = raw_of(f, w->start + nlen + 1, w->end);
	value = strchr(text(w), '=');
	if (!name || !rawval) {
		note_rc(f, -ENOMEM);
	} else {
		add(f, ENV_ASSIGN, w->line, name, rawval,
		    w->unresolved || !value ? NULL : value + 1, w->unresolved, flags | ENV_EXPORTED);
		if (!(flags & ENV_COMMAND_SCOPED))
			note_rc(f, env_vars_set(&f->vars, name, w->unresolved || !value ? NULL : value + 1,
						w->unresolved));
	}
	free(name);
	free(rawval);
	return true;
}

static bool
has_event_option(const struct fish_word *w, size_t n)
{
	size_t i;

	for (i = 2; i < n; i++) {
		if (strncmp(text(&w[i]), "--on-", 5) == 0 || strcmp(text(&w[i]), "-e") == 0 ||
		    strcmp(text(&w[i]), "-v") == 0 || strcmp(text(&w[i]), "-j") == 0 ||
		    strcmp(text(&w[i]), "-p") == 0 || strcmp(text(&w[i]), "-s") == 0)
			return true;
	}
	return false;
}

/*
 * Records every word of a command as a possible function call, wherever
 * it is, so a function bound to a key or named in another function also
 * counts as called.
 */
static void
record_mentions(struct fish *f, const struct fish_word *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!w[i].unresolved && w[i].value.len > 0 && w[i].value.len <= 256 &&
		    !strlist_has(&f->called, text(&w[i])))
			note_rc(f, strlist_add(&f->called, text(&w[i])));
	}
}

static void
run_command(struct fish *f)
{
	struct fish_word *w = f->words;
	size_t n = f->nwords, i = 0;
	unsigned flags;

	while (i < n && (word_is(&w[i], "and") || word_is(&w[i], "or") || word_is(&w[i], "not") ||
			 word_is(&w[i], "command") || word_is(&w[i], "builtin"))) {
		if (word_is(&w[i], "and") || word_is(&w[i], "or"))
			f->conditional_next = true;
		i++;
	}
	w += i;
	n -= i;
	if (n == 0)
		return;
	flags = scope_flags(f);

	if (word_is(&w[0], "if") || word_is(&w[0], "while") || word_is(&w[0], "for") ||
	    word_is(&w[0], "switch")) {
		push_block(f, true, NULL);
		return;
	}
	if (word_is(&w[0], "begin")) {
		push_block(f, false, NULL);
		return;
	}
	if (word_is(&w[0], "function") && n > 1) {
		push_block(f, false, text(&w[1]));
		if (has_event_option(w, n))
			note_rc(f, strlist_add(&f->called, text(&w[1])));
		return;
	}
	if (word_is(&w[0], "end")) {
		pop_block(f, w[0].line);
		return;
	}
	record_mentions(f, w, n);

	if (word_is(&w[0], "set")) {
		run_set(f, w, n, flags);
	} else if (word_is(&w[0], "export") || word_is(&w[0], "setenv")) {
		for (i = 1; i < n; i++)
			(void)assign_word(f, &w[i], flags);
	} else if ((word_is(&w[0], "source") || word_is(&w[0], ".")) && n > 1) {
		char *raw = raw_of(f, w[1].start, w[1].end);

		if (!raw) {
			note_rc(f, -ENOMEM);
			return;
		}
		add(f, ENV_SOURCE, w[0].line, text(&w[0]), raw, w[1].unresolved ? NULL : text(&w[1]),
		    w[1].unresolved, flags);
		free(raw);
	} else {
		i = word_is(&w[0], "env") ? 1 : 0;
		for (; i < n; i++) {
			if (!assign_word(f, &w[i], flags | ENV_COMMAND_SCOPED))
				break;
		}
	}
}

static void
end_command(struct fish *f)
{
	run_command(f);
	f->nwords = 0;
}

static void
skip_to_next_line(struct fish *f, size_t start)
{
	const char *nl = memchr(f->buf + start, '\n', f->len - start);

	f->pos = nl ? (size_t)(nl - f->buf) : f->len;
	f->nwords = 0;
}

static void
tokenize(struct fish *f)
{
	while (f->pos < f->len && f->rc != -ENOMEM) {
		char c = f->buf[f->pos];

		if (c == ' ' || c == '\t' || c == '\r') {
			f->pos++;
		} else if (c == '\\' && f->pos + 1 < f->len && f->buf[f->pos + 1] == '\n') {
			f->pos += 2;
			f->line++;
		} else if (c == '#') {
			skip_to_next_line(f, f->pos);
		} else if (c == '\n' || c == ';') {
			if (c == '\n')
				f->line++;
			f->pos++;
			end_command(f);
			f->conditional_next = false;
		} else if (c == '&' || c == '|') {
			bool doubled = f->pos + 1 < f->len && f->buf[f->pos + 1] == c;

			f->pos += doubled ? 2 : 1;
			end_command(f);
			f->conditional_next = doubled;
		} else if (c == '<' || c == '>') {
			/* A redirection: its target is not an argument, and digits
			 * right before it are a descriptor number. */
			if (f->nwords > 0 && f->words[f->nwords - 1].end == f->pos &&
			    !f->words[f->nwords - 1].quoted &&
			    strspn(text(&f->words[f->nwords - 1]), "0123456789") ==
				    f->words[f->nwords - 1].value.len)
				f->nwords--;
			while (f->pos < f->len && strchr("<>&|?", f->buf[f->pos]))
				f->pos++;
			while (f->pos < f->len && (f->buf[f->pos] == ' ' || f->buf[f->pos] == '\t'))
				f->pos++;
			if (f->pos < f->len && !is_sep(f->buf[f->pos]) && read_word(f, &f->scratch) != NULL)
				skip_to_next_line(f, f->pos < f->len ? f->pos : f->len);
		} else {
			size_t start = f->pos, line = f->line;
			struct fish_word *w = &f->words[f->nwords < FISH_WORDS_MAX - 1 ? f->nwords : FISH_WORDS_MAX - 1];
			const char *error = read_word(f, w);

			if (error) {
				env_list_diag(f->out, line, error);
				f->line = line;
				skip_to_next_line(f, start);
				continue;
			}
			if (f->nwords < FISH_WORDS_MAX - 1)
				f->nwords++;
		}
	}
	end_command(f);
	if (f->depth > 0 || f->overflow > 0)
		env_list_diag(f->out, f->line, "file ends inside an unclosed block");
}

int
fishenv_parse(const char *data, size_t len, const struct env_context *ctx, struct env_list *out)
{
	struct fish *f = calloc(1, sizeof(*f));
	size_t i;
	int rc;

	if (!f)
		return -ENOMEM;
	f->buf = env_clean_copy(data, len, 0, out, &f->len);
	if (!f->buf) {
		free(f);
		return -ENOMEM;
	}
	f->line = 1;
	f->ctx = ctx;
	f->out = out;
	f->first_item = out->count;
	for (i = 0; i < FISH_WORDS_MAX; i++)
		strbuf_init(&f->words[i].value, ENV_VALUE_MAX);
	strbuf_init(&f->scratch.value, ENV_VALUE_MAX);
	if (ctx && ctx->seed)
		note_rc(f, env_vars_copy(&f->vars, ctx->seed));

	tokenize(f);
	for (i = f->first_item; i < out->count; i++) {
		struct env_item *it = &out->items[i];

		if ((it->flags & ENV_IN_FUNCTION) && it->function && strlist_has(&f->called, it->function))
			it->flags |= ENV_FUNCTION_CALLED | ENV_CONDITIONAL;
	}

	rc = f->rc;
	if (rc == 0 && out->truncated)
		rc = -E2BIG;
	for (i = 0; i < FISH_WORDS_MAX; i++)
		strbuf_free(&f->words[i].value);
	strbuf_free(&f->scratch.value);
	for (i = 0; i < f->depth; i++)
		free(f->blocks[i].function);
	env_vars_free(&f->vars);
	strlist_free(&f->called);
	free(f->buf);
	free(f);
	return rc;
}
