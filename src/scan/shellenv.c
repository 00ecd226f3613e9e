#include "scan/shellenv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/strlist.h"

enum frame_kind { FRAME_IF, FRAME_LOOP, FRAME_CASE, FRAME_BRACE, FRAME_SUBSHELL };

struct frame {
	enum frame_kind kind;
	char *function; /* set on the body of a function definition */
};

/* The parser state for words outside ordinary commands. */
enum mode {
	MODE_COMMAND,
	MODE_FOR_HEAD,     /* after `for`/`select`: words up to `do` are a list */
	MODE_CASE_HEAD,    /* after `case`: words up to `in` */
	MODE_CASE_PATTERN, /* patterns up to `)` */
	MODE_FUNCTION_NAME /* after the `function` keyword */
};

/* A command run inside a function body: reached when caller is. */
struct call {
	char *caller, *callee;
};

/* Calls from inside functions kept for the call graph. Past the cap a
 * callee counts as called from anywhere, so no function is wrongly
 * marked as never called. */
#define SHELL_CALLS_MAX 16384
/* Maximum length of a word-like token recorded as a possible function call. */
#define SHELL_TOKEN_MAX 256

struct word {
	size_t start, end;      /* raw bytes in the input */
	size_t line;
	struct strbuf value;    /* after '=' for an assignment */
	const char *unresolved;
	bool quoted;
	bool assignment;
	bool append;            /* NAME+=value */
	bool appends_self;
	size_t name_len;
};

struct shell {
	char *buf;              /* the sanitized copy of the input */
	const char *s;
	size_t len, pos;
	size_t line_pos, line; /* line counter cache: line number at line_pos */
	size_t line_base;
	const struct env_context *ctx;
	struct env_list *out;
	size_t first_item;
	struct env_vars vars;
	struct strlist called;  /* command names run outside any function */
	struct strlist exported_unset; /* `export X` before the file sets X */
	struct call *calls;     /* command names run inside a function */
	size_t ncalls;

	struct frame frames[SHELL_NESTING_MAX];
	size_t depth, overflow;
	enum mode mode;
	char *pending_function;

	struct word words[SHELL_WORDS_MAX];
	size_t nwords;
	bool words_dropped;
	bool redirect_target;    /* the next word is a redirection target */
	bool heredoc_target;
	bool heredoc_strip_tabs;
	char *heredocs[SHELL_HEREDOCS_MAX];
	bool heredoc_tabs[SHELL_HEREDOCS_MAX];
	size_t nheredocs;
	char last_op[4];         /* the operator before the current command */
	bool allexport;
	int rc;                  /* first -ENOMEM or -E2BIG */
};

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

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_meta(char c)
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

static size_t
line_at(struct shell *sh, size_t pos)
{
	if (pos < sh->line_pos) {
		sh->line_pos = 0;
		sh->line = 1;
	}
	for (; sh->line_pos < pos && sh->line_pos < sh->len; sh->line_pos++) {
		if (sh->s[sh->line_pos] == '\n')
			sh->line++;
	}
	return sh->line + sh->line_base;
}

static void
note_rc(struct shell *sh, int rc)
{
	if (rc < 0 && sh->rc == 0)
		sh->rc = rc;
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
skip_balanced(struct shell *sh, char open, char close)
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
lookup(struct shell *sh, struct expansion *ex, const char *name, size_t len, const char **value)
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

static void expand_until(struct shell *sh, struct expansion *ex, bool brace);

/* Expands ${...} with sh->pos just past the '{'. */
static void
expand_brace(struct shell *sh, struct expansion *ex)
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
					note_rc(sh, -ENOMEM);
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
expand_ansi_c(struct shell *sh, struct expansion *ex)
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
expand_dollar(struct shell *sh, struct expansion *ex, bool in_dquote)
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
expand_backtick(struct shell *sh, struct expansion *ex)
{
	sh->pos++;
	unresolve(ex, "command substitution `...`");
	if (!skip_balanced(sh, '`', '`'))
		ex->error = "unbalanced backquote in this line";
}

static void
expand_dquote(struct shell *sh, struct expansion *ex)
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
expand_tilde(struct shell *sh, struct expansion *ex)
{
	const struct env_context *ctx = sh->ctx;
	size_t end = sh->pos + 1;
	const char *home = NULL;

	while (end < sh->len && sh->s[end] != '/' && !is_meta(sh->s[end]) &&
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
expand_until(struct shell *sh, struct expansion *ex, bool brace)
{
	bool word_start = !brace;

	while (sh->pos < sh->len && !ex->error) {
		char c = sh->s[sh->pos];

		if (brace ? c == '}' : is_meta(c)) {
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

/* Reads one word at sh->pos into w. Returns an error message or NULL. */
static const char *
read_word(struct shell *sh, struct word *w)
{
	struct expansion ex = { &w->value, NULL, NULL, false, false, NULL, 0, false };
	bool append = false;
	size_t n;

	strbuf_reset(&w->value);
	w->start = sh->pos;
	w->line = line_at(sh, sh->pos);
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
			if (sh->pos < sh->len && !is_meta(sh->s[sh->pos]))
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

static const char *
word_text(const struct word *w)
{
	return w->value.data ? w->value.data : "";
}

/* True when w is the unquoted, fully known word text. */
static bool
word_is(const struct word *w, const char *text)
{
	return !w->quoted && !w->unresolved && !w->assignment && strcmp(word_text(w), text) == 0;
}

static const char *
outer_function(const struct shell *sh)
{
	size_t i;

	for (i = 0; i < sh->depth; i++) {
		if (sh->frames[i].function)
			return sh->frames[i].function;
	}
	return NULL;
}

/* Scope flags of a command, from the blocks around it and its operators. */
static unsigned
scope_flags(const struct shell *sh, const char *next_op)
{
	unsigned flags = 0;
	size_t i;

	for (i = 0; i < sh->depth; i++) {
		switch (sh->frames[i].kind) {
		case FRAME_IF:
		case FRAME_LOOP:
		case FRAME_CASE:
			flags |= ENV_CONDITIONAL;
			break;
		case FRAME_SUBSHELL:
			flags |= ENV_SUBSHELL;
			break;
		case FRAME_BRACE:
			break;
		}
		if (sh->frames[i].function)
			flags |= ENV_IN_FUNCTION;
	}
	if (sh->overflow > 0)
		flags |= ENV_CONDITIONAL;
	if (strcmp(sh->last_op, "&&") == 0 || strcmp(sh->last_op, "||") == 0)
		flags |= ENV_CONDITIONAL;
	if (strcmp(sh->last_op, "|") == 0 || strcmp(next_op, "|") == 0 || strcmp(next_op, "&") == 0)
		flags |= ENV_SUBSHELL;
	return flags;
}

static void
add_item(struct shell *sh, struct env_item_in *item)
{
	if (item->flags & ENV_IN_FUNCTION)
		item->function = outer_function(sh);
	note_rc(sh, env_list_add(sh->out, item));
}

/* Records an assignment word and updates the variables when it persists. */
static void
assign(struct shell *sh, const struct word *w, unsigned flags, bool exported)
{
	struct env_item_in item = { ENV_ASSIGN, sh->words[0].line, NULL, NULL, NULL, NULL, NULL,
				    flags };
	size_t raw_start = w->start + w->name_len + (w->append ? 2 : 1);
	char *name = strndup(sh->s + w->start, w->name_len);
	char *raw = strndup(sh->s + raw_start, w->end - raw_start);
	struct strbuf joined;
	struct env_var *var;

	strbuf_init(&joined, ENV_VALUE_MAX);
	if (!name || !raw) {
		note_rc(sh, -ENOMEM);
		goto out;
	}
	var = env_vars_find(&sh->vars, name, w->name_len);
	if ((var && var->exported) || (!var && strlist_has(&sh->exported_unset, name)))
		exported = true;
	if (sh->allexport)
		exported = true;
	if (exported)
		item.flags |= ENV_EXPORTED;
	if (w->appends_self)
		item.flags |= ENV_APPENDS_INHERITED;

	item.name = name;
	item.raw = raw;
	if (w->unresolved) {
		item.unresolved = w->unresolved;
	} else if (w->append) {
		if (var && var->value) {
			if (strbuf_puts(&joined, var->value) < 0 || strbuf_puts(&joined, word_text(w)) < 0)
				item.unresolved = "expanded value longer than the 128 KiB cap";
			else
				item.value = joined.data;
		} else {
			item.unresolved = var ? "appends to a variable whose value is unresolved"
					      : "appends to a variable that the file does not set";
			if (!var)
				item.flags |= ENV_APPENDS_INHERITED;
		}
	} else {
		item.value = word_text(w);
	}
	add_item(sh, &item);

	if (!(flags & ENV_COMMAND_SCOPED)) {
		note_rc(sh, env_vars_set(&sh->vars, name, item.value, item.unresolved));
		var = env_vars_find(&sh->vars, name, w->name_len);
		if (var && exported)
			var->exported = true;
	}
out:
	strbuf_free(&joined);
	free(name);
	free(raw);
}

/* `export NAME`: earlier assignments of NAME in this file now reach children. */
static void
mark_exported(struct shell *sh, const char *name, bool exported)
{
	struct env_var *var = env_vars_find(&sh->vars, name, strlen(name));
	size_t i;

	if (var)
		var->exported = exported;
	else if (exported)
		note_rc(sh, strlist_add(&sh->exported_unset, name));
	if (!exported)
		return;
	for (i = sh->first_item; i < sh->out->count; i++) {
		struct env_item *it = &sh->out->items[i];

		if (it->kind == ENV_ASSIGN && !(it->flags & ENV_COMMAND_SCOPED) &&
		    strcmp(it->name, name) == 0)
			it->flags |= ENV_EXPORTED;
	}
}

/* export, declare, typeset, local and readonly. */
static void
run_declare(struct shell *sh, const char *builtin, struct word *args, size_t n, unsigned flags)
{
	bool is_export = strcmp(builtin, "export") == 0;
	bool exported = is_export, unexport = false, global = false;
	size_t i = 0;

	for (; i < n && !args[i].assignment && !args[i].quoted; i++) {
		const char *opt = word_text(&args[i]);

		if (strcmp(opt, "--") == 0) {
			i++;
			break;
		}
		if (opt[0] != '-' && opt[0] != '+')
			break;
		if (strchr(opt, 'f') || strchr(opt, 'F') || strchr(opt, 'p'))
			return; /* functions or printing, no assignments */
		if (opt[0] == '-' && strchr(opt, 'x'))
			exported = true;
		if ((opt[0] == '+' && strchr(opt, 'x')) || (is_export && strchr(opt, 'n')))
			unexport = true;
		if (opt[0] == '-' && strchr(opt, 'g'))
			global = true;
	}
	if (strcmp(builtin, "local") == 0 ||
	    (!global && !is_export && strcmp(builtin, "readonly") != 0 && (flags & ENV_IN_FUNCTION)))
		flags |= ENV_LOCAL;

	for (; i < n; i++) {
		struct word *w = &args[i];

		if (w->assignment) {
			assign(sh, w, flags, exported && !unexport);
			if (unexport)
				mark_exported(sh, word_text(w), false);
		} else if (!w->unresolved && env_is_name(word_text(w), w->value.len)) {
			if (exported || unexport)
				mark_exported(sh, word_text(w), exported && !unexport);
		}
	}
}

static void
run_source(struct shell *sh, const char *builtin, const struct word *w, unsigned flags)
{
	struct env_item_in item = { ENV_SOURCE, sh->words[0].line, builtin, NULL, NULL, w->unresolved,
				    NULL, flags };
	char *raw = strndup(sh->s + w->start, w->end - w->start);

	if (!raw) {
		note_rc(sh, -ENOMEM);
		return;
	}
	item.raw = raw;
	if (!w->unresolved)
		item.value = word_text(w);
	add_item(sh, &item);
	free(raw);
}

static void
run_set(struct shell *sh, struct word *args, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *opt = word_text(&args[i]);

		if ((opt[0] == '-' || opt[0] == '+') && opt[1] != '-' && opt[1] != 'o' && strchr(opt, 'a'))
			sh->allexport = opt[0] == '-';
		if ((strcmp(opt, "-o") == 0 || strcmp(opt, "+o") == 0) && i + 1 < n &&
		    strcmp(word_text(&args[i + 1]), "allexport") == 0)
			sh->allexport = opt[0] == '-';
	}
}

static void
record_call(struct shell *sh, const char *cmd)
{
	const char *caller = outer_function(sh);
	struct call *grown;

	if (!caller) {
		if (!strlist_has(&sh->called, cmd))
			note_rc(sh, strlist_add(&sh->called, cmd));
		return;
	}
	if (sh->ncalls >= SHELL_CALLS_MAX) {
		if (!strlist_has(&sh->called, cmd))
			note_rc(sh, strlist_add(&sh->called, cmd));
		return;
	}
	grown = realloc(sh->calls, (sh->ncalls + 1) * sizeof(*grown));
	if (!grown) {
		note_rc(sh, -ENOMEM);
		return;
	}
	sh->calls = grown;
	grown[sh->ncalls].caller = strdup(caller);
	grown[sh->ncalls].callee = strdup(cmd);
	if (!grown[sh->ncalls].caller || !grown[sh->ncalls].callee) {
		free(grown[sh->ncalls].caller);
		free(grown[sh->ncalls].callee);
		note_rc(sh, -ENOMEM);
		return;
	}
	sh->ncalls++;
}

static bool
is_token_separator(char c)
{
	return strchr(" \t\n;|&()<>'\"`$={}\\", c) != NULL;
}

/*
 * Records every word-like token of the command as a possible call, so a
 * function run through PROMPT_COMMAND, trap or complete -F also counts
 * as called.
 */
static void
record_mentions(struct shell *sh)
{
	size_t k;

	for (k = 0; k < sh->nwords; k++) {
		const char *p = sh->s + sh->words[k].start;
		size_t n = sh->words[k].end - sh->words[k].start, i = 0;

		while (i < n) {
			size_t start;

			while (i < n && is_token_separator(p[i]))
				i++;
			start = i;
			while (i < n && !is_token_separator(p[i]))
				i++;
			if (i > start && i - start <= SHELL_TOKEN_MAX) {
				char *token = strndup(p + start, i - start);

				if (!token) {
					note_rc(sh, -ENOMEM);
					return;
				}
				record_call(sh, token);
				free(token);
			}
		}
	}
}

/* Runs the collected simple command statically. next_op ends it. */
static void
run_command(struct shell *sh, const char *next_op)
{
	struct word *w = sh->words;
	size_t n = sh->nwords, i = 0;
	unsigned flags;
	const char *cmd;

	if (n == 0)
		return;
	record_mentions(sh);
	flags = scope_flags(sh, next_op);
	while (i < n && w[i].assignment)
		i++;
	if (i == n) {
		for (i = 0; i < n; i++)
			assign(sh, &w[i], flags, false);
		return;
	}

	cmd = w[i].unresolved ? NULL : word_text(&w[i]);
	if (i > 0 || (cmd && strcmp(cmd, "env") == 0)) {
		size_t k;

		for (k = 0; k < i; k++)
			assign(sh, &w[k], flags | ENV_COMMAND_SCOPED, true);
		if (cmd && strcmp(cmd, "env") == 0) {
			for (k = i + 1; k < n && !w[k].assignment; k++) {
				const char *opt = word_text(&w[k]);

				if (opt[0] != '-')
					break;
				if (strcmp(opt, "-u") == 0)
					k++;
			}
			for (; k < n && w[k].assignment; k++)
				assign(sh, &w[k], flags | ENV_COMMAND_SCOPED, true);
		}
		return;
	}
	if (!cmd)
		return;

	if (strcmp(cmd, "export") == 0 || strcmp(cmd, "declare") == 0 ||
	    strcmp(cmd, "typeset") == 0 || strcmp(cmd, "local") == 0 ||
	    strcmp(cmd, "readonly") == 0) {
		run_declare(sh, cmd, w + i + 1, n - i - 1, flags);
	} else if ((strcmp(cmd, "source") == 0 || strcmp(cmd, ".") == 0) && i + 1 < n) {
		run_source(sh, cmd, &w[i + 1], flags);
	} else if (strcmp(cmd, "unset") == 0) {
		size_t k;

		for (k = i + 1; k < n; k++) {
			if (!w[k].unresolved && env_is_name(word_text(&w[k]), w[k].value.len))
				note_rc(sh, env_vars_set(&sh->vars, word_text(&w[k]), "", NULL));
		}
	} else if (strcmp(cmd, "set") == 0) {
		run_set(sh, w + i + 1, n - i - 1);
	}
}

static void
push_frame(struct shell *sh, enum frame_kind kind)
{
	if (sh->depth >= SHELL_NESTING_MAX) {
		if (sh->overflow == 0)
			env_list_diag(sh->out, line_at(sh, sh->pos), "blocks nested deeper than 64 levels; inner ones treated as conditional");
		sh->overflow++;
		return;
	}
	sh->frames[sh->depth].kind = kind;
	sh->frames[sh->depth].function = NULL;
	if (sh->pending_function && (kind == FRAME_BRACE || kind == FRAME_SUBSHELL ||
				     kind == FRAME_IF || kind == FRAME_LOOP || kind == FRAME_CASE)) {
		sh->frames[sh->depth].function = sh->pending_function;
		sh->pending_function = NULL;
	}
	sh->depth++;
}

static void
pop_frame(struct shell *sh, enum frame_kind kind, size_t line)
{
	if (sh->overflow > 0) {
		sh->overflow--;
		return;
	}
	if (sh->depth == 0 || sh->frames[sh->depth - 1].kind != kind) {
		env_list_diag(sh->out, line, "closing keyword without a matching opening one");
		if (sh->depth == 0)
			return;
	}
	sh->depth--;
	free(sh->frames[sh->depth].function);
	sh->frames[sh->depth].function = NULL;
}

/*
 * Handles a reserved word at the start of a command. Returns true when w
 * was one (and is not part of a command).
 */
static bool
reserved_word(struct shell *sh, const struct word *w)
{
	static const char *const openers[] = { "if", "while", "until" };
	size_t i;

	for (i = 0; i < sizeof(openers) / sizeof(openers[0]); i++) {
		if (word_is(w, openers[i])) {
			push_frame(sh, i == 0 ? FRAME_IF : FRAME_LOOP);
			return true;
		}
	}
	if (word_is(w, "for") || word_is(w, "select")) {
		push_frame(sh, FRAME_LOOP);
		sh->mode = MODE_FOR_HEAD;
		return true;
	}
	if (word_is(w, "case")) {
		push_frame(sh, FRAME_CASE);
		sh->mode = MODE_CASE_HEAD;
		return true;
	}
	if (word_is(w, "{")) {
		push_frame(sh, FRAME_BRACE);
		return true;
	}
	if (word_is(w, "fi")) {
		pop_frame(sh, FRAME_IF, w->line);
		return true;
	}
	if (word_is(w, "done")) {
		pop_frame(sh, FRAME_LOOP, w->line);
		return true;
	}
	if (word_is(w, "esac")) {
		pop_frame(sh, FRAME_CASE, w->line);
		return true;
	}
	if (word_is(w, "}")) {
		pop_frame(sh, FRAME_BRACE, w->line);
		return true;
	}
	if (word_is(w, "function")) {
		sh->mode = MODE_FUNCTION_NAME;
		return true;
	}
	return word_is(w, "then") || word_is(w, "else") || word_is(w, "elif") ||
	       word_is(w, "do") || word_is(w, "!");
}

static void
set_pending_function(struct shell *sh, const char *name)
{
	free(sh->pending_function);
	sh->pending_function = strdup(name);
	if (!sh->pending_function)
		note_rc(sh, -ENOMEM);
}

/* Handles a word token: a reserved word, part of a header, or a command word. */
static void
take_word(struct shell *sh)
{
	struct word *w;

	if (sh->nwords >= SHELL_WORDS_MAX) {
		sh->words_dropped = true;
		return;
	}
	w = &sh->words[sh->nwords];
	sh->nwords++;

	switch (sh->mode) {
	case MODE_FOR_HEAD:
		sh->nwords--;
		if (word_is(w, "do"))
			sh->mode = MODE_COMMAND;
		return;
	case MODE_CASE_HEAD:
		sh->nwords--;
		if (word_is(w, "in"))
			sh->mode = MODE_CASE_PATTERN;
		return;
	case MODE_CASE_PATTERN:
		sh->nwords--;
		if (word_is(w, "esac")) {
			pop_frame(sh, FRAME_CASE, w->line);
			sh->mode = MODE_COMMAND;
		}
		return;
	case MODE_FUNCTION_NAME:
		sh->nwords--;
		set_pending_function(sh, word_text(w));
		sh->mode = MODE_COMMAND;
		return;
	case MODE_COMMAND:
		break;
	}

	if (sh->nwords == 1 && reserved_word(sh, w)) {
		sh->nwords--;
		return;
	}
	if (sh->nwords == 1 && sh->pending_function && !word_is(w, "{")) {
		/* A function body that is one command: treat it as a brace body
		 * only for `{`; other forms keep the function unnamed. */
		free(sh->pending_function);
		sh->pending_function = NULL;
	}
}

static void
set_last_op(struct shell *sh, const char *op)
{
	size_t n = strnlen(op, sizeof(sh->last_op) - 1);

	memcpy(sh->last_op, op, n);
	sh->last_op[n] = '\0';
}

static void
end_command(struct shell *sh, const char *op)
{
	if (sh->words_dropped)
		env_list_diag(sh->out, sh->words[0].line, "command with more than 256 words; the rest ignored");
	run_command(sh, op);
	sh->nwords = 0;
	sh->words_dropped = false;
	set_last_op(sh, op);
}

/* Skips the bodies of the here-documents opened on the line just ended. */
static void
skip_heredocs(struct shell *sh)
{
	size_t k;

	for (k = 0; k < sh->nheredocs; k++) {
		const char *delim = sh->heredocs[k];
		size_t dlen = strlen(delim);
		bool found = false;

		while (sh->pos < sh->len && !found) {
			const char *line = sh->s + sh->pos;
			const char *nl = memchr(line, '\n', sh->len - sh->pos);
			size_t n = nl ? (size_t)(nl - line) : sh->len - sh->pos;
			size_t skip = 0;

			if (sh->heredoc_tabs[k]) {
				while (skip < n && line[skip] == '\t')
					skip++;
			}
			found = n - skip == dlen && memcmp(line + skip, delim, dlen) == 0;
			sh->pos += n + (nl ? 1 : 0);
		}
		if (!found)
			env_list_diag(sh->out, line_at(sh, sh->pos), "here-document without its closing delimiter");
		free(sh->heredocs[k]);
		sh->heredocs[k] = NULL;
	}
	sh->nheredocs = 0;
}

static void
take_heredoc_delimiter(struct shell *sh, const struct word *w)
{
	if (sh->nheredocs >= SHELL_HEREDOCS_MAX) {
		env_list_diag(sh->out, w->line, "more than 8 here-documents on one line; later bodies are read as commands");
		return;
	}
	sh->heredocs[sh->nheredocs] = strdup(word_text(w));
	if (!sh->heredocs[sh->nheredocs]) {
		note_rc(sh, -ENOMEM);
		return;
	}
	sh->heredoc_tabs[sh->nheredocs] = sh->heredoc_strip_tabs;
	sh->nheredocs++;
}

/* Reads an operator at sh->pos into op (at most 3 bytes). */
static void
read_operator(struct shell *sh, char op[4])
{
	static const char *const ops[] = {
		";;&", "<<-", "&>>", ";;", ";&", "&&", "||", "|&", "<<", ">>", "<&", ">&",
		"<>", ">|", "&>", ";", "&", "|", "(", ")", "<", ">",
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i]);

		if (sh->len - sh->pos >= n && memcmp(sh->s + sh->pos, ops[i], n) == 0) {
			memcpy(op, ops[i], n + 1);
			sh->pos += n;
			return;
		}
	}
	op[0] = sh->s[sh->pos++];
	op[1] = '\0';
}

static bool
is_redirect(const char *op)
{
	return op[0] == '<' || op[0] == '>' || strcmp(op, "&>") == 0 || strcmp(op, "&>>") == 0;
}

/* Handles an operator token. */
static void
take_operator(struct shell *sh, const char *op)
{
	if (is_redirect(op)) {
		/* Digits right before the operator are a descriptor number. */
		if (sh->nwords > 0) {
			struct word *last = &sh->words[sh->nwords - 1];
			const char *t = word_text(last);

			if (last->end == sh->pos - strlen(op) && !last->quoted && t[0] &&
			    strspn(t, "0123456789") == strlen(t))
				sh->nwords--;
		}
		sh->redirect_target = true;
		sh->heredoc_target = strcmp(op, "<<") == 0 || strcmp(op, "<<-") == 0;
		sh->heredoc_strip_tabs = strcmp(op, "<<-") == 0;
		return;
	}

	if (sh->mode == MODE_CASE_PATTERN) {
		if (strcmp(op, ")") == 0)
			sh->mode = MODE_COMMAND;
		return;
	}

	if (strcmp(op, "(") == 0) {
		if (sh->nwords == 1 && !sh->words[0].quoted && !sh->words[0].assignment &&
		    sh->pos < sh->len) {
			size_t p = sh->pos;

			while (p < sh->len && is_blank(sh->s[p]))
				p++;
			if (p < sh->len && sh->s[p] == ')') {
				sh->pos = p + 1;
				set_pending_function(sh, word_text(&sh->words[0]));
				sh->nwords = 0;
				return;
			}
		}
		if (sh->nwords == 0 && sh->pending_function) {
			size_t p = sh->pos;

			while (p < sh->len && is_blank(sh->s[p]))
				p++;
			if (p < sh->len && sh->s[p] == ')') {
				sh->pos = p + 1;
				return;
			}
		}
		if (sh->nwords == 0) {
			push_frame(sh, FRAME_SUBSHELL);
			return;
		}
		/* "(" inside a command (zsh glob qualifiers, bash arrays): ignored. */
		return;
	}
	if (strcmp(op, ")") == 0) {
		end_command(sh, ";");
		pop_frame(sh, FRAME_SUBSHELL, line_at(sh, sh->pos));
		return;
	}

	end_command(sh, op);
	if ((strcmp(op, ";;") == 0 || strcmp(op, ";&") == 0 || strcmp(op, ";;&") == 0) &&
	    sh->depth > 0 && sh->frames[sh->depth - 1].kind == FRAME_CASE)
		sh->mode = MODE_CASE_PATTERN;
}

/* Drops the command in progress and resumes at the line after the one
 * holding start, a position on line start_line. */
static void
recover(struct shell *sh, size_t start, size_t start_line)
{
	const char *nl = memchr(sh->s + start, '\n', sh->len - start);

	sh->nwords = 0;
	sh->words_dropped = false;
	sh->redirect_target = false;
	sh->pos = nl ? (size_t)(nl - sh->s) + 1 : sh->len;
	sh->line_pos = sh->pos;
	sh->line = start_line - sh->line_base + (nl ? 1 : 0);
	set_last_op(sh, ";");
}

static void
tokenize(struct shell *sh)
{
	while (sh->pos < sh->len && sh->rc != -ENOMEM) {
		char c = sh->s[sh->pos];

		if (is_blank(c)) {
			sh->pos++;
		} else if (c == '\\' && sh->pos + 1 < sh->len && sh->s[sh->pos + 1] == '\n') {
			sh->pos += 2;
		} else if (c == '#') {
			const char *nl = memchr(sh->s + sh->pos, '\n', sh->len - sh->pos);

			sh->pos = nl ? (size_t)(nl - sh->s) : sh->len;
		} else if (c == '\n') {
			sh->pos++;
			sh->redirect_target = false;
			if (sh->nwords > 0 || (strcmp(sh->last_op, "&&") != 0 &&
					       strcmp(sh->last_op, "||") != 0 &&
					       strcmp(sh->last_op, "|") != 0))
				end_command(sh, ";");
			if (sh->nheredocs > 0)
				skip_heredocs(sh);
		} else if (is_meta(c)) {
			char op[4];

			read_operator(sh, op);
			take_operator(sh, op);
		} else {
			struct word *w = &sh->words[sh->nwords < SHELL_WORDS_MAX ? sh->nwords : SHELL_WORDS_MAX - 1];
			size_t start = sh->pos, start_line = line_at(sh, sh->pos);
			const char *error;

			if (sh->nwords >= SHELL_WORDS_MAX) {
				/* Read the word only to move past it. */
				struct word scratch;

				memset(&scratch, 0, sizeof(scratch));
				strbuf_init(&scratch.value, ENV_VALUE_MAX);
				error = read_word(sh, &scratch);
				strbuf_free(&scratch.value);
				sh->words_dropped = true;
			} else {
				error = read_word(sh, w);
			}
			if (error) {
				env_list_diag(sh->out, start_line, error);
				if (strcmp(error, "out of memory") == 0) {
					note_rc(sh, -ENOMEM);
					return;
				}
				recover(sh, start, start_line);
				continue;
			}
			if (sh->nwords >= SHELL_WORDS_MAX)
				continue;
			if (sh->redirect_target) {
				sh->redirect_target = false;
				if (sh->heredoc_target)
					take_heredoc_delimiter(sh, w);
				continue;
			}
			take_word(sh);
		}
	}
	end_command(sh, ";");
	if (sh->depth > 0 || sh->overflow > 0)
		env_list_diag(sh->out, line_at(sh, sh->len), "file ends inside an unclosed block");
}

/* Marks items in functions the file calls, directly or through other
 * called functions, as conditional on that call. */
static void
resolve_function_calls(struct shell *sh)
{
	bool grew = true;
	size_t i;

	while (grew && sh->rc != -ENOMEM) {
		grew = false;
		for (i = 0; i < sh->ncalls; i++) {
			if (strlist_has(&sh->called, sh->calls[i].caller) &&
			    !strlist_has(&sh->called, sh->calls[i].callee)) {
				note_rc(sh, strlist_add(&sh->called, sh->calls[i].callee));
				grew = true;
			}
		}
	}

	for (i = sh->first_item; i < sh->out->count; i++) {
		struct env_item *it = &sh->out->items[i];

		if ((it->flags & ENV_IN_FUNCTION) && it->function &&
		    strlist_has(&sh->called, it->function))
			it->flags |= ENV_FUNCTION_CALLED | ENV_CONDITIONAL;
	}
}

int
shellenv_parse(const char *data, size_t len, const struct env_context *ctx, size_t line_base,
	       struct env_list *out)
{
	struct shell *sh = calloc(1, sizeof(*sh));
	size_t i;
	int rc;

	if (!sh)
		return -ENOMEM;
	sh->buf = env_clean_copy(data, len, line_base, out, &sh->len);
	sh->s = sh->buf;
	if (!sh->buf) {
		free(sh);
		return -ENOMEM;
	}
	sh->line = 1;
	sh->line_base = line_base;
	sh->ctx = ctx;
	sh->out = out;
	sh->first_item = out->count;
	sh->mode = MODE_COMMAND;
	set_last_op(sh, ";");
	for (i = 0; i < SHELL_WORDS_MAX; i++)
		strbuf_init(&sh->words[i].value, ENV_VALUE_MAX);
	if (ctx && ctx->seed)
		note_rc(sh, env_vars_copy(&sh->vars, ctx->seed));

	tokenize(sh);
	resolve_function_calls(sh);

	rc = sh->rc;
	if (rc == 0 && out->truncated)
		rc = -E2BIG;
	for (i = 0; i < SHELL_WORDS_MAX; i++)
		strbuf_free(&sh->words[i].value);
	for (i = 0; i < sh->depth; i++)
		free(sh->frames[i].function);
	for (i = 0; i < sh->nheredocs; i++)
		free(sh->heredocs[i]);
	free(sh->pending_function);
	env_vars_free(&sh->vars);
	strlist_free(&sh->called);
	strlist_free(&sh->exported_unset);
	for (i = 0; i < sh->ncalls; i++) {
		free(sh->calls[i].caller);
		free(sh->calls[i].callee);
	}
	free(sh->calls);
	free(sh->buf);
	free(sh);
	return rc;
}
