#include "core/finding.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const severity_names[] = { "info", "low", "medium", "high" };
static const char *const confidence_names[] = { "low", "medium", "high" };

void
finding_init(struct finding *f, const char *rule, const char *kind,
	     enum severity sev, enum confidence conf)
{
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->kind = kind;
	f->severity = sev;
	f->confidence = conf;
}

void
finding_free(struct finding *f)
{
	size_t i;

	free(f->path);
	free(f->evidence);
	free(f->interpreter);
	free(f->owner);
	free(f->variable);
	free(f->value);
	for (i = 0; i < f->nreasons; i++)
		free(f->reasons[i]);
	free(f->event.action);
	free(f->event.host);
	free(f->event.user);
	free(f->event.process);
	free(f->event.command_line);
	free(f->event.process_path);
	free(f->event.parent);
	free(f->event.source_file);
	memset(f, 0, sizeof(*f));
}

static int
replace_string(char **slot, const char *text)
{
	char *copy = strdup(text);

	if (!copy)
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

int
finding_set_text(char **slot, const char *text, size_t len)
{
	char *copy = NULL;

	if (len > 0) {
		copy = malloc(len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	free(*slot);
	*slot = copy;
	return 0;
}

int
finding_set_path(struct finding *f, const char *path)
{
	return replace_string(&f->path, path);
}

int
finding_set_interpreter(struct finding *f, const char *text)
{
	return replace_string(&f->interpreter, text);
}

int
finding_set_evidence(struct finding *f, const void *data, size_t len)
{
	char *copy;

	f->truncated = len > FINDING_EVIDENCE_MAX;
	if (f->truncated)
		len = FINDING_EVIDENCE_MAX;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	copy[len] = '\0';
	free(f->evidence);
	f->evidence = copy;
	f->evidence_len = len;
	return 0;
}

int
finding_add_reason(struct finding *f, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	if (f->nreasons == FINDING_MAX_REASONS)
		return -E2BIG;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	f->reasons[f->nreasons++] = text;
	return 0;
}

const char *
severity_name(enum severity sev)
{
	return severity_names[sev];
}

const char *
confidence_name(enum confidence conf)
{
	return confidence_names[conf];
}

int
severity_parse(const char *text, enum severity *out)
{
	size_t i;

	for (i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++) {
		if (strcmp(text, severity_names[i]) == 0) {
			*out = (enum severity)i;
			return 0;
		}
	}
	return -EINVAL;
}
