/*
 * huntint: what the parts of the hunt driver share. input.c detects each
 * file's format and splits it into parts, unit.c reads one part and
 * applies the rule, hunt.c runs the workers and merges their results.
 * Not for use outside src/hunt.
 */
#ifndef SITEHOUND_HUNT_HUNTINT_H
#define SITEHOUND_HUNT_HUNTINT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/strbuf.h"
#include "hunt/csv.h"
#include "hunt/event.h"
#include "hunt/hunt.h"

/* Bytes per read() call; at this size the cost of the call itself is negligible. */
#define READ_CHUNK ((size_t)1024 * 1024)
/* Bytes read from the start of a file to detect its format. */
#define SNIFF_MAX ((size_t)64 * 1024)
/* A file is split across workers only when each part gets this much. */
#define SPLIT_MIN ((off_t)32 * 1024 * 1024)
/* Maximum length of a kept diagnostic message, including quoted input. */
#define HUNT_MESSAGE_MAX 512

enum format { FMT_NONE, FMT_CSV, FMT_JSONL, FMT_JSON };

/* Format names for findings and statistics, indexed by enum format. */
extern const char *const hunt_format_names[];

/* One input file and what was learnt from its first bytes. */
struct input {
	const char *name;
	int fd;                 /* open while the format is detected; stays open for streams only */
	bool stream;             /* read sequentially: standard input or a pipe */
	off_t size;             /* -1 when not a regular file */
	dev_t dev;              /* identity of a regular file, checked when a part opens it */
	ino_t ino;
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
	bool recovering;        /* reading lines after a broken quote, one row per line */
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
	size_t kept;            /* bytes reserved against HUNT_KEEP_MAX */
	/* working state */
	struct csv_row *row;
	struct strbuf scratch;  /* decoded JSON strings of the current row */
	struct strbuf repaired; /* a row's text with unreadable characters replaced */
	struct event ev;
	int *la_colmap;         /* Log Analytics: column of each position; allocated on use */
	size_t la_ncols;
	bool la_columns;
	long line_base;         /* for jdoc elements inside one JSON Lines record */
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

/* Opens name ("-" is standard input) into in; returns 0 or -errno. */
__attribute__((warn_unused_result))
int input_open(struct input *in, const char *name);
/*
 * Reads the first bytes of in and decides its format; a file that cannot
 * be read becomes a diagnostic in res. Returns 0 or -ENOMEM.
 */
__attribute__((warn_unused_result))
int input_sniff(struct input *in, struct hunt_result *res);
/* Records a problem with a whole file in res; returns 0 or -ENOMEM. */
__attribute__((warn_unused_result, format(printf, 3, 4)))
int input_fail(struct input *in, struct hunt_result *res, const char *fmt, ...);
/* Splits in into parts for jobs workers, appended to *units. */
__attribute__((warn_unused_result))
int input_plan(struct input *in, unsigned jobs, struct unit **units, size_t *nunits);

/* Reads one part and applies the rule; returns 0 or a negative errno. */
__attribute__((warn_unused_result))
int unit_run(struct run *run, struct unit *u);
/* Frees what a part kept; the unit can be reused after memset. */
void unit_free(struct unit *u);
size_t count_newlines(const char *buf, size_t len);

#endif
