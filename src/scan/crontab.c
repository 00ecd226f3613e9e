#include "scan/crontab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "scan/shellenv.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Moves past one whitespace-separated field; returns false when none. */
static bool
skip_field(const char **p, const char *end)
{
	while (*p < end && is_space(**p))
		(*p)++;
	if (*p >= end)
		return false;
	while (*p < end && !is_space(**p))
		(*p)++;
	return true;
}

/*
 * Reads `NAME = value`. Returns false when the line is not an environment
 * line (it is then a job). The name may not contain spaces or '='.
 */
static bool
read_env_line(const char *p, const char *end, size_t line, struct env_vars *vars,
	      struct env_list *out, int *rc)
{
	const char *name = p, *name_end, *value;
	struct env_item_in item = { ENV_ASSIGN, line, NULL, NULL, NULL, NULL, NULL, ENV_EXPORTED };
	char *name_copy, *raw, *plain;
	size_t vlen;

	while (p < end && !is_space(*p) && *p != '=')
		p++;
	name_end = p;
	while (p < end && is_space(*p))
		p++;
	if (name_end == name || p >= end || *p != '=')
		return false;
	value = p + 1;
	while (value < end && is_space(*value))
		value++;
	while (end > value && is_space(end[-1]))
		end--;
	vlen = (size_t)(end - value);

	if (!env_is_name(name, (size_t)(name_end - name))) {
		env_list_diag(out, line, "environment line with a name that is not a variable name");
		return true;
	}
	name_copy = strndup(name, (size_t)(name_end - name));
	raw = strndup(value, vlen);
	if (vlen >= 2 && (value[0] == '"' || value[0] == '\'') && value[vlen - 1] == value[0])
		plain = strndup(value + 1, vlen - 2);
	else
		plain = strndup(value, vlen);
	if (!name_copy || !raw || !plain) {
		*rc = -ENOMEM;
	} else {
		item.name = name_copy;
		item.raw = raw;
		item.value = plain;
		*rc = env_list_add(out, &item);
		if (*rc == 0)
			*rc = env_vars_set(vars, name_copy, plain, NULL);
		if (*rc == 0)
			env_vars_find(vars, name_copy, strlen(name_copy))->exported = true;
	}
	free(name_copy);
	free(raw);
	free(plain);
	return true;
}

/* Reads a job line: time fields, user (system), then the command. */
static int
read_job(const char *p, const char *end, size_t line, bool system, const struct env_context *ctx,
	 const struct env_vars *vars, struct env_list *out)
{
	struct env_context job = { NULL, NULL, "/bin/sh", NULL, NULL, vars };
	struct strbuf cmd;
	size_t fields = (*p == '@') ? 1 : 5, i, first = out->count;
	int rc;

	if (ctx) {
		job = *ctx;
		job.seed = vars;
	}
	for (i = 0; i < fields + (system ? 1 : 0); i++) {
		if (!skip_field(&p, end)) {
			env_list_diag(out, line, "job line with too few fields");
			return 0;
		}
	}
	while (p < end && is_space(*p))
		p++;

	/* An unescaped '%' ends the command; the rest is its standard input. */
	strbuf_init(&cmd, ENV_LINE_MAX);
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end && p[1] == '%') {
			p++;
		} else if (*p == '%') {
			break;
		}
		if (strbuf_putc(&cmd, *p) < 0) {
			strbuf_free(&cmd);
			return -ENOMEM;
		}
	}
	rc = shellenv_parse(cmd.data ? cmd.data : "", cmd.len, &job, line - 1, out);
	strbuf_free(&cmd);
	for (i = first; i < out->count; i++)
		out->items[i].flags |= ENV_COMMAND_SCOPED;
	return rc;
}

int
crontab_parse(const char *data, size_t len, bool system, const struct env_context *ctx,
	      struct env_list *out)
{
	struct env_vars vars = ENV_VARS_INIT;
	size_t clean_len, pos = 0, line = 0;
	char *s = env_clean_copy(data, len, 0, out, &clean_len);
	int rc = 0;

	if (!s)
		return -ENOMEM;
	if (ctx && ctx->seed)
		rc = env_vars_copy(&vars, ctx->seed);
	while (rc == 0 && pos < clean_len) {
		const char *p = s + pos;
		const char *nl = memchr(p, '\n', clean_len - pos);
		const char *end = nl ? nl : s + clean_len;

		pos = (size_t)(end - s) + (nl ? 1 : 0);
		line++;
		while (p < end && is_space(*p))
			p++;
		if (p == end || *p == '#')
			continue;
		if (read_env_line(p, end, line, &vars, out, &rc))
			continue;
		rc = read_job(p, end, line, system, ctx, &vars, out);
	}
	env_vars_free(&vars);
	free(s);
	if (rc == 0 && out->truncated)
		rc = -E2BIG;
	return rc;
}
