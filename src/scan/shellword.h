/*
 * shellword: reading and static expansion of one shell word, for
 * shellenv.
 *
 * shell_read_word() reads the word at cur->pos the way sh(1) splits and
 * expands it, but without running anything. Quotes, backslashes,
 * parameter expansion from cur->vars and the context, `${X:-w}` and its
 * relatives, and tilde expansion are done. Command substitution,
 * arithmetic and unknown variables set the word's unresolved reason.
 * A leading unquoted NAME= or NAME+= marks the word as an assignment and
 * is left out of the value. The word's value is a strbuf the caller owns.
 */
#ifndef SITEHOUND_SCAN_SHELLWORD_H
#define SITEHOUND_SCAN_SHELLWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"
#include "scan/envitem.h"

/* The input and the variables a word's expansion reads. */
struct shell_cursor {
	const char *s;
	size_t len, pos;
	const struct env_context *ctx;
	struct env_vars vars;   /* variables set so far in the file */
	int rc;                 /* -ENOMEM once memory ran out */
};

struct shell_word {
	size_t start, end;      /* raw bytes in the input */
	size_t line;            /* set by the caller */
	struct strbuf value;    /* after '=' for an assignment */
	const char *unresolved;
	bool quoted;
	bool assignment;
	bool append;            /* NAME+=value */
	bool appends_self;
	size_t name_len;
};

/*
 * Reads the word at cur->pos into w and moves past it. Returns NULL, or a
 * static message for malformed input (an unbalanced quote or bracket),
 * after which cur->pos is unspecified.
 */
const char *shell_read_word(struct shell_cursor *cur, struct shell_word *w);

/* Returns the expanded text of w ("" when empty). */
const char *shell_word_text(const struct shell_word *w);

bool shell_is_blank(char c);
/* True for the bytes that end an unquoted word: blanks, newline, ;&|()<>. */
bool shell_is_meta(char c);

#endif
