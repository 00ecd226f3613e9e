#include "core/strlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
strlist_add(struct strlist *l, const char *s)
{
	char **p;
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	p = realloc(l->items, (l->count + 1) * sizeof(*p));
	if (!p) {
		free(copy);
		return -ENOMEM;
	}
	l->items = p;
	if (strmap_put(&l->index, copy, l->count) < 0) {
		free(copy);
		return -ENOMEM;
	}
	l->items[l->count++] = copy;
	return 0;
}

bool
strlist_has(const struct strlist *l, const char *s)
{
	size_t position;

	return strmap_get(&l->index, s, &position);
}

void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	strmap_free(&l->index);
	l->items = NULL;
	l->count = 0;
}
