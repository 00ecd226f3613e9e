/*
 * strlist: a growable list of owned NUL-terminated strings, in insertion
 * order, with a hash index so that membership tests stay cheap on long
 * lists. Initialise with STRLIST_INIT; strlist_free() releases the
 * strings, the index and the list. Adds return 0 or -ENOMEM.
 */
#ifndef SITEHOUND_CORE_STRLIST_H
#define SITEHOUND_CORE_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strmap.h"

struct strlist {
	char **items;
	size_t count;
	struct strmap index; /* item -> position */
};

#define STRLIST_INIT { NULL, 0, { NULL, 0, 0 } }

__attribute__((warn_unused_result))
int strlist_add(struct strlist *l, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

#endif
