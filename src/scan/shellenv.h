/*
 * shellenv: a static reader of the variable assignments in POSIX shell,
 * bash and zsh start-up files (/etc/profile, ~/.bashrc, ~/.zshenv, ...).
 *
 * It tokenises the file as sh(1) would, without running anything, and
 * reports every assignment (`X=v`, `export X=v`, `X=v; export X`,
 * `declare -x`, `typeset -x`, `readonly`, `local`, `X=v cmd`, `env X=v cmd`)
 * and every `source FILE` / `. FILE` line as struct env_item (envitem.h).
 * The text of `eval` with static arguments is read as shell too, up to
 * SHELL_EVAL_DEPTH nested evals.
 * Values are expanded where the file alone determines them. That covers
 * quotes and backslashes, and `$X` and `${X}` of variables set earlier in
 * the file or given by the context. It also covers `${X:-w}` and its
 * relatives, and `~` and `~user` at the start of a word or after ':' in an
 * assignment. Command
 * substitution, backticks, arithmetic, positional parameters and unknown
 * variables leave the value unresolved with a reason.
 *
 * Scope: assignments under if/case/loops or after && and || are
 * ENV_CONDITIONAL; those in a function body carry ENV_IN_FUNCTION and the
 * function name, plus ENV_FUNCTION_CALLED and ENV_CONDITIONAL when the
 * file calls that function outside any function, directly or through
 * other functions. Any word-like token of a command counts as a call, so
 * `PROMPT_COMMAND=f`, `trap f DEBUG` and `complete -F f` count too. Here-document bodies are
 * skipped. Return values are those listed in envitem.h.
 */
#ifndef SITEHOUND_SCAN_SHELLENV_H
#define SITEHOUND_SCAN_SHELLENV_H

#include <stddef.h>

#include "scan/envitem.h"

/* Words kept per simple command; the rest of a longer command is ignored. */
#define SHELL_WORDS_MAX 256
/* Nested compound commands (if, case, loops, braces, subshells) tracked.
 * Deeper blocks still count as conditional. */
#define SHELL_NESTING_MAX 64
/* Pending here-documents per line. */
#define SHELL_HEREDOCS_MAX 8

/*
 * Reads shell text data[0..len) and appends its assignments and source
 * lines to out. ctx may be NULL. line_base is added to every line number
 * (0 for a whole file; a crontab passes the line of the job).
 */
__attribute__((warn_unused_result))
int shellenv_parse(const char *data, size_t len, const struct env_context *ctx,
		   size_t line_base, struct env_list *out);

#endif
