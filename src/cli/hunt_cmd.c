/*
 * sitehound hunt: the command line of the telemetry detection.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/common.h"
#include "hunt/hunt.h"
#include "out/out.h"
#include "out/seedrows.h"
#include "provenance/allowlist.h"

/* More workers than this gain nothing on one file system. */
#define JOBS_MAX 64

const char hunt_usage[] =
	"Usage: sitehound hunt [OPTION]... FILE...\n"
	"Run the T1546.018 detection over exported Microsoft Defender events\n"
	"(DeviceFileEvents and DeviceRegistryEvents). FILE '-' is standard input.\n"
	"\n"
	"Formats are detected from the content: advanced hunting and Log Analytics CSV\n"
	"exports, advanced hunting, Microsoft Graph and Log Analytics API JSON,\n"
	"streaming API Event Hub messages and storage JSON lines, and JSON lines of\n"
	"rows. One file may mix both tables.\n"
	"\n"
	"Options:\n"
	"      --rule RULE           'default' (findings with severity and reasons) or\n"
	"                            'seed' (exactly the rows the published Sentinel\n"
	"                            query returns, with its columns and order)\n"
	"      --since DURATION      keep events newer than DURATION before --now, as a\n"
	"                            Kusto timespan (24h, 7d, 90m) or 'all'; default\n"
	"                            24h for --rule seed, all for the default rule\n"
	"      --now TIME            the current time for --since, as an RFC 3339 UTC\n"
	"                            time such as 2024-05-01T12:00:00Z; default: the\n"
	"                            system clock\n"
	"  -f, --format FORMAT       'text' (default), 'jsonl', or 'csv' (seed rule)\n"
	"  -o, --output FILE         write to FILE instead of standard output; FILE\n"
	"                            must not be a symbolic link\n"
	"  -j, --jobs N              use N worker threads (default: one per processor)\n"
	"      --min-severity LEVEL  report findings at or above LEVEL: info, low\n"
	"                            (default), medium or high (default rule)\n"
	"      --allow FILE          hooks the site accepts: one SHA-256 of a whole hook\n"
	"                            file per line, then a comment saying why; events\n"
	"                            whose SHA256 column is listed become info\n"
	"                            (default rule)\n"
	"      --stats               print what was read from each file to standard\n"
	"                            error\n"
	"  -h, --help                show this help\n"
	"\n"
	"Malformed records are skipped with a message naming the file and line.\n"
	"\n"
	"Exit status: 0 nothing found, 1 results reported, 2 an error (including a\n"
	"FILE that could not be read).\n";

enum { OPT_RULE = 256, OPT_SINCE, OPT_NOW, OPT_MIN_SEVERITY, OPT_STATS, OPT_ALLOW };

static int
hunt_usage_error(const char *option, const char *value, const char *help)
{
	fprintf(stderr, "sitehound: invalid %s '", option);
	fput_escaped(value, stderr);
	fprintf(stderr, "': %s\nTry 'sitehound hunt --help' for more information.\n", help);
	return EXIT_ERROR;
}

static kql_ticks
wall_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (kql_ticks)ts.tv_sec * KQL_TICKS_PER_SECOND + ts.tv_nsec / 100;
}

static int
parse_jobs(const char *text, unsigned *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || !*text || *end || v < 1 || v > JOBS_MAX)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static unsigned
default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

static void
print_diags(const struct hunt_result *res)
{
	size_t i;

	for (i = 0; i < res->ndiags; i++) {
		const struct hunt_diag *d = &res->diags[i];

		fputs("sitehound: ", stderr);
		fput_escaped(d->file, stderr);
		if (d->line > 0)
			fprintf(stderr, ":%ld", d->line);
		fputs(": ", stderr);
		fput_escaped(d->message, stderr);
		fputc('\n', stderr);
	}
	for (i = 0; i < res->nfiles; i++) {
		const struct hunt_file_stats *s = &res->files[i];

		if (s->diags_dropped == 0)
			continue;
		fputs("sitehound: ", stderr);
		fput_escaped(s->name, stderr);
		fprintf(stderr, ": %lu more problem%s not shown\n", s->diags_dropped,
			s->diags_dropped == 1 ? "" : "s");
	}
}

static void
print_stats(const struct hunt_result *res, bool always)
{
	unsigned long skipped = 0, records = 0, parsed = 0;
	size_t i;

	for (i = 0; i < res->nfiles; i++) {
		const struct hunt_file_stats *s = &res->files[i];

		skipped += s->skipped;
		records += s->records;
		parsed += s->parsed;
		if (!always)
			continue;
		fputs("sitehound: ", stderr);
		fput_escaped(s->name, stderr);
		if (s->failed) {
			fputs(": not read\n", stderr);
			continue;
		}
		fprintf(stderr, ": %s, %ld lines, %lu records, %lu rows parsed after the "
			"prefilter, %lu skipped, %lu matched\n", s->format ? s->format : "empty", s->lines,
			s->records, s->parsed, s->skipped, s->matches);
	}
	if (skipped > 0 || always)
		fprintf(stderr, "sitehound: %lu record%s read, %lu row%s parsed after the "
			"prefilter, %lu malformed record%s skipped\n", records, records == 1 ? "" : "s",
			parsed, parsed == 1 ? "" : "s", skipped, skipped == 1 ? "" : "s");
}

static int
write_results(FILE *fp, const struct hunt_result *res, enum hunt_rule rule,
	      enum seedrows_format format, unsigned long *count)
{
	size_t i;
	int rc;

	*count = 0;
	if (rule == HUNT_RULE_SEED) {
		rc = seedrows_begin(fp, format);
		for (i = 0; rc == 0 && i < res->nseed; i++)
			rc = seedrows_write(fp, format, &res->seed[i]);
		*count = res->nseed;
		if (rc == 0 && format == SEEDROWS_TEXT)
			rc = fprintf(fp, "%zu row%s\n", res->nseed, res->nseed == 1 ? "" : "s") < 0
				? -EIO : 0;
		return rc;
	}
	{
		struct out_writer w;

		out_init(&w, fp, format == SEEDROWS_JSONL ? OUT_JSONL : OUT_TEXT);
		rc = 0;
		for (i = 0; rc == 0 && i < res->nfindings; i++)
			rc = out_finding(&w, &res->findings[i]);
		if (rc == 0)
			rc = out_finish(&w, false);
		*count = w.count;
		return rc;
	}
}

/* Parses --now; RFC 3339 allows a lower-case 't' and 'z', which Kusto does not. */
static int
parse_now(const char *text, kql_ticks *out)
{
	char upper[64];
	size_t i, len = strlen(text);

	if (len >= sizeof(upper))
		return -EINVAL;
	for (i = 0; i < len; i++)
		upper[i] = text[i] == 't' || text[i] == 'z' ? (char)(text[i] - 'a' + 'A') : text[i];
	return kql_parse_datetime(upper, len, out);
}

/* Rejects standard input named twice: it can be read only once. */
static int
check_inputs(char **files, size_t n)
{
	size_t i, dashes = 0;

	struct stat st;

	for (i = 0; i < n; i++)
		dashes += strcmp(files[i], "-") == 0;
	if (dashes > 0 && fstat(STDIN_FILENO, &st) < 0) {
		fprintf(stderr, "sitehound: -: cannot read standard input: %s\n", strerror(errno));
		return -EBADF;
	}
	if (dashes > 1) {
		fputs("sitehound: '-' (standard input) is named more than once; it can be read "
		      "only once\n", stderr);
		return -EINVAL;
	}
	return 0;
}

/*
 * Opens the output file without truncating it first, so that an output
 * that is also an input (the evidence) is found and left alone.
 */
static FILE *
open_output_unless_input(const char *output, char **files, size_t n)
{
	int fd = open(output, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	struct stat out, in;
	size_t i;
	FILE *fp;

	if (fd < 0) {
		fputs("sitehound: cannot open '", stderr);
		fput_escaped(output, stderr);
		fprintf(stderr, "' for writing: %s\n",
			errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &out) == 0) {
		for (i = 0; i < n; i++) {
			bool same = strcmp(files[i], "-") == 0
				? fstat(STDIN_FILENO, &in) == 0
				: stat(files[i], &in) == 0;

			if (same && in.st_dev == out.st_dev && in.st_ino == out.st_ino &&
			    S_ISREG(out.st_mode)) {
				fputs("sitehound: the output file '", stderr);
				fput_escaped(output, stderr);
				fputs("' is also an input; choose another output file\n", stderr);
				close(fd);
				return NULL;
			}
		}
	}
	if (ftruncate(fd, 0) < 0 && errno != EINVAL) {
		fputs("sitehound: cannot truncate '", stderr);
		fput_escaped(output, stderr);
		fprintf(stderr, "': %s\n", strerror(errno));
		close(fd);
		return NULL;
	}
	fp = fdopen(fd, "w");
	if (!fp)
		close(fd);
	return fp;
}

int
cmd_hunt(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rule", required_argument, NULL, OPT_RULE },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "min-severity", required_argument, NULL, OPT_MIN_SEVERITY },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hunt_options opt = {
		.rule = HUNT_RULE_DEFAULT,
		.jobs = default_jobs(),
		.min_severity = SEV_LOW,
	};
	enum seedrows_format format = SEEDROWS_TEXT;
	const char *output = NULL, *since = NULL, *allow_file = NULL;
	struct allowlist allow;
	bool now_given = false, stats = false;
	struct hunt_result res;
	unsigned long count = 0;
	FILE *fp = stdout;
	int c, rc, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:o:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_RULE:
			if (strcmp(optarg, "seed") == 0)
				opt.rule = HUNT_RULE_SEED;
			else if (strcmp(optarg, "default") == 0)
				opt.rule = HUNT_RULE_DEFAULT;
			else
				return hunt_usage_error("--rule", optarg, "use default or seed");
			break;
		case OPT_SINCE:
			since = optarg;
			if (strcmp(optarg, "all") != 0 &&
			    kql_parse_timespan(optarg, strlen(optarg), &opt.window.span) < 0)
				return hunt_usage_error("--since", optarg,
							"use a Kusto timespan such as 24h, 7d or 90m, or all");
			break;
		case OPT_NOW:
			if (parse_now(optarg, &opt.window.now) < 0)
				return hunt_usage_error("--now", optarg,
							"use an RFC 3339 time such as 2024-05-01T12:00:00Z");
			now_given = true;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				format = SEEDROWS_TEXT;
			else if (strcmp(optarg, "jsonl") == 0)
				format = SEEDROWS_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				format = SEEDROWS_CSV;
			else
				return hunt_usage_error("--format", optarg, "use text, jsonl or csv");
			break;
		case 'o':
			output = optarg;
			break;
		case 'j':
			if (parse_jobs(optarg, &opt.jobs) < 0)
				return hunt_usage_error("--jobs", optarg, "use a number from 1 to 64");
			break;
		case OPT_MIN_SEVERITY:
			if (severity_parse(optarg, &opt.min_severity) < 0)
				return hunt_usage_error("--min-severity", optarg,
							"use info, low, medium or high");
			break;
		case OPT_STATS:
			stats = true;
			break;
		case OPT_ALLOW:
			allow_file = optarg;
			break;
		case 'h':
			fputs(hunt_usage, stdout);
			return EXIT_CLEAN;
		case ':':
			fprintf(stderr, "sitehound: option '%s' needs a value\n", argv[optind - 1]);
			fputs("Try 'sitehound hunt --help' for more information.\n", stderr);
			return EXIT_ERROR;
		default:
			fputs("sitehound: unknown option '", stderr);
			fput_escaped(argv[optind - 1], stderr);
			fputs("'\nTry 'sitehound hunt --help' for more information.\n", stderr);
			return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		fputs("sitehound: hunt needs at least one FILE ('-' for standard input)\n"
		      "Try 'sitehound hunt --help' for more information.\n", stderr);
		return EXIT_ERROR;
	}
	if (format == SEEDROWS_CSV && opt.rule != HUNT_RULE_SEED) {
		fputs("sitehound: --format csv prints the seed rule's rows; use it with --rule seed,\n"
		      "or use text or jsonl for findings\n", stderr);
		return EXIT_ERROR;
	}
	/* The published query looks back 24 hours; the default rule has no window. */
	if (!since && opt.rule == HUNT_RULE_SEED) {
		opt.window.span = (kql_ticks)24 * 3600 * KQL_TICKS_PER_SECOND;
		opt.window.enabled = true;
	} else if (since && strcmp(since, "all") != 0) {
		opt.window.enabled = true;
	}
	if (!now_given)
		opt.window.now = wall_clock();
	else if (!opt.window.enabled)
		fputs("sitehound: warning: --now has no effect when there is no time window "
		      "(--since all, or the default rule without --since)\n", stderr);
	if (check_inputs(argv + optind, (size_t)(argc - optind)) < 0)
		return EXIT_ERROR;
	if (allow_file && opt.rule == HUNT_RULE_SEED)
		fputs("sitehound: warning: --allow has no effect with --rule seed, which returns "
		      "the published query's rows unchanged\n", stderr);
	memset(&allow, 0, sizeof(allow));
	if (allow_file && opt.rule != HUNT_RULE_SEED) {
		if (load_allowlist(allow_file, &allow) < 0)
			return EXIT_ERROR;
		opt.allow = &allow;
	}

	if (output) {
		fp = open_output_unless_input(output, argv + optind, (size_t)(argc - optind));
		if (!fp) {
			allowlist_free(&allow);
			return EXIT_ERROR;
		}
	}

	rc = hunt_run(&opt, argv + optind, (size_t)(argc - optind), &res);
	allowlist_free(&allow);
	if (rc == -ENOMEM) {
		fputs("sitehound: out of memory\n", stderr);
		if (fp != stdout)
			fclose(fp);
		return EXIT_ERROR;
	}
	print_diags(&res);
	status = EXIT_CLEAN;
	if (rc == -E2BIG) {
		fprintf(stderr, "sitehound: more matching events than fit in %zu MiB of memory; "
			"narrow the input with --since or split it\n", HUNT_KEEP_MAX >> 20);
		status = EXIT_ERROR;
	} else {
		int wrc = write_results(fp, &res, opt.rule, format, &count);

		errno = 0;
		if (fp != stdout ? fclose(fp) != 0 : fflush(fp) != 0)
			wrc = wrc ? wrc : -(errno ? errno : EIO);
		fp = stdout;
		if (wrc < 0) {
			fprintf(stderr, "sitehound: cannot write the output: %s\n", strerror(-wrc));
			status = EXIT_ERROR;
		} else if (rc == -EIO) {
			status = EXIT_ERROR;
		} else {
			status = count > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
		}
	}
	print_stats(&res, stats);
	if (rc == -EIO)
		fputs("sitehound: some files could not be read; see the messages above\n", stderr);
	if (fp != stdout)
		fclose(fp);
	hunt_result_free(&res);
	return status;
}
