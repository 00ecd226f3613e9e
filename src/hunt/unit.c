/*
 * Reading one part of one input: buffers, the prefilter, the CSV and JSON
 * record paths, and applying the rule to each event.
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

#include "core/hex.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "hunt/huntint.h"
#include "hunt/jdoc.h"
#include "hunt/jrow.h"
#include "hunt/prefilter.h"

const char *const hunt_format_names[] = {
	[FMT_NONE] = NULL, [FMT_CSV] = "csv", [FMT_JSONL] = "jsonl", [FMT_JSON] = "json",
};

static int unit_diag(struct unit *u, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
unit_diag(struct unit *u, long line, const char *fmt, ...)
{
	char text[HUNT_MESSAGE_MAX];
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

/* Bytes malloc() adds to each block it hands out, as glibc's 64-bit allocator does (estimate). */
#define ALLOC_OVERHEAD 16

/* Reserves room for kept results; fails once the run would pass HUNT_KEEP_MAX. */
static int
reserve(struct run *run, struct unit *u, size_t bytes)
{
	size_t now = atomic_fetch_add(&run->kept, bytes) + bytes;

	u->kept += bytes;
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
	if (reserve(run, u, total - sizeof(*hit) + ALLOC_OVERHEAD) < 0)
		return -E2BIG;
	if (u->nseed == u->capseed) {
		size_t cap = u->capseed ? u->capseed * 2 : 16;
		struct seed_hit *grown;

		/* Twice the growth: merging copies every array into the result. */
		if (reserve(run, u, 2 * (cap - u->capseed) * sizeof(*grown)) < 0)
			return -E2BIG;
		grown = realloc(u->seed, cap * sizeof(*grown));
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

/* Bytes the strings of a finding take on the heap, with allocator overhead. */
static size_t
finding_bytes(const struct finding *f)
{
	const char *const strings[] = {
		f->path, f->interpreter, f->owner, f->event.action, f->event.host, f->event.user,
		f->event.process, f->event.command_line, f->event.process_path, f->event.parent,
	};
	size_t total = f->evidence ? f->evidence_len + 1 + ALLOC_OVERHEAD : 0, i;

	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		total += strings[i] ? strlen(strings[i]) + 1 + ALLOC_OVERHEAD : 0;
	for (i = 0; i < f->nreasons; i++)
		total += strlen(f->reasons[i]) + 1 + ALLOC_OVERHEAD;
	return total;
}

static int
keep_finding(struct run *run, struct unit *u, struct finding *f, kql_ticks time, bool has_time)
{
	struct dhit *hit;
	int rc;

	rc = reserve(run, u, finding_bytes(f) + strlen(u->in->name) + 2 * ALLOC_OVERHEAD);
	if (rc < 0)
		goto fail;
	if (u->nhits == u->caphits) {
		size_t cap = u->caphits ? u->caphits * 2 : 16;
		struct dhit *grown;

		/* Merging copies the array and builds the findings array besides. */
		rc = reserve(run, u, 3 * (cap - u->caphits) * sizeof(*grown));
		if (rc < 0)
			goto fail;
		rc = -ENOMEM;
		grown = realloc(u->hits, cap * sizeof(*grown));
		if (!grown)
			goto fail;
		u->hits = grown;
		u->caphits = cap;
	}
	rc = -ENOMEM;
	f->event.format = hunt_format_names[u->in->format];
	if (finding_set_text(&f->event.source_file, u->in->name, strlen(u->in->name)) < 0)
		goto fail;
	f->event.source_line = u->current_line;
	f->event.source_record = u->current_record;
	/* Text inside a quoted field can look like a row, so the finding names its origin. */
	if (u->recovering &&
	    finding_add_reason(f, "read from a line after a broken CSV quote; the line may be "
			       "text from a field of another row") == -ENOMEM)
		goto fail;
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

static int evaluate_at(struct run *run, struct unit *u, kql_ticks time, bool has_time);

/* Reads the event time of u->ev and applies the rule. */
static int
evaluate(struct run *run, struct unit *u)
{
	const struct hunt_options *opt = run->opt;
	struct event *ev = &u->ev;
	kql_ticks time = 0;
	int rc;

	if (ev->table != TABLE_FILE && ev->table != TABLE_REGISTRY)
		return 0;
	rc = event_time(ev, &time);
	if (rc < 0) {
		struct event_str s = ev->has_timestamp ? ev->col[COL_TIMESTAMP]
						       : ev->col[COL_TIME_GENERATED];
		char shown[80];

		quote_value(s.data, s.len, shown, sizeof(shown));
		/* Without a time window the row can still be judged, as Kusto would with a null time. */
		if (!opt->window.enabled)
			return unit_diag(u, u->current_line, "invalid event time '%s'; read as no time",
					 shown) < 0 ? -ENOMEM : evaluate_at(run, u, 0, false);
		u->skipped++;
		return unit_diag(u, u->current_line, "invalid event time '%s'; row skipped", shown);
	}
	return evaluate_at(run, u, time, rc == 1);
}

/* Applies the rule to the event in u->ev, whose time is known when has_time. */
static int
evaluate_at(struct run *run, struct unit *u, kql_ticks time, bool has_time)
{
	const struct hunt_options *opt = run->opt;
	struct event *ev = &u->ev;
	int rc;

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
		rc = default_check_hash(ev, opt->allow, &f);
		if (rc < 0) {
			finding_free(&f);
			return rc;
		}
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
	if (!u->la_colmap) {
		u->la_colmap = malloc(CSV_FIELDS_MAX * sizeof(*u->la_colmap));
		if (!u->la_colmap) {
			json_decref(cols);
			return -ENOMEM;
		}
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

/*
 * Copies JSON text into out with what strict JSON readers reject but
 * Windows and Linux produce replaced by U+FFFD: \uXXXX escapes of
 * unpaired UTF-16 surrogates (Windows command lines and paths may hold
 * them) and bytes that are not UTF-8 (Linux paths may). Returns the number
 * of replacements, or -ENOMEM.
 */
static long
repair_json_text(const char *data, size_t len, struct strbuf *out)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	size_t i = 0;
	long replaced = 0;

	strbuf_reset(out);
	while (i < len) {
		uint32_t cp;
		size_t n;

		if (data[i] == '\\' && i + 1 < len && data[i + 1] != 'u') {
			if (strbuf_append(out, data + i, 2) < 0)
				return -ENOMEM;
			i += 2;
			continue;
		}
		if (data[i] == '\\' && i + 6 <= len) {
			int unit = hex_uint16(data + i + 2);
			bool high = unit >= 0xD800 && unit <= 0xDBFF, low = unit >= 0xDC00 && unit <= 0xDFFF;
			int next = i + 12 <= len && data[i + 6] == '\\' && data[i + 7] == 'u'
				? hex_uint16(data + i + 8) : -1;

			if (high && next >= 0xDC00 && next <= 0xDFFF) {
				if (strbuf_append(out, data + i, 12) < 0)
					return -ENOMEM;
				i += 12;
				continue;
			}
			if (high || low) {
				if (strbuf_puts(out, "\\uFFFD") < 0)
					return -ENOMEM;
				replaced++;
				i += 6;
				continue;
			}
		}
		n = utf8_decode((const uint8_t *)data + i, len - i, &cp);
		if (n == 0) {
			if (strbuf_puts(out, replacement) < 0)
				return -ENOMEM;
			replaced++;
			i++;
			continue;
		}
		if (strbuf_append(out, data + i, n) < 0)
			return -ENOMEM;
		i += n;
	}
	return replaced;
}

/*
 * Reads one JSON row object with jrow and applies the rule. With
 * wrappers_allowed, a wrapper returns JROW_WRAPPER for the caller to split.
 * A row rejected only for unpaired surrogates or bytes that are not UTF-8
 * is read again with those replaced, so that such a value cannot hide it.
 */
static int
json_row(struct run *run, struct unit *u, const char *data, size_t len, long line,
	 bool wrappers_allowed)
{
	const char *error = NULL;
	size_t offset = 0;
	long replaced;
	int rc;

	rc = wrappers_allowed ? jrow_read(data, len, &u->ev, &u->scratch, &error, &offset)
			      : jrow_read_row(data, len, &u->ev, &u->scratch, &error, &offset);
	if (rc == -EINVAL) {
		replaced = repair_json_text(data, len, &u->repaired);
		if (replaced < 0)
			return (int)replaced;
		if (replaced > 0) {
			const char *first_error = error;

			rc = wrappers_allowed
				? jrow_read(u->repaired.data, u->repaired.len, &u->ev, &u->scratch,
					    &error, &offset)
				: jrow_read_row(u->repaired.data, u->repaired.len, &u->ev, &u->scratch,
						&error, &offset);
			if (rc >= 0 && unit_diag(u, line, "%s; read with %ld character%s replaced by "
						 "U+FFFD", first_error ? first_error : "invalid text",
						 replaced, replaced == 1 ? "" : "s") < 0)
				return -ENOMEM;
		}
	}
	if (rc == -ENOMEM || rc == JROW_WRAPPER)
		return rc;
	if (rc < 0) {
		u->skipped++;
		return unit_diag(u, line, "invalid JSON at byte %zu: %s; row skipped", offset + 1,
				 error ? error : "unreadable");
	}
	return evaluate(run, u);
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
	if (kind == JDOC_ROW)
		return json_row(run, u, data, len, at, false);
	value = json_loadb(data, len, JSON_ALLOW_NUL, &jerr);
	if (!value) {
		long replaced = repair_json_text(data, len, &u->repaired);

		if (replaced < 0)
			return (int)replaced;
		if (replaced > 0)
			value = json_loadb(u->repaired.data, u->repaired.len, JSON_ALLOW_NUL, NULL);
		if (value && unit_diag(u, at, "%s; read with %ld character%s replaced by U+FFFD",
				       jerr.text, replaced, replaced == 1 ? "" : "s") < 0) {
			json_decref(value);
			return -ENOMEM;
		}
	}
	if (!value) {
		u->skipped++;
		return unit_diag(u, at, "invalid JSON: %s", jerr.text);
	}
	{
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

static int recover_lines(struct run *run, struct unit *u, const char *data, size_t len,
			 long line);

static int
csv_record(struct run *run, struct unit *u, const char *rec, size_t len, long line,
	   bool may_recover)
{
	struct csv_row *row = u->row;
	size_t i;
	int rc = csv_split(row, rec, len);

	if (rc == -ENOMEM)
		return rc;
	/*
	 * A record that spans lines but does not split into the header's
	 * fields is most likely several rows joined by a stray quote.
	 */
	if ((rc < 0 || row->nfields != u->in->ncols) && may_recover && memchr(rec, '\n', len))
		return recover_lines(run, u, rec, len, line);
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
		return csv_record(ctx->run, u, rec, len, line, true);
	rc = json_row(ctx->run, u, rec, len, line, true);
	if (rc != JROW_WRAPPER)
		return rc;

	/* The record is a wrapper of many rows, such as an Event Hub message. */
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

struct recover_ctx {
	struct run *run;
	struct unit *u;
};

static int
on_recovered_line(const char *rec, size_t len, long line, unsigned long record, void *opaque)
{
	struct recover_ctx *ctx = opaque;

	ctx->u->parsed++;
	ctx->u->current_line = line;
	return csv_record(ctx->run, ctx->u, rec, len, line, false);
}

/*
 * Reads data[0..len), starting at line, one line per record, ignoring
 * quotes: the way back from a quote that left the record structure broken.
 * Each line that passes the prefilter is split on its own.
 */
static int
recover_lines(struct run *run, struct unit *u, const char *data, size_t len, long line)
{
	struct prefilter_scan scan = { .csv = false, .json = false, .lines = line - 1 };
	struct recover_ctx ctx = { run, u };
	char *copy = malloc(len + 1 + PREFILTER_PAD);
	unsigned long current = u->current_record;
	size_t lines;
	long done;
	int rc;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	copy[len] = '\n';
	memset(copy + len + 1, 0, PREFILTER_PAD);
	lines = count_newlines(copy, len + 1);
	rc = unit_diag(u, line, "%zu line%s from here %s not form CSV records (a stray quote?); "
		       "read as one row per line", lines, lines == 1 ? "" : "s",
		       lines == 1 ? "does" : "do");
	u->recovering = true;
	done = rc < 0 ? rc : prefilter_scan_buffer(&scan, copy, len + 1, on_recovered_line, &ctx);
	u->recovering = false;
	free(copy);
	u->current_record = current;
	return done < 0 ? (int)done : 0;
}

/* ---- reading one unit ---- */

struct reader {
	struct unit *u;
	int fd;
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
			n = pread(r->fd, r->buf + r->have, room, r->pos);
		while (n < 0 && errno == EINTR);
	} else {
		do
			n = read(r->fd, r->buf + r->have, room);
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

size_t
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
 * A record that does not end within HUNT_RECORD_MAX bytes is, in CSV,
 * almost always a stray quote: its lines are read one row per line up to
 * the last line end seen, where reading starts over outside quotes. In
 * JSON Lines it is one oversized line, which is reported and skipped.
 */
static int
drop_oversized(struct run *run, struct reader *r, struct prefilter_scan *scan)
{
	struct unit *u = r->u;
	const char *last = memrchr(r->buf, '\n', r->have);
	size_t cut = last ? (size_t)(last - r->buf) + 1 : r->have;
	long lines = (long)count_newlines(r->buf, cut);
	int rc;

	if (u->in->format == FMT_CSV && last) {
		rc = recover_lines(run, u, r->buf, cut - 1, scan->lines + 1);
	} else {
		u->skipped++;
		rc = unit_diag(u, scan->lines + 1, "record longer than %zu MiB; skipped",
			       HUNT_RECORD_MAX >> 20);
	}
	scan->lines += lines;
	scan->records += lines > 0 ? (unsigned long)lines : 1;
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
				rc = drop_oversized(run, r, &scan);
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
		/* Only CSV opened by a quote that never closes can be left over. */
		long lines = (long)count_newlines(r->buf, r->have);

		rc = recover_lines(run, u, r->buf, r->have - 1, scan.lines + 1);
		if (rc < 0)
			return rc;
		scan.lines += lines;
		scan.records += (unsigned long)lines;
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

/*
 * Opens a regular input again for one part and checks that it is still
 * the file whose format was detected. Returns 0, a diagnostic's -EIO, or -ENOMEM.
 */
static int
open_again(struct unit *u, int *fd)
{
	struct stat st;

	*fd = open(u->in->name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0)
		return unit_diag(u, 0, "cannot open again: %s", strerror(errno)) < 0 ? -ENOMEM : -EIO;
	if (fstat(*fd, &st) < 0 || st.st_dev != u->in->dev || st.st_ino != u->in->ino) {
		close(*fd);
		return unit_diag(u, 0, "replaced by another file while it was read") < 0 ? -ENOMEM : -EIO;
	}
	return 0;
}

int
unit_run(struct run *run, struct unit *u)
{
	struct reader r = { .u = u, .fd = u->in->fd, .pos = u->start };
	int rc;

	if (u->in->stream) {
		r.pending = u->in->sniff + u->in->data_start;
		r.pending_len = u->in->sniff_len - (size_t)u->in->data_start;
	} else {
		rc = open_again(u, &r.fd);
		if (rc != 0)
			return rc;
	}
	if (reader_grow(&r, READ_CHUNK) < 0) {
		if (!u->in->stream)
			close(r.fd);
		return -ENOMEM;
	}
	u->row = malloc(sizeof(*u->row));
	if (!u->row) {
		free(r.buf);
		return -ENOMEM;
	}
	csv_row_init(u->row);
	/* A JSON row decodes to at most its own length, plus a terminating NUL. */
	strbuf_init(&u->scratch, HUNT_RECORD_MAX + 1);
	/* A repaired row grows by at most 2 bytes per replaced byte. */
	strbuf_init(&u->repaired, 3 * HUNT_RECORD_MAX + 1);
	if (u->in->format == FMT_JSON)
		rc = document_unit(run, u, &r);
	else
		rc = scan_unit(run, u, &r);
	strbuf_free(&u->scratch);
	strbuf_free(&u->repaired);
	free(u->la_colmap);
	u->la_colmap = NULL;
	if (!u->in->stream)
		close(r.fd);
	csv_row_free(u->row);
	free(u->row);
	u->row = NULL;
	free(r.buf);
	return rc;
}

void
unit_free(struct unit *u)
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

