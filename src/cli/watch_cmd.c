/*
 * sitehound watch: the command line of the real-time monitor.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli/common.h"
#include "out/out.h"
#include "provenance/allowlist.h"
#include "watch/watch.h"

const char watch_usage[] =
	"Usage: sitehound watch [OPTION]... [DIR]...\n"
	"Scan once, then report every start-up hook that appears, changes, is moved\n"
	"into place or disappears, with the process that wrote it, until stopped\n"
	"with SIGTERM or Ctrl-C.\n"
	"\n"
	"With no DIR, watch the file systems that hold the site directories of\n"
	"every installation, /etc, /home, /root and the cron spool. fanotify is\n"
	"used when running as root, else recursive inotify, which cannot name\n"
	"writers. Each DIR is watched instead, with its subdirectories.\n"
	"\n"
	"Options:\n"
	"  -r, --root DIR            watch DIR as the root of another system (a mounted\n"
	"                            image or container tree); paths are reported as on\n"
	"                            that system; no DIR arguments then\n"
	"  -f, --format FORMAT       'text' (default) or 'jsonl', one record per line\n"
	"  -o, --output FILE         append to FILE instead of standard output; FILE\n"
	"                            must not be a symbolic link, and SIGHUP reopens it\n"
	"                            for log rotation\n"
	"      --min-severity LEVEL  report alerts at or above LEVEL: info, low\n"
	"                            (default), medium or high; loss records are always\n"
	"                            reported\n"
	"      --allow FILE          hooks the site accepts (see sitehound scan --help)\n"
	"      --inotify             use inotify even when fanotify is available\n"
	"      --no-baseline         skip the scan at start\n"
	"  -h, --help                show this help\n"
	"\n"
	"Start, stop, the mode, losses and rescans also go to syslog (daemon facility).\n"
	"\n"
	"Exit status: 0 stopped by a signal, 2 an error.\n";

enum { OPT_MIN_SEVERITY = 256, OPT_ALLOW, OPT_INOTIFY, OPT_NO_BASELINE };

struct watch_ctx {
	struct out_writer out;
	const char *output;
	FILE *fp;
	enum out_format format;
	enum severity min_severity;
	int write_error;
};

static int
on_finding(const struct finding *f, void *opaque)
{
	struct watch_ctx *ctx = opaque;
	bool loss = strcmp(f->kind, "loss") == 0;
	int rc;

	if (!loss && f->severity < ctx->min_severity)
		return 0;
	rc = out_finding(&ctx->out, f);
	if (rc < 0) {
		ctx->write_error = rc;
		return rc;
	}
	return 0;
}

static void
on_diag(const struct scan_diag *d, void *opaque)
{
	(void)opaque;
	fputs("sitehound: ", stderr);
	fput_escaped(d->path, stderr);
	if (d->line > 0)
		fprintf(stderr, ":%ld", d->line);
	fprintf(stderr, ": %s", d->message ? d->message : "cannot read");
	if (d->err)
		fprintf(stderr, ": %s", strerror(d->err));
	fputc('\n', stderr);
}

static void
on_log(enum watch_log_level level, const char *message, void *opaque)
{
	static const int priority[] = { LOG_INFO, LOG_WARNING, LOG_ERR };

	(void)opaque;
	fputs("sitehound: ", stderr);
	fput_escaped(message, stderr);
	fputc('\n', stderr);
	syslog(priority[level], "%s", message);
}

/* Opens FILE for appending; a symbolic link, a pipe or a device is rejected (errno set). */
static FILE *
open_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
		      0640);
	struct stat st;
	FILE *fp;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    fcntl(fd, F_SETFL, O_WRONLY | O_APPEND) < 0) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	fp = fdopen(fd, "a");
	if (!fp)
		close(fd);
	return fp;
}

static int
on_reopen(void *opaque)
{
	struct watch_ctx *ctx = opaque;
	FILE *fp;

	if (!ctx->output)
		return 0;
	fp = open_append(ctx->output);
	if (!fp)
		return -errno;
	fclose(ctx->fp);
	ctx->fp = fp;
	out_init(&ctx->out, fp, ctx->format);
	ctx->out.min_severity = ctx->min_severity;
	return 0;
}

static void
on_batch_end(void *opaque)
{
	struct watch_ctx *ctx = opaque;

	if (fflush(ctx->fp) != 0 && !ctx->write_error)
		ctx->write_error = -errno;
}

static int
watch_usage_error(const char *option, const char *value, const char *hint)
{
	fprintf(stderr, "sitehound: invalid value for %s: '", option);
	fput_escaped(value, stderr);
	fprintf(stderr, "'; %s\nTry 'sitehound watch --help' for more information.\n", hint);
	return EXIT_ERROR;
}

int
cmd_watch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "min-severity", required_argument, NULL, OPT_MIN_SEVERITY },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "inotify", no_argument, NULL, OPT_INOTIFY },
		{ "no-baseline", no_argument, NULL, OPT_NO_BASELINE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch_options opts;
	struct watch_callbacks cb;
	struct watch_ctx ctx;
	struct allowlist allow;
	const char *allow_file = NULL;
	char **paths = NULL;
	int c, rc, i;

	memset(&ctx, 0, sizeof(ctx));
	memset(&opts, 0, sizeof(opts));
	memset(&allow, 0, sizeof(allow));
	ctx.min_severity = SEV_LOW;
	ctx.format = OUT_TEXT;
	ctx.fp = stdout;
	scan_options_init(&opts.scan);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opts.scan.root = optarg;
			break;
		case 'f':
			if (out_format_parse(optarg, &ctx.format) < 0)
				return watch_usage_error("--format", optarg, "use text or jsonl");
			break;
		case 'o':
			ctx.output = optarg;
			break;
		case OPT_MIN_SEVERITY:
			if (severity_parse(optarg, &ctx.min_severity) < 0)
				return watch_usage_error("--min-severity", optarg,
							 "use info, low, medium or high");
			break;
		case OPT_ALLOW:
			allow_file = optarg;
			break;
		case OPT_INOTIFY:
			opts.inotify_only = true;
			break;
		case OPT_NO_BASELINE:
			opts.no_baseline = true;
			break;
		case 'h':
			fputs(watch_usage, stdout);
			return EXIT_CLEAN;
		case ':':
			fprintf(stderr, "sitehound: option '%s' needs a value\n", argv[optind - 1]);
			fputs("Try 'sitehound watch --help' for more information.\n", stderr);
			return EXIT_ERROR;
		default:
			fputs("sitehound: unknown option '", stderr);
			fput_escaped(argv[optind - 1], stderr);
			fputs("'\nTry 'sitehound watch --help' for more information.\n", stderr);
			return EXIT_ERROR;
		}
	}
	for (i = optind; i < argc; i++) {
		if (argv[i][0] != '/') {
			fputs("sitehound: watch needs absolute directories: '", stderr);
			fput_escaped(argv[i], stderr);
			fputs("'\n", stderr);
			return EXIT_ERROR;
		}
	}
	if (optind < argc && strcmp(opts.scan.root, "/") != 0) {
		fputs("sitehound: watch --root takes no DIR arguments: it watches the whole tree\n",
		      stderr);
		return EXIT_ERROR;
	}
	if (optind < argc) {
		paths = argv + optind;
		opts.scan.paths = paths;
		opts.scan.npaths = (size_t)(argc - optind);
	}
	if (allow_file) {
		if (load_allowlist(allow_file, &allow) < 0)
			return EXIT_ERROR;
		opts.scan.allow = &allow;
	}
	if (ctx.output) {
		ctx.fp = open_append(ctx.output);
		if (!ctx.fp) {
			fputs("sitehound: cannot open '", stderr);
			fput_escaped(ctx.output, stderr);
			fprintf(stderr, "' for appending: %s\n",
				errno == ELOOP ? "it is a symbolic link"
				: errno == EINVAL || errno == ENXIO ? "not a regular file"
				: strerror(errno));
			allowlist_free(&allow);
			return EXIT_ERROR;
		}
	}
	out_init(&ctx.out, ctx.fp, ctx.format);
	ctx.out.min_severity = ctx.min_severity;
	opts.min_severity = ctx.min_severity;
	openlog("sitehound", LOG_PID, LOG_DAEMON);

	memset(&cb, 0, sizeof(cb));
	cb.on_finding = on_finding;
	cb.on_diag = on_diag;
	cb.on_log = on_log;
	cb.on_reopen = on_reopen;
	cb.on_batch_end = on_batch_end;
	cb.ctx = &ctx;
	rc = watch_run(&opts, &cb);
	fflush(ctx.fp);
	if (ctx.fp != stdout)
		fclose(ctx.fp);
	closelog();
	allowlist_free(&allow);
	if (rc == -ENOENT) {
		fputs("sitehound: nothing to watch: none of the directories exists\n", stderr);
		return EXIT_ERROR;
	}
	if (rc == -ENOTDIR || rc == -EACCES) {
		fputs("sitehound: cannot open root '", stderr);
		fput_escaped(opts.scan.root, stderr);
		fprintf(stderr, "': %s\n", strerror(-rc));
		return EXIT_ERROR;
	}
	if (rc < 0 || ctx.write_error) {
		fprintf(stderr, "sitehound: watch failed: %s\n",
			strerror(rc < 0 ? -rc : -ctx.write_error));
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}
