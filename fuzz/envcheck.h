/*
 * Checks shared by the environment reader fuzz targets: every result a
 * reader returns must be well formed, whatever the input.
 */
#ifndef SITEHOUND_FUZZ_ENVCHECK_H
#define SITEHOUND_FUZZ_ENVCHECK_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan/envitem.h"

/*
 * Aborts unless rc is a documented return and every item and diagnostic
 * has a line within the input (lines counted from 1), a name, raw text,
 * and either a value within ENV_VALUE_MAX or a reason.
 */
static inline void
env_fuzz_check(int rc, const struct env_list *list, const unsigned char *data, size_t size)
{
	size_t lines = 1, i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rc != 0 && rc != -E2BIG && rc != -ENOMEM)
		abort();
	if (list->count > ENV_ITEMS_MAX || (rc == -E2BIG && !list->truncated))
		abort();
	for (i = 0; i < list->count; i++) {
		const struct env_item *it = &list->items[i];

		if (it->line == 0 || it->line > lines || !it->name || !it->raw)
			abort();
		if ((it->value == NULL) == (it->unresolved == NULL))
			abort();
		if (it->value && strlen(it->value) > ENV_VALUE_MAX)
			abort();
		if ((it->flags & ENV_IN_FUNCTION) && !it->function)
			abort();
		if (it->kind == ENV_ASSIGN && !env_is_name(it->name, strlen(it->name)))
			abort();
	}
	for (i = 0; i < list->ndiags && i < ENV_DIAGS_MAX; i++) {
		if (list->diags[i].line == 0 || list->diags[i].line > lines || !list->diags[i].message)
			abort();
	}
}

#endif
