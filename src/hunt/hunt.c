#include "hunt/hunt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/strbuf.h"
#include "hunt/csv.h"
#include "hunt/event.h"
#include "hunt/jdoc.h"
#include "hunt/prefilter.h"

/*
 * Read size per call. 1 MiB keeps the buffer in the second-level cache of
 * current x86 cores while making read() overhead negligible.
 */
#define READ_CHUNK ((size_t)1024 * 1024)
/* How much of a file is read to tell its format. */
#define SNIFF_MAX ((size_t)64 * 1024)
/* A file is split across workers only when each part gets this much. */
#define SPLIT_MIN ((off_t)32 * 1024 * 1024)
/* Longest diagnostic message kept, including quoted input. */
#define MESSAGE_MAX 512

enum format { FMT_NONE, FMT_CSV, FMT_JSONL, FMT_JSON };

static const char *const format_names[] = {
	[FMT_NONE] = NULL, [FMT_CSV] = "csv", [FMT_JSONL] = "jsonl", [FMT_JSON] = "json",
};

/* One input file and what was learnt from its first bytes. */
struct input {
	const char *name;
	int fd;
	bool stream;             /* read sequentially: standard input or a pipe */
	off_t size;             /* -1 when not a regular file */
	enum format format;
	off_t data_start;       /* first byte after a BOM and a CSV header */
	long header_lines;      /* newlines before data_start */
	int *colmap;            /* CSV: column of each field, or -1 */
	size_t ncols;
	char *sniff;            /* standard input: bytes already read */
	size_t sniff_len;
	struct hunt_file_stats *stats;
	size_t first_unit, nunits;
};

struct kept_diag {
	long line;              /* unit-relative, fixed after the run */
	char *message;
};

struct dhit {
	struct finding f;
	kql_ticks time;
	bool has_time;
	unsigned long order;
};

/* One part of one input, processed by one worker. */
struct unit {
	struct input *in;
	off_t start, end;       /* end is -1 for a stream */
	unsigned long index;
	bool last;              /* the part that ends the file */
	bool misaligned;        /* a CSV part ended inside a quoted field */
	/* results */
	long lines;
	unsigned long records, parsed, skipped, matches, diags_dropped;
	unsigned long seq;
	struct seed_hit *seed;
	size_t nseed, capseed;
	struct dhit *hits;
	size_t nhits, caphits;
	struct kept_diag *diags;
	size_t ndiags, capdiags;
	int error;
	/* working state */
	struct csv_row *row;
	struct event ev;
	int la_colmap[CSV_FIELDS_MAX];
	size_t la_ncols;
	bool la_columns;
	long line_base;         /* for jdoc elements inside one JSON Lines record */
	unsigned long record_base;
	long current_line;
	unsigned long current_record;
};

struct run {
	const struct hunt_options *opt;
	struct unit *units;
	size_t nunits;
	atomic_size_t next;
	atomic_size_t kept;
	atomic_bool stop;
};

static int unit_diag(struct unit *u, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
unit_diag(struct unit *u, long line, const char *fmt, ...)
{
	char text[MESSAGE_MAX];
	va_list ap;
	int n;

	if (u->ndiags >= HUNT_DIAGS_KEPT) {
		u->diags_dropped++;
		return 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (u->ndiags == u->capdiags) {
		size_t cap = u->capdiags ? u->capdiags * 2 : 8;
		struct kept_diag *d = realloc(u->diags, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		u->diags = d;
		u->capdiags = cap;
	}
	u->diags[u->ndiags].line = line;
	u->diags[u->ndiags].message = strdup(text);
	if (!u->diags[u->ndiags].message)
		return -ENOMEM;
	u->ndiags++;
	return 0;
}

/* Quotes at most 60 bytes of a value for a message, with controls replaced. */
static void
quote_value(const char *s, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < len && i < 60 && o + 2 < size; i++)
		out[o++] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	if (i < len && o + 4 < size) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Reserves room for kept results; fails once the run would pass HUNT_KEEP_MAX. */
static int
reserve(struct run *run, size_t bytes)
{
	size_t now = atomic_fetch_add(&run->kept, bytes) + bytes;

	if (now > HUNT_KEEP_MAX) {
		atomic_store(&run->stop, true);
		return -E2BIG;
	}
	return 0;
}

static int
keep_seed(struct run *run, struct unit *u, const struct event *ev, const struct seed_row *row,
	  kql_ticks time, bool has_time)
{
	static const int source[SEED_TEXT_COUNT] = {
		[SEED_DEVICE_NAME] = COL_DEVICE_NAME,
		[SEED_ACCOUNT_NAME] = COL_ACCOUNT_NAME,
		[SEED_ACTION_TYPE] = COL_ACTION_TYPE,
		[SEED_FILE_NAME] = COL_FILE_NAME,
		[SEED_FOLDER_PATH] = COL_FOLDER_PATH,
		[SEED_PROCESS_FILE_NAME] = COL_PROCESS_FILE_NAME,
		[SEED_PROCESS_COMMAND_LINE] = COL_PROCESS_COMMAND_LINE,
		[SEED_REGISTRY_KEY] = COL_REGISTRY_KEY,
		[SEED_REGISTRY_VALUE_NAME] = COL_REGISTRY_VALUE_NAME,
		[SEED_REGISTRY_VALUE_DATA] = COL_REGISTRY_VALUE_DATA,
	};
	/* Columns each leg projects; the union leaves the others empty. */
	static const bool file_leg[SEED_TEXT_COUNT] = {
		[SEED_DEVICE_NAME] = true, [SEED_ACCOUNT_NAME] = true, [SEED_ACTION_TYPE] = true,
		[SEED_FILE_NAME] = true, [SEED_FOLDER_PATH] = true, [SEED_PROCESS_FILE_NAME] = true,
		[SEED_PROCESS_COMMAND_LINE] = true,
	};
	static const bool registry_leg[SEED_TEXT_COUNT] = {
		[SEED_DEVICE_NAME] = true, [SEED_ACCOUNT_NAME] = true, [SEED_REGISTRY_KEY] = true,
		[SEED_REGISTRY_VALUE_NAME] = true, [SEED_REGISTRY_VALUE_DATA] = true,
		[SEED_PROCESS_FILE_NAME] = true,
	};
	struct seed_hit *hit;
	size_t total = sizeof(*hit), i;
	char *block;

	for (i = 0; i < SEED_TEXT_COUNT; i++)
		total += ev->col[source[i]].len + 1;
	if (reserve(run, total) < 0)
		return -E2BIG;
	if (u->nseed == u->capseed) {
		size_t cap = u->capseed ? u->capseed * 2 : 16;
		struct seed_hit *grown = realloc(u->seed, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		u->seed = grown;
		u->capseed = cap;
	}
	hit = &u->seed[u->nseed];
	memset(hit, 0, sizeof(*hit));
	block = malloc(total - sizeof(*hit));
	if (!block)
		return -ENOMEM;
	for (i = 0; i < SEED_TEXT_COUNT; i++) {
		bool projected = row->file ? file_leg[i] : registry_leg[i];
		struct event_str s = projected ? ev->col[source[i]] : (struct event_str){ NULL, 0 };

		hit->text[i] = block;
		hit->text_len[i] = s.len;
		if (s.len)
			memcpy(block, s.data, s.len);
		block[s.len] = '\0';
		block += s.len + 1;
	}
	hit->row = *row;
	hit->time = time;
	hit->has_time = has_time;
	hit->order = (u->index << 40) | u->seq++;
	u->nseed++;
	u->matches++;
	return 0;
}

static int
keep_finding(struct run *run, struct unit *u, struct finding *f, kql_ticks time, bool has_time)
{
	struct dhit *hit;
	int rc;

	rc = reserve(run, sizeof(*hit) + 512 + (f->evidence_len));
	if (rc < 0)
		goto fail;
	rc = -ENOMEM;
	if (u->nhits == u->caphits) {
		size_t cap = u->caphits ? u->caphits * 2 : 16;
		struct dhit *grown = realloc(u->hits, cap * sizeof(*grown));

		if (!grown)
			goto fail;
		u->hits = grown;
		u->caphits = cap;
	}
	f->event.format = format_names[u->in->format];
	if (finding_set_text(&f->event.source_file, u->in->name, strlen(u->in->name)) < 0)
		goto fail;
	f->event.source_line = u->current_line;
	f->event.source_record = u->current_record;
	if (has_time) {
		kql_ticks secs = time / KQL_TICKS_PER_SECOND, frac = time % KQL_TICKS_PER_SECOND;

		if (frac < 0) {
			frac += KQL_TICKS_PER_SECOND;
			secs--;
		}
		f->time = (time_t)secs;
		f->event.time_fraction = (long)frac;
	} else {
		f->time = 0;
		f->event.time_unknown = true;
	}
	hit = &u->hits[u->nhits++];
	hit->f = *f;
	hit->time = time;
	hit->has_time = has_time;
	hit->order = (u->index << 40) | u->seq++;
	u->matches++;
	return 0;
fail:
	finding_free(f);
	return rc;
}

/* Applies the rule to the event in u->ev. */
static int
evaluate(struct run *run, struct unit *u)
{
	const struct hunt_options *opt = run->opt;
	struct event *ev = &u->ev;
	kql_ticks time = 0;
	bool has_time;
	int rc;

	if (ev->table != TABLE_FILE && ev->table != TABLE_REGISTRY)
		return 0;
	rc = event_time(ev, &time);
	if (rc < 0) {
		struct event_str s = ev->has_timestamp ? ev->col[COL_TIMESTAMP]
						       : ev->col[COL_TIME_GENERATED];
		char shown[80];

		quote_value(s.data, s.len, shown, sizeof(shown));
		u->skipped++;
		return unit_diag(u, u->current_line, "invalid event time '%s'; row skipped", shown);
	}
	has_time = rc == 1;
	if (opt->rule == HUNT_RULE_SEED) {
		struct seed_row row;

		if (!seed_match(ev, time, has_time, &opt->window, &row))
			return 0;
		return keep_seed(run, u, ev, &row, time, has_time);
	}
	{
		struct finding f;

		rc = default_match(ev, time, has_time, &opt->window, &f);
		if (rc <= 0)
			return rc;
		if (f.severity < opt->min_severity) {
			finding_free(&f);
			return 0;
		}
		return keep_finding(run, u, &f, time, has_time);
	}
}

/* The callbacks' view of the run: shared settings and this worker's unit. */
struct record_ctx {
	struct run *run;
	struct unit *u;
};

/* ---- JSON ---- */

static void
on_jdoc_error(long line, const char *message, void *opaque)
{
	struct record_ctx *ctx = opaque;
	struct unit *u = ctx->u;

	u->skipped++;
	if (unit_diag(u, u->line_base + line - 1, "invalid JSON: %s", message) < 0)
		u->error = -ENOMEM;
}

static int
load_columns(struct unit *u, const char *data, size_t len, long line)
{
	json_error_t jerr;
	json_t *cols = json_loadb(data, len, JSON_ALLOW_NUL, &jerr);
	size_t i;

	u->la_columns = false;
	if (!json_is_array(cols) || json_array_size(cols) > CSV_FIELDS_MAX) {
		json_decref(cols);
		u->skipped++;
		return unit_diag(u, line, "invalid Log Analytics columns: %s",
				 cols ? "not a list of at most 1024 columns" : jerr.text);
	}
	for (i = 0; i < json_array_size(cols); i++) {
		json_t *col = json_array_get(cols, i);
		json_t *name = json_object_get(col, "name");

		if (!name)
			name = json_object_get(col, "ColumnName");
		u->la_colmap[i] = json_is_string(name)
			? event_column_lookup(json_string_value(name), json_string_length(name)) : -1;
	}
	u->la_ncols = json_array_size(cols);
	u->la_columns = true;
	json_decref(cols);
	return 0;
}

static int
on_jdoc_element(enum jdoc_kind kind, const char *data, size_t len, long line, void *opaque)
{
	struct record_ctx *ctx = opaque;
	struct run *run = ctx->run;
	struct unit *u = ctx->u;
	json_error_t jerr;
	json_t *value;
	long at = u->line_base + line - 1;
	int rc = 0;

	if (kind == JDOC_TABLE_END) {
		u->la_columns = false;
		return 0;
	}
	if (kind == JDOC_COLUMNS)
		return load_columns(u, data, len, at);
	u->records++;
	if (u->in->format == FMT_JSON)
		u->current_record = u->records;
	if (!prefilter_record(data, len, true))
		return 0;
	u->parsed++;
	u->current_line = at;
	value = json_loadb(data, len, JSON_ALLOW_NUL, &jerr);
	if (!value) {
		u->skipped++;
		return unit_diag(u, at, "invalid JSON: %s", jerr.text);
	}
	if (kind == JDOC_ROW) {
		if (event_from_json(&u->ev, value) < 0) {
			u->skipped++;
			rc = unit_diag(u, at, "a row must be a JSON object");
			goto out;
		}
	} else {
		size_t i;

		if (!u->la_columns) {
			u->skipped++;
			rc = unit_diag(u, at, "a Log Analytics row comes before its columns; row skipped");
			goto out;
		}
		if (json_array_size(value) != u->la_ncols) {
			u->skipped++;
			rc = unit_diag(u, at, "a row has %zu values; the table has %zu columns",
				       json_array_size(value), u->la_ncols);
			goto out;
		}
		event_reset(&u->ev);
		for (i = 0; i < u->la_ncols; i++) {
			if (u->la_colmap[i] == COL_TIMESTAMP)
				u->ev.has_timestamp = true;
			event_set_json(&u->ev, u->la_colmap[i], json_array_get(value, i));
		}
		event_classify(&u->ev, NULL, 0);
	}
	rc = evaluate(run, u);
out:
	json_decref(value);
	return rc;
}

/* ---- records from the prefilter ---- */

static int
csv_record(struct run *run, struct unit *u, const char *rec, size_t len, long line)
{
	struct csv_row *row = u->row;
	size_t i;
	int rc = csv_split(row, rec, len);

	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		u->skipped++;
		return unit_diag(u, line, "malformed CSV record: %s; row skipped",
				 rc == -E2BIG ? "too many fields" : row->error);
	}
	if (row->nfields != u->in->ncols) {
		u->skipped++;
		return unit_diag(u, line, "a row has %zu fields; the header has %zu; row skipped",
				 row->nfields, u->in->ncols);
	}
	event_reset(&u->ev);
	for (i = 0; i < row->nfields; i++) {
		int col = u->in->colmap[i];

		if (col == COL_TIMESTAMP)
			u->ev.has_timestamp = true;
		if (col >= 0) {
			u->ev.col[col].data = row->fields[i].data;
			u->ev.col[col].len = row->fields[i].len;
		}
	}
	event_classify(&u->ev, NULL, 0);
	return evaluate(run, u);
}

static int
on_record(const char *rec, size_t len, long line, unsigned long record, void *opaque)
{
	struct record_ctx *ctx = opaque;
	struct unit *u = ctx->u;
	int rc;

	if (atomic_load(&ctx->run->stop))
		return -ECANCELED;
	u->parsed++;
	u->current_line = line;
	u->current_record = record;
	if (u->in->format == FMT_CSV)
		return csv_record(ctx->run, u, rec, len, line);

	/* A JSON Lines record may itself be a wrapper of many rows. */
	{
		struct jdoc doc;
		unsigned long before = u->records;

		/* Each row inside the record counts as parsed instead. */
		u->parsed--;
		u->line_base = line;
		jdoc_init(&doc, on_jdoc_element, on_jdoc_error, ctx);
		rc = jdoc_feed(&doc, rec, len);
		if (rc == 0)
			rc = jdoc_finish(&doc);
		jdoc_free(&doc);
		/* Rows inside the line count as that one record. */
		u->records = before;
		if (rc == 0 && u->error)
			rc = u->error;
		return rc;
	}
}

/* ---- reading one unit ---- */

struct reader {
	struct unit *u;
	char *buf;
	size_t cap;             /* usable bytes; one line end and PREFILTER_PAD more are allocated */
	size_t have;
	off_t pos;              /* next file offset to read */
	bool eof;
	const char *pending;    /* standard input: sniffed bytes not yet used */
	size_t pending_len;
};

static int
reader_grow(struct reader *r, size_t cap)
{
	char *grown = realloc(r->buf, cap + PREFILTER_PAD + 1);

	if (!grown)
		return -ENOMEM;
	r->buf = grown;
	r->cap = cap;
	return 0;
}

/* Fills the free part of the buffer. Returns bytes added, 0 at the end, or -errno. */
static ssize_t
reader_fill(struct reader *r)
{
	struct unit *u = r->u;
	size_t room = r->cap - r->have;
	ssize_t n;

	if (r->eof || room == 0)
		return 0;
	if (r->pending_len > 0) {
		n = (ssize_t)(r->pending_len < room ? r->pending_len : room);
		memcpy(r->buf + r->have, r->pending, (size_t)n);
		r->pending += n;
		r->pending_len -= (size_t)n;
	} else if (u->end >= 0) {
		if (r->pos >= u->end) {
			r->eof = true;
			return 0;
		}
		if ((off_t)room > u->end - r->pos)
			room = (size_t)(u->end - r->pos);
		do
			n = pread(u->in->fd, r->buf + r->have, room, r->pos);
		while (n < 0 && errno == EINTR);
	} else {
		do
			n = read(u->in->fd, r->buf + r->have, room);
		while (n < 0 && errno == EINTR);
	}
	if (n < 0)
		return -errno;
	if (n == 0) {
		r->eof = true;
		return 0;
	}
	r->have += (size_t)n;
	r->pos += n;
	return n;
}

static size_t
count_newlines(const char *buf, size_t len)
{
	size_t n = 0;
	const char *p = buf, *end = buf + len;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/*
 * A record that does not end within HUNT_RECORD_MAX bytes (in CSV often a
 * stray quote) is reported and dropped up to the last line end seen, where
 * reading starts over outside quotes.
 */
static int
drop_oversized(struct reader *r, struct prefilter_scan *scan)
{
	struct unit *u = r->u;
	const char *last = memrchr(r->buf, '\n', r->have);
	size_t cut = last ? (size_t)(last - r->buf) + 1 : r->have;
	int rc;

	u->skipped++;
	rc = unit_diag(u, scan->lines + 1, "record longer than %zu MiB%s; skipped to line %ld",
		       HUNT_RECORD_MAX >> 20,
		       u->in->format == FMT_CSV ? " (a quote left open?)" : "",
		       scan->lines + 1 + (long)count_newlines(r->buf, cut));
	scan->lines += (long)count_newlines(r->buf, cut);
	scan->records++;
	memmove(r->buf, r->buf + cut, r->have - cut);
	r->have -= cut;
	return rc;
}

static int
scan_unit(struct run *run, struct unit *u, struct reader *r)
{
	struct prefilter_scan scan = {
		.csv = u->in->format == FMT_CSV,
		.json = u->in->format == FMT_JSONL,
	};
	struct record_ctx ctx = { run, u };
	long done;
	ssize_t n;
	int rc;

	for (;;) {
		n = reader_fill(r);
		if (n < 0)
			return unit_diag(u, 0, "read failed: %s", strerror((int)-n)) < 0 ? -ENOMEM : (int)n;
		if (r->eof && r->have > 0 && r->buf[r->have - 1] != '\n') {
			/* The last record has no line end; give it one. */
			r->buf[r->have++] = '\n';
		}
		memset(r->buf + r->have, 0, PREFILTER_PAD);
		done = prefilter_scan_buffer(&scan, r->buf, r->have, on_record, &ctx);
		if (done < 0)
			return (int)done;
		memmove(r->buf, r->buf + done, r->have - (size_t)done);
		r->have -= (size_t)done;
		if (r->eof)
			break;
		if (r->have == r->cap) {
			if (r->cap >= HUNT_RECORD_MAX) {
				rc = drop_oversized(r, &scan);
				if (rc < 0)
					return rc;
			} else if (reader_grow(r, r->cap * 2) < 0) {
				return -ENOMEM;
			}
		}
	}
	if (r->have > 0 && !u->last) {
		/*
		 * The next part was started at a line end that lies inside a
		 * quoted field; the caller reads the whole file again in one part.
		 */
		u->misaligned = true;
		return 0;
	}
	if (r->have > 0) {
		/* Only a CSV record inside an open quote can be left over. */
		u->skipped++;
		rc = unit_diag(u, scan.lines + 1, "the file ends inside a quoted field; last record skipped");
		if (rc < 0)
			return rc;
		scan.lines += (long)count_newlines(r->buf, r->have);
		scan.records++;
	}
	u->lines = scan.lines;
	u->records = scan.records;
	return 0;
}

static int
document_unit(struct run *run, struct unit *u, struct reader *r)
{
	struct record_ctx ctx = { run, u };
	struct jdoc doc;
	ssize_t n;
	int rc = 0;

	u->line_base = 1;
	jdoc_init(&doc, on_jdoc_element, on_jdoc_error, &ctx);
	for (;;) {
		n = reader_fill(r);
		if (n < 0) {
			rc = unit_diag(u, 0, "read failed: %s", strerror((int)-n)) < 0 ? -ENOMEM : (int)n;
			break;
		}
		if (n == 0 && r->eof)
			break;
		rc = jdoc_feed(&doc, r->buf, r->have);
		r->have = 0;
		if (rc == 0 && u->error)
			rc = u->error;
		if (rc < 0)
			break;
	}
	if (rc == 0)
		rc = jdoc_finish(&doc);
	if (rc == 0 && u->error)
		rc = u->error;
	u->lines = doc.line - 1;
	jdoc_free(&doc);
	return rc;
}

static int
unit_run(struct run *run, struct unit *u)
{
	struct reader r = { .u = u, .pos = u->start };
	int rc;

	if (u->in->stream) {
		r.pending = u->in->sniff + u->in->data_start;
		r.pending_len = u->in->sniff_len - (size_t)u->in->data_start;
	}
	if (reader_grow(&r, READ_CHUNK) < 0)
		return -ENOMEM;
	u->row = malloc(sizeof(*u->row));
	if (!u->row) {
		free(r.buf);
		return -ENOMEM;
	}
	csv_row_init(u->row);
	if (u->in->format == FMT_JSON)
		rc = document_unit(run, u, &r);
	else
		rc = scan_unit(run, u, &r);
	csv_row_free(u->row);
	free(u->row);
	u->row = NULL;
	free(r.buf);
	return rc;
}

static void *
worker(void *arg)
{
	struct run *run = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&run->next, 1);
		struct unit *u;

		if (i >= run->nunits || atomic_load(&run->stop))
			break;
		u = &run->units[i];
		u->error = unit_run(run, u);
		if (u->error == -ENOMEM || u->error == -E2BIG)
			atomic_store(&run->stop, true);
	}
	return NULL;
}

/* ---- telling the format ---- */

static int
input_fail(struct input *in, struct hunt_result *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a problem with a whole file; the file is not read. */
static int
input_fail(struct input *in, struct hunt_result *res, const char *fmt, ...)
{
	char text[MESSAGE_MAX];
	struct hunt_diag *d;
	va_list ap;

	in->stats->failed = true;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	d = realloc(res->diags, (res->ndiags + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	res->diags = d;
	d = &res->diags[res->ndiags];
	d->file = strdup(in->name);
	d->line = 0;
	d->message = strdup(text);
	if (!d->file || !d->message) {
		free(d->file);
		free(d->message);
		return -ENOMEM;
	}
	res->ndiags++;
	return 0;
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

/* The end of the first CSV record in buf (quote-aware), or 0 when not found. */
static size_t
header_end(const char *buf, size_t len)
{
	bool quoted = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '"')
			quoted = !quoted;
		else if (buf[i] == '\n' && !quoted)
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
	for (i = 0; i < row->nfields; i++) {
		struct csv_field name = csv_header_name(row->fields[i]);

		in->colmap[i] = event_column_lookup(name.data, name.len);
		if (in->colmap[i] >= 0)
			known++;
	}
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

static int
sniff(struct input *in, struct hunt_result *res)
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

/* ---- splitting large files ---- */

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

/* Splits one input into parts for the workers; appends them to *units. */
static int
plan_input(struct input *in, unsigned jobs, struct unit **units, size_t *nunits)
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

/* ---- merging and ordering the results ---- */

/* KQL `sort by FileTime desc, RegTime desc`, nulls last, ties in input order. */
static int
compare_seed(const void *a, const void *b)
{
	const struct seed_hit *x = a, *y = b;
	bool xf = x->row.file && x->has_time, yf = y->row.file && y->has_time;
	bool xr = !x->row.file && x->has_time, yr = !y->row.file && y->has_time;

	if (xf != yf)
		return xf ? -1 : 1;
	if (xf && x->time != y->time)
		return x->time > y->time ? -1 : 1;
	if (xr != yr)
		return xr ? -1 : 1;
	if (xr && x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The timeline: oldest first, events without a time last, ties in input order. */
static int
compare_hits(const void *a, const void *b)
{
	const struct dhit *x = a, *y = b;

	if (x->has_time != y->has_time)
		return x->has_time ? -1 : 1;
	if (x->has_time && x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Turns unit-relative lines into file lines and moves results into res. */
static int
merge(struct run *run, struct input *inputs, size_t ninputs, struct hunt_result *res)
{
	size_t nseed = 0, nhits = 0, ndiags = res->ndiags, i, j, k;
	struct dhit *hits;

	for (i = 0; i < run->nunits; i++) {
		nseed += run->units[i].nseed;
		nhits += run->units[i].nhits;
		ndiags += run->units[i].ndiags;
	}
	res->seed = calloc(nseed ? nseed : 1, sizeof(*res->seed));
	hits = calloc(nhits ? nhits : 1, sizeof(*hits));
	res->findings = calloc(nhits ? nhits : 1, sizeof(*res->findings));
	if (ndiags > res->ndiags) {
		struct hunt_diag *d = realloc(res->diags, ndiags * sizeof(*d));

		if (!d) {
			free(hits);
			return -ENOMEM;
		}
		res->diags = d;
	}
	if (!res->seed || !hits || !res->findings) {
		free(hits);
		return -ENOMEM;
	}

	for (i = 0; i < ninputs; i++) {
		struct input *in = &inputs[i];
		long base_lines = in->header_lines;
		unsigned long base_records = 0;

		for (j = in->first_unit; j < in->first_unit + in->nunits; j++) {
			struct unit *u = &run->units[j];

			for (k = 0; k < u->nseed; k++)
				res->seed[res->nseed++] = u->seed[k];
			for (k = 0; k < u->nhits; k++) {
				struct dhit *h = &hits[res->nfindings++];

				*h = u->hits[k];
				if (h->f.event.source_line > 0)
					h->f.event.source_line += base_lines;
				if (h->f.event.source_record > 0)
					h->f.event.source_record += base_records;
			}
			for (k = 0; k < u->ndiags; k++) {
				struct hunt_diag *d = &res->diags[res->ndiags];

				d->file = strdup(in->name);
				d->line = u->diags[k].line > 0 ? u->diags[k].line + base_lines : 0;
				d->message = u->diags[k].message;
				u->diags[k].message = NULL;
				if (!d->file) {
					free(d->message);
					free(hits);
					return -ENOMEM;
				}
				res->ndiags++;
			}
			u->nseed = u->nhits = u->ndiags = 0;
			base_lines += u->lines;
			base_records += u->records;
			in->stats->records += u->records;
			in->stats->parsed += u->parsed;
			in->stats->skipped += u->skipped;
			in->stats->matches += u->matches;
			in->stats->diags_dropped += u->diags_dropped;
		}
		in->stats->lines = base_lines;
		in->stats->format = format_names[in->format];
	}

	qsort(res->seed, res->nseed, sizeof(*res->seed), compare_seed);
	qsort(hits, res->nfindings, sizeof(*hits), compare_hits);
	for (i = 0; i < res->nfindings; i++)
		res->findings[i] = hits[i].f;
	free(hits);
	return 0;
}

static void
free_unit(struct unit *u)
{
	size_t i;

	for (i = 0; i < u->nseed; i++)
		free(u->seed[i].text[0]);
	free(u->seed);
	for (i = 0; i < u->nhits; i++)
		finding_free(&u->hits[i].f);
	free(u->hits);
	for (i = 0; i < u->ndiags; i++)
		free(u->diags[i].message);
	free(u->diags);
}

static int
open_input(struct input *in, const char *name)
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
	in->stream = !S_ISREG(st.st_mode);
	return 0;
}

/*
 * Reads again, in one part, each CSV file whose split guessed a record
 * start inside a quoted field, dropping what its parts found.
 */
static int
redo_misaligned(struct run *run, struct input *inputs, size_t ninputs)
{
	size_t i, j;

	for (i = 0; i < ninputs; i++) {
		struct input *in = &inputs[i];
		struct unit *first;
		bool misaligned = false;

		for (j = in->first_unit; j < in->first_unit + in->nunits; j++)
			misaligned |= run->units[j].misaligned;
		if (!misaligned)
			continue;
		for (j = in->first_unit; j < in->first_unit + in->nunits; j++) {
			struct unit *u = &run->units[j];
			unsigned long index = u->index;

			free_unit(u);
			memset(u, 0, sizeof(*u));
			u->in = in;
			u->index = index;
			u->start = u->end = in->size;
		}
		first = &run->units[in->first_unit];
		first->start = in->data_start;
		first->end = in->size;
		first->last = true;
		first->error = unit_run(run, first);
		if (first->error == -ENOMEM || first->error == -E2BIG)
			return first->error;
	}
	return 0;
}

int
hunt_run(const struct hunt_options *opt, char *const *files, size_t nfiles,
	 struct hunt_result *res)
{
	struct input *inputs = calloc(nfiles ? nfiles : 1, sizeof(*inputs));
	struct run run = { .opt = opt };
	bool unread = false;
	size_t i;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	res->files = calloc(nfiles ? nfiles : 1, sizeof(*res->files));
	if (!inputs || !res->files) {
		free(inputs);
		return -ENOMEM;
	}
	res->nfiles = nfiles;
	atomic_init(&run.next, 0);
	atomic_init(&run.kept, 0);
	atomic_init(&run.stop, false);

	for (i = 0; i < nfiles && rc == 0; i++) {
		struct input *in = &inputs[i];
		int err;

		in->fd = -1;
		in->stats = &res->files[i];
		in->stats->name = strdup(files[i]);
		if (!in->stats->name) {
			rc = -ENOMEM;
			break;
		}
		err = open_input(in, files[i]);
		if (err < 0) {
			rc = input_fail(in, res, "cannot open: %s", strerror(-err));
			continue;
		}
		rc = sniff(in, res);
		if (rc == 0 && !in->stats->failed && in->format != FMT_NONE)
			rc = plan_input(in, opt->jobs, &run.units, &run.nunits);
	}

	if (rc == 0) {
		unsigned workers = opt->jobs > run.nunits ? (unsigned)run.nunits : opt->jobs;
		pthread_t *threads = calloc(workers ? workers : 1, sizeof(*threads));
		unsigned started = 0;

		if (!threads)
			rc = -ENOMEM;
		for (i = 1; rc == 0 && i < workers; i++) {
			if (pthread_create(&threads[started], NULL, worker, &run) == 0)
				started++;
		}
		if (rc == 0)
			worker(&run);
		for (i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
		free(threads);
	}
	if (rc == 0)
		rc = redo_misaligned(&run, inputs, nfiles);
	for (i = 0; rc == 0 && i < run.nunits; i++) {
		int err = run.units[i].error;

		if (err == -ENOMEM || err == -E2BIG)
			rc = err;
		else if (err < 0)
			unread = true;
	}
	if (rc == 0 || rc == -E2BIG) {
		int merged = merge(&run, inputs, nfiles, res);

		if (merged < 0)
			rc = merged;
	}
	for (i = 0; i < run.nunits; i++)
		free_unit(&run.units[i]);
	free(run.units);
	for (i = 0; i < nfiles; i++) {
		if (inputs[i].stats && inputs[i].stats->failed)
			unread = true;
		if (inputs[i].fd > STDIN_FILENO)
			close(inputs[i].fd);
		free(inputs[i].colmap);
		free(inputs[i].sniff);
	}
	free(inputs);
	if (rc == 0 && unread)
		rc = -EIO;
	return rc;
}

void
hunt_result_free(struct hunt_result *res)
{
	size_t i;

	for (i = 0; i < res->nseed; i++)
		free(res->seed[i].text[0]);
	free(res->seed);
	for (i = 0; i < res->nfindings; i++)
		finding_free(&res->findings[i]);
	free(res->findings);
	for (i = 0; i < res->ndiags; i++) {
		free(res->diags[i].file);
		free(res->diags[i].message);
	}
	free(res->diags);
	for (i = 0; i < res->nfiles; i++)
		free(res->files[i].name);
	free(res->files);
	memset(res, 0, sizeof(*res));
}
