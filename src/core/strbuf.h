/*
 * strbuf: a growable byte buffer with a hard maximum size.
 *
 * The buffer owns its storage; strbuf_free() releases it. Contents are kept
 * NUL-terminated so callers may treat text as a C string, but lengths are
 * always explicit and the contents may hold NUL bytes.
 * Appends fail with -E2BIG past the maximum and -ENOMEM when allocation
 * fails; the buffer is unchanged on failure.
 */
#ifndef SITEHOUND_CORE_STRBUF_H
#define SITEHOUND_CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* appends past this many bytes fail */
};

void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
__attribute__((warn_unused_result))
int strbuf_append(struct strbuf *sb, const void *data, size_t len);
__attribute__((warn_unused_result))
int strbuf_puts(struct strbuf *sb, const char *s);
__attribute__((warn_unused_result))
int strbuf_putc(struct strbuf *sb, char c);
__attribute__((warn_unused_result, format(printf, 2, 3)))
int strbuf_printf(struct strbuf *sb, const char *fmt, ...);
/* Hands the storage to the caller (free() it) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
