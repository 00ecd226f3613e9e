/*
 * Opening inputs, telling their format from the first bytes, and splitting
 * large files into parts for the workers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "hunt/huntint.h"
#include "hunt/prefilter.h"

int
input_open(struct input *in, const char *name)
{
	struct stat st;

	in->name = name;
	in->size = -1;
	if (strcmp(name, "-") == 0) {
		in->fd = STDIN_FILENO;
	} else {
		in->fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (in->fd < 0)
			return -errno;
	}
	if (fstat(in->fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode))
		in->size = st.st_size;
	/* Standard input is read once, in order, even when it is a regular file. */
	in->stream = !S_ISREG(st.st_mode) || in->fd == STDIN_FILENO;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	return 0;
}

/* Appends a message about in, at line (0 for the whole file), to res. */
static int
add_diag(struct input *in, struct hunt_result *res, long line, const char *text)
{
	struct hunt_diag *d;

	d = realloc(res->diags, (res->ndiags + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	res->diags = d;
	d = &res->diags[res->ndiags];
	d->file = strdup(in->name);
	d->line = line;
	d->message = strdup(text);
	if (!d->file || !d->message) {
		free(d->file);
		free(d->message);
		return -ENOMEM;
	}
	res->ndiags++;
	return 0;
}

int
input_fail(struct input *in, struct hunt_result *res, const char *fmt, ...)
{
	char text[HUNT_MESSAGE_MAX];
	va_list ap;

	in->stats->failed = true;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return add_diag(in, res, 0, text);
}

/* Reads the first SNIFF_MAX bytes (all of them kept for standard input). */
static ssize_t
read_head(struct input *in, char *buf, size_t size)
{
	size_t have = 0;
	ssize_t n;

	while (have < size) {
		if (in->stream)
			n = read(in->fd, buf + have, size - have);
		else
			n = pread(in->fd, buf + have, size - have, (off_t)have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

/* The end of the first CSV record in buf, or 0 when not found; quotes count as the scanner counts them. */
static size_t
header_end(const char *buf, size_t len)
{
	struct csv_quote_state quote = { false, 0 };
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '"')
			prefilter_csv_quote(buf, i, &quote);
		else if (buf[i] == '\n' && !quote.quoted)
			return i + 1;
	}
	return 0;
}

static int
read_csv_header(struct input *in, struct hunt_result *res, const char *head, size_t len,
		size_t start)
{
	struct csv_row *row;
	size_t end = header_end(head + start, len - start), i, known = 0;
	int rc;

	if (end == 0 && memchr(head + start, '\r', len - start))
		return input_fail(in, res, "lines end in a carriage return only (classic Mac OS "
				  "style); convert them to line feeds");
	if (end == 0 && len < SNIFF_MAX)
		end = len - start;
	if (end == 0)
		return input_fail(in, res, "the first line is longer than %zu KiB; not a CSV export",
				  SNIFF_MAX >> 10);
	row = malloc(sizeof(*row));
	if (!row)
		return -ENOMEM;
	csv_row_init(row);
	rc = csv_split(row, head + start, end);
	if (rc == -ENOMEM)
		goto out;
	if (rc < 0) {
		rc = input_fail(in, res, "the header line is not valid CSV: %s",
				rc == -E2BIG ? "too many fields" : row->error);
		goto out;
	}
	in->colmap = malloc(row->nfields * sizeof(*in->colmap));
	if (!in->colmap) {
		rc = -ENOMEM;
		goto out;
	}
	bool warned = false;

	for (i = 0; i < row->nfields && rc == 0; i++) {
		struct csv_field name = csv_header_name(row->fields[i]);
		static const char local[] = " [Local Time]";
		struct csv_field cell = row->fields[i];

		in->colmap[i] = event_column_lookup(name.data, name.len);
		if (in->colmap[i] >= 0)
			known++;
		/* The portal can export in the viewer's time zone, which the file does not name. */
		if (!warned && (in->colmap[i] == COL_TIMESTAMP || in->colmap[i] == COL_TIME_GENERATED) &&
		    cell.len >= sizeof(local) - 1 &&
		    memcmp(cell.data + cell.len - (sizeof(local) - 1), local, sizeof(local) - 1) == 0) {
			warned = true;
			rc = add_diag(in, res, 1, "times in a ' [Local Time]' column are read as UTC; "
				      "export in UTC for exact times");
		}
	}
	if (rc < 0)
		goto out;
	in->ncols = row->nfields;
	if (known == 0) {
		rc = input_fail(in, res, "not a Defender export: the first line names no column "
				"such as Timestamp, ActionType, FileName or RegistryKey");
		goto out;
	}
	in->format = FMT_CSV;
	in->data_start = (off_t)(start + end);
	in->header_lines = (long)count_newlines(head + start, end);
	rc = 0;
out:
	csv_row_free(row);
	free(row);
	return rc;
}

/* JSON Lines when the first line is one whole JSON value, else a document. */
static enum format
json_kind(const char *head, size_t len, size_t start)
{
	const char *nl = memchr(head + start, '\n', len - start);
	size_t line_len = nl ? (size_t)(nl - (head + start)) : len - start;
	json_t *value;

	if (!nl && len == SNIFF_MAX)
		return FMT_JSON;
	value = json_loadb(head + start, line_len, JSON_ALLOW_NUL, NULL);
	if (!value)
		return FMT_JSON;
	json_decref(value);
	return FMT_JSONL;
}

int
input_sniff(struct input *in, struct hunt_result *res)
{
	char *head = malloc(SNIFF_MAX);
	ssize_t n;
	size_t len = 0, start = 0, i;
	int rc = 0;

	if (!head)
		return -ENOMEM;
	n = read_head(in, head, SNIFF_MAX);
	if (n < 0) {
		rc = input_fail(in, res, "cannot read: %s", strerror((int)-n));
		goto out;
	}
	len = (size_t)n;
	if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	if ((len >= 2 && ((unsigned char)head[0] == 0xFF || (unsigned char)head[0] == 0xFE)) ||
	    memchr(head, '\0', len < 4096 ? len : 4096)) {
		rc = input_fail(in, res, "not UTF-8 text (UTF-16 or binary); convert UTF-16 with "
				"iconv -f UTF-16 -t UTF-8");
		goto out;
	}
	for (i = start; i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' ||
				    head[i] == '\n'); i++)
		;
	in->data_start = (off_t)start;
	if (i == len) {
		in->format = FMT_NONE; /* empty: nothing to read */
	} else if (head[i] == '{' || head[i] == '[') {
		in->format = json_kind(head, len, i);
	} else {
		rc = read_csv_header(in, res, head, len, start);
	}
out:
	if (rc == 0 && in->stream && !in->stats->failed) {
		in->sniff = head;
		in->sniff_len = len;
		return 0;
	}
	free(head);
	return rc;
}

/* True when line[0..len) splits into exactly the header's number of CSV fields. */
static bool
looks_like_record(const struct input *in, struct csv_row *row, const char *line, size_t len)
{
	return csv_quote_count(line, len) % 2 == 0 && csv_split(row, line, len) == 0 &&
	       row->nfields == in->ncols;
}

/*
 * Returns where a part that should start near off starts: after the first
 * line end at or after off - 1. In JSON Lines every line end ends a
 * record. In CSV a line end inside a quoted field does not, so the line
 * after a candidate must also split into the header's number of fields.
 * A wrong guess is still caught (see struct unit's misaligned), so
 * nothing here has to count every quote before off.
 */
static off_t
align_start(const struct input *in, off_t off, struct csv_row *row)
{
	/* Room for a candidate line end and the whole line after it. */
	static const size_t window = 256 * 1024;
	char *buf = malloc(window);
	off_t first = -1, result = in->size;
	ssize_t n;
	size_t i;

	if (!buf)
		return in->size;
	do
		n = pread(in->fd, buf, window, off - 1);
	while (n < 0 && errno == EINTR);
	for (i = 0; n > 0 && i < (size_t)n; i++) {
		const char *next;
		size_t len;

		if (buf[i] != '\n')
			continue;
		if (first < 0)
			first = off - 1 + (off_t)i + 1;
		if (in->format != FMT_CSV) {
			result = first;
			break;
		}
		next = memchr(buf + i + 1, '\n', (size_t)n - i - 1);
		if (!next)
			break;
		len = (size_t)(next - (buf + i + 1));
		if (looks_like_record(in, row, buf + i + 1, len)) {
			result = off - 1 + (off_t)i + 1;
			break;
		}
	}
	if (result == in->size && first >= 0)
		result = first;
	free(buf);
	return result;
}

int
input_plan(struct input *in, unsigned jobs, struct unit **units, size_t *nunits)
{
	off_t data = in->size - in->data_start;
	size_t parts = 1, i;
	off_t *starts;
	struct unit *grown;
	int rc = 0;

	if (!in->stream && (in->format == FMT_CSV || in->format == FMT_JSONL) && jobs > 1 &&
	    data >= 2 * SPLIT_MIN) {
		parts = (size_t)(data / SPLIT_MIN);
		if (parts > jobs)
			parts = jobs;
	}
	starts = calloc(parts + 1, sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	for (i = 0; i <= parts; i++)
		starts[i] = in->data_start + (off_t)((double)data * (double)i / (double)parts);
	if (parts > 1) {
		struct csv_row *row = malloc(sizeof(*row));

		if (!row) {
			free(starts);
			return -ENOMEM;
		}
		csv_row_init(row);
		for (i = 1; i < parts; i++) {
			starts[i] = align_start(in, starts[i], row);
			if (starts[i] < starts[i - 1])
				starts[i] = starts[i - 1];
		}
		csv_row_free(row);
		free(row);
	}
	if (rc == 0) {
		grown = realloc(*units, (*nunits + parts) * sizeof(*grown));
		if (!grown)
			rc = -ENOMEM;
		else
			*units = grown;
	}
	for (i = 0; rc == 0 && i < parts; i++) {
		struct unit *u = &(*units)[*nunits + i];

		memset(u, 0, sizeof(*u));
		u->in = in;
		u->start = starts[i];
		u->end = in->stream ? -1 : starts[i + 1];
		u->index = *nunits + i;
		u->last = i + 1 == parts;
	}
	if (rc == 0) {
		in->first_unit = *nunits;
		in->nunits = parts;
		*nunits += parts;
	}
	free(starts);
	return rc;
}

