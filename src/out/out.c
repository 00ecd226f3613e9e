#include "out/out.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/strbuf.h"

/* Escaping expands a byte to at most 6 characters ("\u2028" for 3 bytes). */
#define ESCAPED_MAX (FINDING_EVIDENCE_MAX * 6 + 64)
/* Paths on Linux are at most PATH_MAX (4096) bytes; reasons quote a path. */
#define ESCAPED_PATH_MAX (8192 * 6)

/* The error of a failed stdio call: errno when set, else EIO. */
static int
io_error(void)
{
	return errno ? -errno : -EIO;
}

void
out_init(struct out_writer *w, FILE *fp, enum out_format format)
{
	w->fp = fp;
	w->format = format;
	w->count = 0;
	memset(w->by_severity, 0, sizeof(w->by_severity));
}

int
out_format_parse(const char *text, enum out_format *format)
{
	if (strcmp(text, "text") == 0)
		*format = OUT_TEXT;
	else if (strcmp(text, "jsonl") == 0)
		*format = OUT_JSONL;
	else
		return -EINVAL;
	return 0;
}

void
out_format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

/* Escapes s into a fresh NUL-terminated string; NULL on allocation failure. */
static char *
escaped(const char *s, size_t len, size_t max)
{
	struct strbuf sb;
	int truncated = 0;

	strbuf_init(&sb, max);
	if (escape_bytes(&sb, s, len, &truncated) < 0) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

static int
json_set_escaped(json_t *obj, const char *key, const char *s, size_t len, size_t max)
{
	char *text = escaped(s, len, max);
	int rc;

	if (!text)
		return -ENOMEM;
	rc = json_object_set_new(obj, key, json_string(text));
	free(text);
	return rc == 0 ? 0 : -ENOMEM;
}

static int
write_jsonl(struct out_writer *w, const struct finding *f)
{
	json_t *obj = json_object(), *reasons = json_array();
	char when[32], *line;
	size_t i;
	int rc = -ENOMEM;

	if (!obj || !reasons)
		goto out;
	out_format_time(f->time, when, sizeof(when));
	if (json_object_set_new(obj, "time", json_string(when)) ||
	    json_object_set_new(obj, "rule", json_string(f->rule)) ||
	    json_object_set_new(obj, "technique", json_string(FINDING_TECHNIQUE)) ||
	    json_object_set_new(obj, "severity", json_string(severity_name(f->severity))) ||
	    json_object_set_new(obj, "confidence", json_string(confidence_name(f->confidence))) ||
	    json_object_set_new(obj, "kind", json_string(f->kind)))
		goto out;
	if (json_set_escaped(obj, "path", f->path, strlen(f->path), ESCAPED_PATH_MAX) < 0)
		goto out;
	if (f->line > 0 && json_object_set_new(obj, "line", json_integer(f->line)))
		goto out;
	if (f->evidence) {
		if (json_set_escaped(obj, "evidence", f->evidence, f->evidence_len, ESCAPED_MAX) < 0)
			goto out;
		if (f->truncated && json_object_set_new(obj, "truncated", json_true()))
			goto out;
	}
	if (f->interpreter &&
	    json_set_escaped(obj, "interpreter", f->interpreter, strlen(f->interpreter),
			     ESCAPED_PATH_MAX) < 0)
		goto out;
	if (f->owner &&
	    json_set_escaped(obj, "owner", f->owner, strlen(f->owner), ESCAPED_PATH_MAX) < 0)
		goto out;
	for (i = 0; i < f->nreasons; i++) {
		char *text = escaped(f->reasons[i], strlen(f->reasons[i]), ESCAPED_PATH_MAX);

		if (!text || json_array_append_new(reasons, json_string(text))) {
			free(text);
			goto out;
		}
		free(text);
	}
	if (json_object_set(obj, "reasons", reasons))
		goto out;

	line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!line)
		goto out;
	errno = 0;
	rc = fprintf(w->fp, "%s\n", line) < 0 ? io_error() : 0;
	free(line);
out:
	json_decref(reasons);
	json_decref(obj);
	return rc;
}

static int
print_escaped(FILE *fp, const char *prefix, const char *s, size_t len, size_t max)
{
	char *text = escaped(s, len, max);
	int rc;

	if (!text)
		return -ENOMEM;
	rc = fprintf(fp, "%s%s", prefix, text) < 0 ? -EIO : 0;
	free(text);
	return rc;
}

/*
 * One finding per block: a header line with severity, rule and location,
 * then the evidence and one reason per line, indented.
 */
static int
write_text(struct out_writer *w, const struct finding *f)
{
	size_t i;

	if (fprintf(w->fp, "%-6s  %-22s  ", severity_name(f->severity), f->rule) < 0)
		return -EIO;
	if (print_escaped(w->fp, "", f->path, strlen(f->path), ESCAPED_PATH_MAX) < 0)
		return -EIO;
	if (f->line > 0 && fprintf(w->fp, ":%ld", f->line) < 0)
		return -EIO;
	if (fprintf(w->fp, "\n") < 0)
		return -EIO;
	if (f->evidence) {
		if (print_escaped(w->fp, "        | ", f->evidence, f->evidence_len, ESCAPED_MAX) < 0)
			return -EIO;
		if (fprintf(w->fp, "%s\n", f->truncated ? " [truncated]" : "") < 0)
			return -EIO;
	}
	if (f->interpreter &&
	    (print_escaped(w->fp, "        interpreter: ", f->interpreter, strlen(f->interpreter),
			   ESCAPED_PATH_MAX) < 0 || fprintf(w->fp, "\n") < 0))
		return -EIO;
	if (f->owner &&
	    (print_escaped(w->fp, "        owner: ", f->owner, strlen(f->owner), ESCAPED_PATH_MAX) < 0 ||
	     fprintf(w->fp, "\n") < 0))
		return -EIO;
	for (i = 0; i < f->nreasons; i++) {
		if (print_escaped(w->fp, "        - ", f->reasons[i], strlen(f->reasons[i]),
				  ESCAPED_PATH_MAX) < 0 || fprintf(w->fp, "\n") < 0)
			return -EIO;
	}
	return 0;
}

int
out_finding(struct out_writer *w, const struct finding *f)
{
	int rc;

	errno = 0;
	rc = w->format == OUT_JSONL ? write_jsonl(w, f) : write_text(w, f);
	if (rc == -EIO && errno)
		rc = -errno;

	if (rc == 0) {
		w->count++;
		w->by_severity[f->severity]++;
	}
	return rc;
}

int
out_finish(struct out_writer *w, bool partial)
{
	if (w->format == OUT_TEXT) {
		if (w->count == 0 &&
		    fprintf(w->fp, "%s\n", partial ? "no startup hooks found in the paths that could be read"
						   : "no startup hooks found") < 0)
			return -EIO;
		if (w->count > 0 &&
		    fprintf(w->fp, "%lu finding%s: %lu high, %lu medium, %lu low, %lu info\n",
			    w->count, w->count == 1 ? "" : "s", w->by_severity[SEV_HIGH],
			    w->by_severity[SEV_MEDIUM], w->by_severity[SEV_LOW],
			    w->by_severity[SEV_INFO]) < 0)
			return -EIO;
	}
	if (fflush(w->fp) != 0)
		return errno ? -errno : -EIO;
	return 0;
}
