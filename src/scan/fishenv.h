/*
 * fishenv: a static reader of the variable assignments in fish start-up
 * files (config.fish and the .fish files in conf.d).
 *
 * It reports `set` with its scope and export options (`set -gx X v`,
 * `set -Ux`, `set --export --global`, `-a`/`-p` appends), `export X=v`,
 * `X=v cmd` and `env X=v cmd`, and `source FILE` / `. FILE`, as struct
 * env_item (envitem.h). Several values of one `set` are joined with ':'
 * for a variable whose name ends in PATH and with ' ' otherwise, as fish
 * 3 exports list variables. Quotes, backslash escapes, `$X`, `{$X}` and
 * `~` are expanded statically; command substitution, brace expansion,
 * wildcards, list indexes and unknown variables leave the value
 * unresolved. Blocks (if, while, for, switch, begin) make their contents
 * ENV_CONDITIONAL. Function bodies are handled as in shellenv.h, except
 * that a function counts as called when its name is a word anywhere in
 * the file outside its definition, or when it has an --on-* event option. Return values
 * are those listed in envitem.h.
 */
#ifndef SITEHOUND_SCAN_FISHENV_H
#define SITEHOUND_SCAN_FISHENV_H

#include <stddef.h>

#include "scan/envitem.h"

/* Words kept per command; the rest of a longer command is ignored. */
#define FISH_WORDS_MAX 256
/* Nested blocks tracked; deeper ones still count as conditional. */
#define FISH_NESTING_MAX 64

/* Reads fish text data[0..len) and appends its items to out. ctx may be NULL. */
__attribute__((warn_unused_result))
int fishenv_parse(const char *data, size_t len, const struct env_context *ctx,
		  struct env_list *out);

#endif
