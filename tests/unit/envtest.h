/*
 * Table-driven checks shared by the environment reader tests: each case
 * is one input and the item that the reader must (or must not) return
 * for a variable.
 */
#ifndef SITEHOUND_TESTS_ENVTEST_H
#define SITEHOUND_TESTS_ENVTEST_H

#include <stdio.h>
#include <string.h>

#include "scan/envitem.h"

/* value NULL means the item must be unresolved; absent means no item. */
struct env_case {
	const char *text;
	const char *name;
	const char *value;
	unsigned flags;  /* flags that must be set */
	unsigned clear;  /* flags that must not be set */
	size_t line;
	bool absent;
};

static inline const struct env_item *
env_find(const struct env_list *list, const char *name)
{
	const struct env_item *found = NULL;
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (list->items[i].name && strcmp(list->items[i].name, name) == 0)
			found = &list->items[i];
	}
	return found;
}

static inline bool
env_has_diag(const struct env_list *list, size_t line)
{
	size_t i;

	for (i = 0; i < list->ndiags && i < ENV_DIAGS_MAX; i++) {
		if (list->diags[i].line == line)
			return true;
	}
	return false;
}

/* Checks the last item named c->name; prints the case on failure. */
static inline void
env_check_case(const struct env_list *list, const struct env_case *c)
{
	const struct env_item *it = env_find(list, c->name);

	print_message("case: %s\n", c->text);
	if (c->absent) {
		assert_null(it);
		return;
	}
	assert_non_null(it);
	if (c->value) {
		assert_non_null(it->value);
		assert_string_equal(it->value, c->value);
		assert_null(it->unresolved);
	} else {
		assert_null(it->value);
		assert_non_null(it->unresolved);
	}
	assert_int_equal(it->flags & c->flags, c->flags);
	assert_int_equal(it->flags & c->clear, 0);
	if (c->line)
		assert_int_equal(it->line, c->line);
}

#endif
