#include "scan/shellenv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/strlist.h"
#include "scan/shellword.h"

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
/* Nested `eval` levels read; deeper ones are not read. */
#define SHELL_EVAL_DEPTH 4
/* Maximum length of a word-like token recorded as a possible function call. */
#define SHELL_TOKEN_MAX 256



struct shell {
	char *buf;              /* the sanitized copy of the input */
	struct shell_cursor cur;
	size_t line_pos, line; /* line counter cache: line number at line_pos */
	size_t line_base;
	struct env_list *out;
	size_t first_item;
	struct strlist called;  /* command names run outside any function */
	struct strlist exported_unset; /* `export X` before the file sets X */
	struct call *calls;     /* command names run inside a function */
	size_t ncalls;

	struct frame frames[SHELL_NESTING_MAX];
	size_t depth, overflow;
	enum mode mode;
	char *pending_function;

	struct shell_word words[SHELL_WORDS_MAX];
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
	int eval_depth;          /* evals around this text */
};

static size_t
line_at(struct shell *sh, size_t pos)
{
	if (pos < sh->line_pos) {
		sh->line_pos = 0;
		sh->line = 1;
	}
	for (; sh->line_pos < pos && sh->line_pos < sh->cur.len; sh->line_pos++) {
		if (sh->cur.s[sh->line_pos] == '\n')
			sh->line++;
	}
	return sh->line + sh->line_base;
}

static void
note_rc(struct shell *sh, int rc)
{
	if (rc < 0 && sh->cur.rc == 0)
		sh->cur.rc = rc;
}

/* True when w is the unquoted, fully known word text. */
static bool
word_is(const struct shell_word *w, const char *text)
{
	return !w->quoted && !w->unresolved && !w->assignment && strcmp(shell_word_text(w), text) == 0;
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
assign(struct shell *sh, const struct shell_word *w, unsigned flags, bool exported)
{
	struct env_item_in item = { ENV_ASSIGN, sh->words[0].line, NULL, NULL, NULL, NULL, NULL,
				    flags };
	size_t raw_start = w->start + w->name_len + (w->append ? 2 : 1);
	char *name = strndup(sh->cur.s + w->start, w->name_len);
	char *raw = strndup(sh->cur.s + raw_start, w->end - raw_start);
	struct strbuf joined;
	struct env_var *var;

	strbuf_init(&joined, ENV_VALUE_MAX);
	if (!name || !raw) {
		note_rc(sh, -ENOMEM);
		goto out;
	}
	var = env_vars_find(&sh->cur.vars, name, w->name_len);
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
			if (strbuf_puts(&joined, var->value) < 0 || strbuf_puts(&joined, shell_word_text(w)) < 0)
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
		item.value = shell_word_text(w);
	}
	add_item(sh, &item);

	if (!(flags & ENV_COMMAND_SCOPED)) {
		note_rc(sh, env_vars_set(&sh->cur.vars, name, item.value, item.unresolved));
		var = env_vars_find(&sh->cur.vars, name, w->name_len);
		if (var && exported)
			var->exported = true;
	}
out:
	strbuf_free(&joined);
	free(name);
	free(raw);
}

/*
 * Records a declaration argument whose quoting hides the NAME= from the
 * lexer, as in export "NAME=value" or export NAME\=value: bash removes the
 * quotes first, so the word still assigns. text is the word after quote
 * removal and expansion.
 */
static void
assign_expanded(struct shell *sh, const struct shell_word *w, const char *text, unsigned flags,
		bool exported)
{
	struct env_item_in item = { ENV_ASSIGN, sh->words[0].line, NULL, NULL, NULL, NULL, NULL,
				    flags };
	const char *eq = strchr(text, '=');
	char *name = eq ? strndup(text, (size_t)(eq - text)) : NULL;
	char *raw = strndup(sh->cur.s + w->start, w->end - w->start);
	struct env_var *var;

	if (!name || !raw) {
		note_rc(sh, eq ? -ENOMEM : 0);
		goto out;
	}
	var = env_vars_find(&sh->cur.vars, name, strlen(name));
	if ((var && var->exported) || sh->allexport)
		exported = true;
	if (exported)
		item.flags |= ENV_EXPORTED;
	item.name = name;
	item.raw = raw;
	item.value = eq + 1;
	add_item(sh, &item);
	note_rc(sh, env_vars_set(&sh->cur.vars, name, item.value, NULL));
	var = env_vars_find(&sh->cur.vars, name, strlen(name));
	if (var && exported)
		var->exported = true;
out:
	free(name);
	free(raw);
}

/* `export NAME`: earlier assignments of NAME in this file now reach children. */
static void
mark_exported(struct shell *sh, const char *name, bool exported)
{
	struct env_var *var = env_vars_find(&sh->cur.vars, name, strlen(name));
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
run_declare(struct shell *sh, const char *builtin, struct shell_word *args, size_t n, unsigned flags)
{
	bool is_export = strcmp(builtin, "export") == 0;
	bool exported = is_export, unexport = false, global = false;
	size_t i = 0;

	for (; i < n && !args[i].assignment && !args[i].quoted; i++) {
		const char *opt = shell_word_text(&args[i]);

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
		struct shell_word *w = &args[i];

		if (w->assignment) {
			assign(sh, w, flags, exported && !unexport);
			if (unexport)
				mark_exported(sh, shell_word_text(w), false);
		} else if (!w->unresolved && env_is_name(shell_word_text(w), w->value.len)) {
			if (exported || unexport)
				mark_exported(sh, shell_word_text(w), exported && !unexport);
		} else if (!w->unresolved && strchr(shell_word_text(w), '=') &&
			   env_is_name(shell_word_text(w),
				       (size_t)(strchr(shell_word_text(w), '=') - shell_word_text(w)))) {
			assign_expanded(sh, w, shell_word_text(w), flags, exported && !unexport);
		}
	}
}

static void
run_source(struct shell *sh, const char *builtin, const struct shell_word *w, unsigned flags)
{
	struct env_item_in item = { ENV_SOURCE, sh->words[0].line, builtin, NULL, NULL, w->unresolved,
				    NULL, flags };
	char *raw = strndup(sh->cur.s + w->start, w->end - w->start);

	if (!raw) {
		note_rc(sh, -ENOMEM);
		return;
	}
	item.raw = raw;
	if (!w->unresolved)
		item.value = shell_word_text(w);
	add_item(sh, &item);
	free(raw);
}

static void
run_set(struct shell *sh, struct shell_word *args, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *opt = shell_word_text(&args[i]);

		if ((opt[0] == '-' || opt[0] == '+') && opt[1] != '-' && opt[1] != 'o' && strchr(opt, 'a'))
			sh->allexport = opt[0] == '-';
		if ((strcmp(opt, "-o") == 0 || strcmp(opt, "+o") == 0) && i + 1 < n &&
		    strcmp(shell_word_text(&args[i + 1]), "allexport") == 0)
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
		const char *p = sh->cur.s + sh->words[k].start;
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

static void run_eval(struct shell *sh, struct shell_word *args, size_t n, unsigned flags);

/* Runs the collected simple command statically. next_op ends it. */
static void
run_command(struct shell *sh, const char *next_op)
{
	struct shell_word *w = sh->words;
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

	cmd = w[i].unresolved ? NULL : shell_word_text(&w[i]);
	/* `builtin export ...` and `command export ...` run the same builtin. */
	while (cmd && i == 0 && i + 1 < n && !w[i + 1].unresolved &&
	       (strcmp(cmd, "builtin") == 0 || strcmp(cmd, "command") == 0) &&
	       shell_word_text(&w[i + 1])[0] != '-') {
		w++;
		n--;
		cmd = shell_word_text(&w[0]);
	}
	if (i > 0 && cmd && (strcmp(cmd, "export") == 0 || strcmp(cmd, "declare") == 0 ||
			     strcmp(cmd, "typeset") == 0 || strcmp(cmd, "readonly") == 0)) {
		/* In bash, x=1 export Y=2 still runs the builtin, which sets Y for good. */
		size_t k;

		for (k = 0; k < i; k++)
			assign(sh, &w[k], flags | ENV_COMMAND_SCOPED, true);
		run_declare(sh, cmd, w + i + 1, n - i - 1, flags);
		return;
	}
	if (i > 0 || (cmd && strcmp(cmd, "env") == 0)) {
		size_t k;

		for (k = 0; k < i; k++)
			assign(sh, &w[k], flags | ENV_COMMAND_SCOPED, true);
		if (cmd && strcmp(cmd, "env") == 0) {
			for (k = i + 1; k < n && !w[k].assignment; k++) {
				const char *opt = shell_word_text(&w[k]);

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
			if (!w[k].unresolved && env_is_name(shell_word_text(&w[k]), w[k].value.len))
				note_rc(sh, env_vars_set(&sh->cur.vars, shell_word_text(&w[k]), "", NULL));
		}
	} else if (strcmp(cmd, "set") == 0) {
		run_set(sh, w + i + 1, n - i - 1);
	} else if (strcmp(cmd, "eval") == 0) {
		run_eval(sh, w + i + 1, n - i - 1, flags);
	}
}

static void
push_frame(struct shell *sh, enum frame_kind kind)
{
	if (sh->depth >= SHELL_NESTING_MAX) {
		if (sh->overflow == 0)
			env_list_diag(sh->out, line_at(sh, sh->cur.pos), "blocks nested deeper than 64 levels; inner ones treated as conditional");
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
reserved_word(struct shell *sh, const struct shell_word *w)
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
	struct shell_word *w;

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
		set_pending_function(sh, shell_word_text(w));
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

		while (sh->cur.pos < sh->cur.len && !found) {
			const char *line = sh->cur.s + sh->cur.pos;
			const char *nl = memchr(line, '\n', sh->cur.len - sh->cur.pos);
			size_t n = nl ? (size_t)(nl - line) : sh->cur.len - sh->cur.pos;
			size_t skip = 0;

			if (sh->heredoc_tabs[k]) {
				while (skip < n && line[skip] == '\t')
					skip++;
			}
			found = n - skip == dlen && memcmp(line + skip, delim, dlen) == 0;
			sh->cur.pos += n + (nl ? 1 : 0);
		}
		if (!found)
			env_list_diag(sh->out, line_at(sh, sh->cur.pos), "here-document without its closing delimiter");
		free(sh->heredocs[k]);
		sh->heredocs[k] = NULL;
	}
	sh->nheredocs = 0;
}

static void
take_heredoc_delimiter(struct shell *sh, const struct shell_word *w)
{
	if (sh->nheredocs >= SHELL_HEREDOCS_MAX) {
		env_list_diag(sh->out, w->line, "more than 8 here-documents on one line; later bodies are read as commands");
		return;
	}
	sh->heredocs[sh->nheredocs] = strdup(shell_word_text(w));
	if (!sh->heredocs[sh->nheredocs]) {
		note_rc(sh, -ENOMEM);
		return;
	}
	sh->heredoc_tabs[sh->nheredocs] = sh->heredoc_strip_tabs;
	sh->nheredocs++;
}

/* Reads an operator at sh->cur.pos into op (at most 3 bytes). */
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

		if (sh->cur.len - sh->cur.pos >= n && memcmp(sh->cur.s + sh->cur.pos, ops[i], n) == 0) {
			memcpy(op, ops[i], n + 1);
			sh->cur.pos += n;
			return;
		}
	}
	op[0] = sh->cur.s[sh->cur.pos++];
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
			struct shell_word *last = &sh->words[sh->nwords - 1];
			const char *t = shell_word_text(last);

			if (last->end == sh->cur.pos - strlen(op) && !last->quoted && t[0] &&
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
		    sh->cur.pos < sh->cur.len) {
			size_t p = sh->cur.pos;

			while (p < sh->cur.len && shell_is_blank(sh->cur.s[p]))
				p++;
			if (p < sh->cur.len && sh->cur.s[p] == ')') {
				sh->cur.pos = p + 1;
				set_pending_function(sh, shell_word_text(&sh->words[0]));
				sh->nwords = 0;
				return;
			}
		}
		if (sh->nwords == 0 && sh->pending_function) {
			size_t p = sh->cur.pos;

			while (p < sh->cur.len && shell_is_blank(sh->cur.s[p]))
				p++;
			if (p < sh->cur.len && sh->cur.s[p] == ')') {
				sh->cur.pos = p + 1;
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
		pop_frame(sh, FRAME_SUBSHELL, line_at(sh, sh->cur.pos));
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
	const char *nl = memchr(sh->cur.s + start, '\n', sh->cur.len - start);

	sh->nwords = 0;
	sh->words_dropped = false;
	sh->redirect_target = false;
	sh->cur.pos = nl ? (size_t)(nl - sh->cur.s) + 1 : sh->cur.len;
	sh->line_pos = sh->cur.pos;
	sh->line = start_line - sh->line_base + (nl ? 1 : 0);
	set_last_op(sh, ";");
}

static void
tokenize(struct shell *sh)
{
	while (sh->cur.pos < sh->cur.len && sh->cur.rc != -ENOMEM) {
		char c = sh->cur.s[sh->cur.pos];

		if (shell_is_blank(c)) {
			sh->cur.pos++;
		} else if (c == '\\' && sh->cur.pos + 1 < sh->cur.len && sh->cur.s[sh->cur.pos + 1] == '\n') {
			sh->cur.pos += 2;
		} else if (c == '#') {
			const char *nl = memchr(sh->cur.s + sh->cur.pos, '\n', sh->cur.len - sh->cur.pos);

			sh->cur.pos = nl ? (size_t)(nl - sh->cur.s) : sh->cur.len;
		} else if (c == '\n') {
			sh->cur.pos++;
			sh->redirect_target = false;
			if (sh->nwords > 0 || (strcmp(sh->last_op, "&&") != 0 &&
					       strcmp(sh->last_op, "||") != 0 &&
					       strcmp(sh->last_op, "|") != 0))
				end_command(sh, ";");
			if (sh->nheredocs > 0)
				skip_heredocs(sh);
		} else if (shell_is_meta(c)) {
			char op[4];

			read_operator(sh, op);
			take_operator(sh, op);
		} else {
			struct shell_word *w = &sh->words[sh->nwords < SHELL_WORDS_MAX ? sh->nwords : SHELL_WORDS_MAX - 1];
			size_t start = sh->cur.pos, start_line = line_at(sh, sh->cur.pos);
			const char *error;

			if (sh->nwords >= SHELL_WORDS_MAX) {
				/* Read the word only to move past it. */
				struct shell_word scratch;

				memset(&scratch, 0, sizeof(scratch));
				strbuf_init(&scratch.value, ENV_VALUE_MAX);
				error = shell_read_word(&sh->cur, &scratch);
				strbuf_free(&scratch.value);
				sh->words_dropped = true;
			} else {
				error = shell_read_word(&sh->cur, w);
				w->line = start_line;
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
		env_list_diag(sh->out, line_at(sh, sh->cur.len), "file ends inside an unclosed block");
}

/* Marks items in functions the file calls, directly or through other
 * called functions, as conditional on that call. */
static void
resolve_function_calls(struct shell *sh)
{
	bool grew = true;
	size_t i;

	while (grew && sh->cur.rc != -ENOMEM) {
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

static int parse_nested(const char *data, size_t len, const struct env_context *ctx,
			size_t line_base, struct env_list *out, int eval_depth);

/*
 * Reads `eval ARGS` when every argument is static text: the joined text is
 * read as shell at the same line, and its items take the scope of the
 * eval command.
 */
static void
run_eval(struct shell *sh, struct shell_word *args, size_t n, unsigned flags)
{
	struct env_context sub = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct strbuf text;
	size_t k, first = sh->out->count, first_diag = sh->out->ndiags;
	const char *function = outer_function(sh);

	if (sh->eval_depth >= SHELL_EVAL_DEPTH || n == 0)
		return;
	for (k = 0; k < n; k++) {
		if (args[k].unresolved)
			return;
	}
	strbuf_init(&text, ENV_LINE_MAX);
	for (k = 0; k < n; k++) {
		const struct shell_word *w = &args[k];
		/* An assignment word keeps its NAME= or NAME+= outside the value. */
		size_t prefix = w->assignment ? w->name_len + (w->append ? 2 : 1) : 0;

		if ((k > 0 && strbuf_putc(&text, ' ') < 0) ||
		    strbuf_append(&text, sh->cur.s + w->start, prefix) < 0 ||
		    strbuf_puts(&text, shell_word_text(w)) < 0) {
			env_list_diag(sh->out, sh->words[0].line, "eval text longer than 64 KiB; not read");
			strbuf_free(&text);
			return;
		}
	}
	if (sh->cur.ctx)
		sub = *sh->cur.ctx;
	sub.seed = &sh->cur.vars;
	note_rc(sh, parse_nested(text.data ? text.data : "", text.len, &sub, sh->words[0].line - 1,
				 sh->out, sh->eval_depth + 1));
	strbuf_free(&text);

	/* Everything the eval text sets is reported at the eval's line,
	 * because a value spliced into the text may add lines of its own. */
	for (k = first_diag; k < sh->out->ndiags && k < ENV_DIAGS_MAX; k++)
		sh->out->diags[k].line = sh->words[0].line;
	for (k = first; k < sh->out->count; k++) {
		struct env_item *it = &sh->out->items[k];

		it->line = sh->words[0].line;
		it->flags |= flags;
		if ((flags & ENV_IN_FUNCTION) && !it->function && function) {
			it->function = strdup(function);
			if (!it->function)
				note_rc(sh, -ENOMEM);
		}
	}
}

int
shellenv_parse(const char *data, size_t len, const struct env_context *ctx, size_t line_base,
	       struct env_list *out)
{
	return parse_nested(data, len, ctx, line_base, out, 0);
}

static int
parse_nested(const char *data, size_t len, const struct env_context *ctx, size_t line_base,
	     struct env_list *out, int eval_depth)
{
	struct shell *sh = calloc(1, sizeof(*sh));
	size_t i;
	int rc;

	if (!sh)
		return -ENOMEM;
	sh->buf = env_clean_copy(data, len, line_base, out, &sh->cur.len);
	sh->cur.s = sh->buf;
	if (!sh->buf) {
		free(sh);
		return -ENOMEM;
	}
	sh->line = 1;
	sh->eval_depth = eval_depth;
	sh->line_base = line_base;
	sh->cur.ctx = ctx;
	sh->out = out;
	sh->first_item = out->count;
	sh->mode = MODE_COMMAND;
	set_last_op(sh, ";");
	for (i = 0; i < SHELL_WORDS_MAX; i++)
		strbuf_init(&sh->words[i].value, ENV_VALUE_MAX);
	if (ctx && ctx->seed)
		note_rc(sh, env_vars_copy(&sh->cur.vars, ctx->seed));

	tokenize(sh);
	resolve_function_calls(sh);

	rc = sh->cur.rc;
	if (rc == 0 && out->truncated)
		rc = -E2BIG;
	for (i = 0; i < SHELL_WORDS_MAX; i++)
		strbuf_free(&sh->words[i].value);
	for (i = 0; i < sh->depth; i++)
		free(sh->frames[i].function);
	for (i = 0; i < sh->nheredocs; i++)
		free(sh->heredocs[i]);
	free(sh->pending_function);
	env_vars_free(&sh->cur.vars);
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
