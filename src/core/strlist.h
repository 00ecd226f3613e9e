/*
 * strlist: a growable list of owned NUL-terminated strings.
 * strlist_free() releases the strings and the list. Adds return 0 or
 * -ENOMEM.
 */
#ifndef SITEHOUND_CORE_STRLIST_H
#define SITEHOUND_CORE_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct strlist {
	char **items;
	size_t count;
};

__attribute__((warn_unused_result))
int strlist_add(struct strlist *l, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

#endif
