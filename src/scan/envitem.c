#include "scan/envitem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static const char *const python_vars[] = {
	"PYTHONSTARTUP",   "PYTHONPATH",          "PYTHONHOME",       "PYTHONUSERBASE",
	"PYTHONWARNINGS",  "PYTHONINSPECT",       "PYTHONPYCACHEPREFIX",
	"PYTHONEXECUTABLE", "PYTHONBREAKPOINT",   "PYTHON_FROZEN_MODULES",
};

void
env_list_init(struct env_list *list)
{
	memset(list, 0, sizeof(*list));
}

static void
item_free(struct env_item *item)
{
	free(item->name);
	free(item->raw);
	free(item->value);
	free(item->function);
}

void
env_list_free(struct env_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		item_free(&list->items[i]);
	free(list->items);
	env_list_init(list);
}

static int
copy_string(char **to, const char *from)
{
	*to = NULL;
	if (!from)
		return 0;
	*to = strdup(from);
	return *to ? 0 : -ENOMEM;
}

int
env_list_add(struct env_list *list, const struct env_item_in *in)
{
	struct env_item *slot;
	const char *value, *reason;

	if (list->count >= ENV_ITEMS_MAX) {
		list->truncated = true;
		return -E2BIG;
	}
	if (list->count == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 16;
		struct env_item *grown;

		if (ncap > ENV_ITEMS_MAX)
			ncap = ENV_ITEMS_MAX;
		grown = realloc(list->items, ncap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		list->items = grown;
		list->cap = ncap;
	}

	slot = &list->items[list->count];
	memset(slot, 0, sizeof(*slot));
	slot->kind = in->kind;
	slot->line = in->line;
	slot->flags = in->flags;
	value = in->value;
	reason = in->unresolved;
	if (value && strlen(value) > ENV_TOTAL_MAX - list->bytes) {
		value = NULL;
		reason = "values of this file passed the 16 MiB total cap";
	}
	if (copy_string(&slot->name, in->name) < 0 || copy_string(&slot->raw, in->raw) < 0 ||
	    copy_string(&slot->value, value) < 0 ||
	    copy_string(&slot->function, in->function) < 0) {
		item_free(slot);
		return -ENOMEM;
	}
	if (value)
		list->bytes += strlen(value);
	else
		slot->unresolved = reason ? reason : "value not resolved";
	list->count++;
	return 0;
}

void
env_list_diag(struct env_list *list, size_t line, const char *message)
{
	if (list->ndiags < ENV_DIAGS_MAX) {
		list->diags[list->ndiags].line = line;
		list->diags[list->ndiags].message = message;
	}
	list->ndiags++;
}

bool
env_is_python_var(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(python_vars) / sizeof(python_vars[0]); i++) {
		if (strlen(python_vars[i]) == len && memcmp(python_vars[i], name, len) == 0)
			return true;
	}
	return false;
}

bool
env_is_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

const char *
env_scope_text(unsigned flags)
{
	if (flags & ENV_IN_FUNCTION) {
		if (flags & ENV_FUNCTION_CALLED)
			return "inside a function that the file calls";
		return "inside a function that the file never calls";
	}
	if (flags & ENV_COMMAND_SCOPED)
		return "for one command only";
	if (flags & ENV_SUBSHELL)
		return "in a subshell";
	if (flags & ENV_CONDITIONAL)
		return "conditional";
	return "top level";
}

struct env_var *
env_vars_find(const struct env_vars *vars, const char *name, size_t len)
{
	size_t i;

	if (!vars)
		return NULL;
	for (i = vars->count; i-- > 0;) {
		struct env_var *v = &vars->items[i];

		if (strlen(v->name) == len && memcmp(v->name, name, len) == 0)
			return v;
	}
	return NULL;
}

int
env_vars_set(struct env_vars *vars, const char *name, const char *value, const char *reason)
{
	struct env_var *v = env_vars_find(vars, name, strlen(name));
	size_t old = v && v->value ? strlen(v->value) : 0;
	char *copy = NULL;

	if (value && strlen(value) > ENV_TOTAL_MAX - (vars->bytes - old)) {
		value = NULL;
		reason = "variable values of this file passed the 16 MiB total cap";
	}
	if (value) {
		copy = strdup(value);
		if (!copy)
			return -ENOMEM;
	}
	if (v) {
		free(v->value);
		vars->bytes -= old;
		vars->bytes += value ? strlen(value) : 0;
		v->value = copy;
		v->reason = value ? NULL : (reason ? reason : "value not resolved");
		return 0;
	}
	if (vars->count >= ENV_VARS_MAX) {
		free(copy);
		return -E2BIG;
	}

	v = realloc(vars->items, (vars->count + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	vars->items = v;
	v = &vars->items[vars->count];
	v->name = strdup(name);
	if (!v->name) {
		free(copy);
		return -ENOMEM;
	}
	v->value = copy;
	v->reason = value ? NULL : (reason ? reason : "value not resolved");
	v->exported = false;
	vars->bytes += value ? strlen(value) : 0;
	vars->count++;
	return 0;
}

int
env_vars_copy(struct env_vars *to, const struct env_vars *from)
{
	size_t i;
	int rc;

	if (!from)
		return 0;
	for (i = 0; i < from->count; i++) {
		const struct env_var *v = &from->items[i];

		rc = env_vars_set(to, v->name, v->value, v->reason);
		if (rc < 0)
			return rc;
		env_vars_find(to, v->name, strlen(v->name))->exported = v->exported;
	}
	return 0;
}

void
env_vars_free(struct env_vars *vars)
{
	size_t i;

	for (i = 0; i < vars->count; i++) {
		free(vars->items[i].name);
		free(vars->items[i].value);
	}
	free(vars->items);
	vars->items = NULL;
	vars->count = 0;
	vars->bytes = 0;
}

char *
env_clean_copy(const char *data, size_t len, size_t line_base, struct env_list *out, size_t *out_len)
{
	char *copy = malloc(len + 1);
	size_t pos = 0, n = 0, line = 1 + line_base;

	if (!copy)
		return NULL;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t linelen = nl ? (size_t)(nl - (data + pos)) : len - pos;
		const char *p = data + pos;

		if (linelen > ENV_LINE_MAX) {
			env_list_diag(out, line, "line longer than 64 KiB; line skipped");
		} else {
			size_t i;
			bool nul = false;

			if (utf8_first_invalid((const uint8_t *)p, linelen) != linelen)
				env_list_diag(out, line, "line is not valid UTF-8; read as bytes");
			for (i = 0; i < linelen; i++) {
				if (p[i] == '\0')
					nul = true;
				else
					copy[n++] = p[i];
			}
			if (nul)
				env_list_diag(out, line, "line contains NUL bytes; read without them");
		}
		if (nl)
			copy[n++] = '\n';
		pos += linelen + (nl ? 1 : 0);
		line++;
	}
	copy[n] = '\0';
	*out_len = n;
	return copy;
}
