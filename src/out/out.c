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
	w->below = 0;
	w->min_severity = SEV_INFO;
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

/* Formats an event time with its fraction of a second, trailing zeros dropped. */
static void
format_event_time(const struct finding *f, char *buf, size_t size)
{
	char whole[32];
	char digits[8];
	int n;

	out_format_time(f->time, whole, sizeof(whole));
	if (f->event.time_fraction <= 0 || f->event.time_fraction >= 10000000) {
		snprintf(buf, size, "%s", whole);
		return;
	}
	n = snprintf(digits, sizeof(digits), "%07ld", f->event.time_fraction);
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = '\0';
	/* whole ends in 'Z'; the fraction goes before it. */
	snprintf(buf, size, "%.*s.%sZ", (int)(strlen(whole) - 1), whole, digits);
}

static int
json_set_optional(json_t *obj, const char *key, const char *s)
{
	if (!s)
		return 0;
	return json_set_escaped(obj, key, s, strlen(s), ESCAPED_PATH_MAX);
}

/* Adds action, host, user, process and source for a finding from an event. */
static int
json_set_event(json_t *obj, const struct finding_event *ev)
{
	json_t *process = NULL, *source = NULL;
	int rc = -ENOMEM;

	if (json_set_optional(obj, "action", ev->action) < 0 ||
	    json_set_optional(obj, "host", ev->host) < 0 ||
	    json_set_optional(obj, "user", ev->user) < 0)
		return -ENOMEM;
	if (ev->process || ev->command_line || ev->process_path || ev->pid || ev->parent) {
		process = json_object();
		if (!process ||
		    json_set_optional(process, "name", ev->process) < 0 ||
		    json_set_optional(process, "command_line", ev->command_line) < 0 ||
		    json_set_optional(process, "path", ev->process_path) < 0 ||
		    (ev->pid && json_object_set_new(process, "pid", json_integer(ev->pid))) ||
		    json_set_optional(process, "parent", ev->parent) < 0 ||
		    json_object_set(obj, "process", process))
			goto out;
	}
	if (ev->source_file) {
		source = json_object();
		if (!source ||
		    (ev->format && json_object_set_new(source, "format", json_string(ev->format))) ||
		    json_set_optional(source, "file", ev->source_file) < 0 ||
		    (ev->source_line > 0 &&
		     json_object_set_new(source, "line", json_integer(ev->source_line))) ||
		    (ev->source_record > 0 &&
		     json_object_set_new(source, "record", json_integer((json_int_t)ev->source_record))) ||
		    json_object_set(obj, "source", source))
			goto out;
	}
	rc = 0;
out:
	json_decref(process);
	json_decref(source);
	return rc;
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
	format_event_time(f, when, sizeof(when));
	if (json_object_set_new(obj, "time",
				f->event.time_unknown ? json_null() : json_string(when)) ||
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
	if (f->variable &&
	    json_set_escaped(obj, "variable", f->variable, strlen(f->variable), ESCAPED_PATH_MAX) < 0)
		goto out;
	if (f->value &&
	    json_set_escaped(obj, "value", f->value, strlen(f->value), ESCAPED_PATH_MAX) < 0)
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
	if (f->event.present && json_set_event(obj, &f->event) < 0)
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

static int
print_field(FILE *fp, const char *label, const char *s)
{
	if (!s)
		return 0;
	if (print_escaped(fp, label, s, strlen(s), ESCAPED_PATH_MAX) < 0 ||
	    fprintf(fp, "\n") < 0)
		return -EIO;
	return 0;
}

/* The event lines of a text block: when, what, who and where it was read. */
static int
write_text_event(FILE *fp, const struct finding *f)
{
	const struct finding_event *ev = &f->event;
	char when[48];

	format_event_time(f, when, sizeof(when));
	if (fprintf(fp, "        time: %s\n", ev->time_unknown ? "unknown" : when) < 0)
		return -EIO;
	if (print_field(fp, "        action: ", ev->action) < 0 ||
	    print_field(fp, "        host: ", ev->host) < 0 ||
	    print_field(fp, "        user: ", ev->user) < 0 ||
	    print_field(fp, "        process: ", ev->process) < 0 ||
	    print_field(fp, "        command line: ", ev->command_line) < 0 ||
	    print_field(fp, "        parent: ", ev->parent) < 0)
		return -EIO;
	if (ev->source_file) {
		if (print_escaped(fp, "        source: ", ev->source_file, strlen(ev->source_file),
				  ESCAPED_PATH_MAX) < 0 ||
		    fprintf(fp, ":%ld (%s)\n", ev->source_line, ev->format ? ev->format : "") < 0)
			return -EIO;
	}
	return 0;
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
	if (f->variable &&
	    (print_escaped(w->fp, "        variable: ", f->variable, strlen(f->variable),
			   ESCAPED_PATH_MAX) < 0 || fprintf(w->fp, "\n") < 0))
		return -EIO;
	if (f->value &&
	    (print_escaped(w->fp, "        value: ", f->value, strlen(f->value), ESCAPED_PATH_MAX) < 0 ||
	     fprintf(w->fp, "\n") < 0))
		return -EIO;
	for (i = 0; i < f->nreasons; i++) {
		if (print_escaped(w->fp, "        - ", f->reasons[i], strlen(f->reasons[i]),
				  ESCAPED_PATH_MAX) < 0 || fprintf(w->fp, "\n") < 0)
			return -EIO;
	}
	if (f->event.present)
		return write_text_event(w->fp, f);
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
		if (w->count == 0 && w->below == 0 &&
		    fprintf(w->fp, "%s\n", partial ? "no startup hooks found in the paths that could be read"
						   : "no startup hooks found") < 0)
			return -EIO;
		if (w->count == 0 && w->below > 0 &&
		    fprintf(w->fp, "no findings at or above %s", severity_name(w->min_severity)) < 0)
			return -EIO;
		if (w->count > 0 &&
		    fprintf(w->fp, "%lu finding%s: %lu high, %lu medium, %lu low, %lu info",
			    w->count, w->count == 1 ? "" : "s", w->by_severity[SEV_HIGH],
			    w->by_severity[SEV_MEDIUM], w->by_severity[SEV_LOW],
			    w->by_severity[SEV_INFO]) < 0)
			return -EIO;
		if (w->below > 0 &&
		    fprintf(w->fp, "; %lu below %s not shown (--min-severity info lists them)",
			    w->below, severity_name(w->min_severity)) < 0)
			return -EIO;
		if ((w->count > 0 || w->below > 0) && fputc('\n', w->fp) == EOF)
			return -EIO;
	}
	if (fflush(w->fp) != 0)
		return errno ? -errno : -EIO;
	return 0;
}
