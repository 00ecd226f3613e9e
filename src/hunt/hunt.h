/*
 * hunt: runs a detection rule over exported Defender telemetry files.
 *
 * Each input is read as a stream in fixed-size buffers, and its format is
 * detected from its content (CSV, JSON Lines, or JSON documents; see csv.h
 * and jdoc.h). A prefilter (prefilter.h) throws out records that cannot
 * match before they are parsed. Only matches are kept, so memory grows with
 * the matches and not with the size of the input. Large regular files are split across worker
 * threads at record boundaries; results are the same for any number of
 * workers.
 *
 * hunt_run() fills a struct hunt_result that the caller releases with
 * hunt_result_free(). Problems with the input (a malformed record, an
 * unreadable file) do not stop the run: they become diagnostics in the
 * result, in input order, each with its file and line.
 */
#ifndef SITEHOUND_HUNT_HUNT_H
#define SITEHOUND_HUNT_HUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/finding.h"
#include "hunt/kql.h"
#include "hunt/rules.h"

enum hunt_rule { HUNT_RULE_DEFAULT, HUNT_RULE_SEED };

/* Diagnostics kept per input part; later ones are only counted. */
#define HUNT_DIAGS_KEPT 200
/* Memory for kept matches; a run that needs more stops with -E2BIG. */
#define HUNT_KEEP_MAX ((size_t)512 * 1024 * 1024)
/* One record longer than this is reported and skipped. */
#define HUNT_RECORD_MAX ((size_t)16 * 1024 * 1024)

struct allowlist;

struct hunt_options {
	enum hunt_rule rule;
	struct hunt_window window;
	unsigned jobs;              /* worker threads, at least 1 */
	enum severity min_severity; /* default rule: findings below are not kept */
	const struct allowlist *allow; /* default rule: hooks the site accepts; NULL for none */
};

/* The text columns of a seed result row, in output order. */
enum seed_text {
	SEED_DEVICE_NAME,
	SEED_ACCOUNT_NAME,
	SEED_ACTION_TYPE,
	SEED_FILE_NAME,
	SEED_FOLDER_PATH,
	SEED_PROCESS_FILE_NAME,
	SEED_PROCESS_COMMAND_LINE,
	SEED_REGISTRY_KEY,
	SEED_REGISTRY_VALUE_NAME,
	SEED_REGISTRY_VALUE_DATA,
	SEED_TEXT_COUNT
};

struct seed_hit {
	struct seed_row row;
	kql_ticks time;
	bool has_time;
	char *text[SEED_TEXT_COUNT]; /* NUL-terminated; "" when empty */
	size_t text_len[SEED_TEXT_COUNT];
	unsigned long order;         /* input order, for ties */
};

struct hunt_diag {
	char *file;      /* as given on the command line */
	long line;       /* 0 when the problem is with the whole file */
	char *message;
};

struct hunt_file_stats {
	char *name;
	const char *format;          /* "csv", "jsonl", "json" or NULL when unread */
	long lines;
	unsigned long records;       /* rows read, including those thrown out early */
	unsigned long parsed;        /* rows that passed the prefilter */
	unsigned long skipped;       /* malformed rows */
	unsigned long matches;
	unsigned long diags_dropped; /* diagnostics beyond HUNT_DIAGS_KEPT */
	bool failed;                 /* the file could not be read at all */
};

struct hunt_result {
	struct seed_hit *seed;       /* seed rule: sorted as the query sorts */
	size_t nseed;
	struct finding *findings;    /* default rule: one timeline, oldest first */
	size_t nfindings;
	struct hunt_diag *diags;
	size_t ndiags;
	struct hunt_file_stats *files;
	size_t nfiles;
};

/*
 * Runs opt->rule over the named files ("-" is standard input). Returns 0
 * when every file was read (some records may still have been skipped),
 * -EIO when some file could not be read, -E2BIG when the kept matches
 * would pass HUNT_KEEP_MAX, or -ENOMEM. The result is filled in every
 * case but -ENOMEM and must be freed.
 */
__attribute__((warn_unused_result))
int hunt_run(const struct hunt_options *opt, char *const *files, size_t nfiles,
	     struct hunt_result *res);
void hunt_result_free(struct hunt_result *res);

#endif
