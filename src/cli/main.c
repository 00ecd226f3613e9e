/*
 * sitehound command line: argument parsing, messages and exit status.
 * This is the only code that prints or exits.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/finding.h"
#include "out/out.h"
#include "python/version.h"
#include "scan/discover.h"
#include "scan/scan.h"

#define EXIT_CLEAN 0
#define EXIT_FINDINGS 1
#define EXIT_ERROR 2

static const char main_usage[] =
	"Usage: sitehound COMMAND [OPTION]... [ARG]...\n"
	"Find Python start-up hook persistence (MITRE ATT&CK T1546.018): .pth import\n"
	"lines, sitecustomize and usercustomize modules, and the files and settings\n"
	"that redirect where CPython looks for them.\n"
	"\n"
	"Commands:\n"
	"  scan      list every start-up hook on this host, a mounted image or\n"
	"            unpacked container (--root), or in the given paths\n"
	"\n"
	"Options:\n"
	"  -h, --help     show this help, or a command's help with COMMAND --help\n"
	"  -V, --version  show the version\n"
	"\n"
	"Exit status: 0 nothing found at or above the reporting threshold,\n"
	"1 findings reported, 2 an error.\n";

static const char scan_usage[] =
	"Usage: sitehound scan [OPTION]... [PATH]...\n"
	"Find every Python start-up hook without running any Python.\n"
	"\n"
	"With no PATH, discover every Python installation (system, /opt, pyenv,\n"
	"conda, uv, pipx, virtual environments, each account's user site) and read\n"
	"its site directories as that interpreter version would. Each PATH is a\n"
	"file (.pth, ._pth, .start, pyvenv.cfg, sitecustomize or usercustomize\n"
	"module) or a directory read as a site directory.\n"
	"\n"
	"Options:\n"
	"  -r, --root DIR          scan DIR as the root of another system (a mounted\n"
	"                          disk image or unpacked container); paths resolve\n"
	"                          inside DIR and are reported as on that system\n"
	"  -f, --format FORMAT     'text' (default) or 'jsonl', one finding per line\n"
	"  -o, --output FILE       write findings to FILE instead of standard output\n"
	"  -l, --list-sites        list the installations and site directories found,\n"
	"                          and why each counts, then exit\n"
	"      --min-severity LEVEL  report findings at or above LEVEL: info, low\n"
	"                          (default), medium or high\n"
	"      --python-version VERSION  apply the rules of this CPython release\n"
	"                          (for example 3.12.4) to PATH arguments; default:\n"
	"                          every release from 2.7 on\n"
	"      --max-depth N       look for virtual environments N directories deep\n"
	"                          below each search root (default 6)\n"
	"      --network-mounts    also search NFS, CIFS and FUSE file systems\n"
	"      --max-file-size BYTES  read at most BYTES of one file (default\n"
	"                          67108864); a larger file is reported\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 nothing found at or above --min-severity, 1 findings\n"
	"reported, 2 an error.\n";

struct scan_ctx {
	struct out_writer out;
	enum severity min_severity;
	int write_error;
	unsigned long diagnostics;
};

/* Prints s with hostile bytes escaped (see core/escape.h). */
static void
fput_escaped(const char *s, FILE *fp)
{
	struct strbuf sb;
	int truncated = 0;

	strbuf_init(&sb, 64 * 1024);
	if (escape_bytes(&sb, s, strlen(s), &truncated) == 0 && sb.data)
		fputs(sb.data, fp);
	else
		fputs("?", fp);
	strbuf_free(&sb);
}

static void
print_escaped_stderr(const char *s)
{
	fput_escaped(s, stderr);
}

static void
on_diag(const struct scan_diag *d, void *opaque)
{
	struct scan_ctx *ctx = opaque;

	ctx->diagnostics++;
	fputs("sitehound: ", stderr);
	if (d->err && !d->message) {
		fputs("cannot read '", stderr);
		print_escaped_stderr(d->path);
		fprintf(stderr, "': %s\n", strerror(d->err));
		return;
	}
	print_escaped_stderr(d->path);
	if (d->line > 0)
		fprintf(stderr, ":%ld", d->line);
	fprintf(stderr, ": %s", d->message ? d->message : "");
	if (d->err)
		fprintf(stderr, ": %s", strerror(d->err));
	fputc('\n', stderr);
}

static int
on_finding(const struct finding *f, void *opaque)
{
	struct scan_ctx *ctx = opaque;
	int rc;

	if (f->severity < ctx->min_severity)
		return 0;
	rc = out_finding(&ctx->out, f);
	if (rc < 0) {
		ctx->write_error = rc;
		return rc;
	}
	return 0;
}

static int
on_install(const struct install *inst, void *opaque)
{
	struct scan_ctx *ctx = opaque;
	FILE *fp = ctx->out.fp;
	char lo[32], hi[32];
	size_t i;

	fprintf(fp, "installation %s ", install_kind_name(inst->kind));
	fput_escaped(inst->prefix, fp);
	fputs("\n  version: ", fp);
	fput_escaped(inst->label, fp);
	if (!inst->version_certain) {
		pyver_format(inst->ver_lo, lo, sizeof(lo));
		pyver_format(inst->ver_hi, hi, sizeof(hi));
		fprintf(fp, " (uncertain: any release from %s to %s)", lo, hi);
	}
	fputs("\n  version from: ", fp);
	fput_escaped(inst->version_source ? inst->version_source : "-", fp);
	fputs("\n  found by: ", fp);
	fput_escaped(inst->why ? inst->why : "-", fp);
	fputc('\n', fp);
	for (i = 0; i < inst->nsyspath; i++) {
		fputs("  sys.path: ", fp);
		fput_escaped(inst->syspath[i], fp);
		fputc('\n', fp);
	}
	for (i = 0; i < inst->nsites; i++) {
		fputs("  site: ", fp);
		fput_escaped(inst->sites[i].path, fp);
		fprintf(fp, " (%s)\n", inst->sites[i].why);
	}
	return ferror(fp) ? -EIO : 0;
}

static int
parse_size(const char *text, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!*text || *text == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end || v == 0 || v > SIZE_MAX / 2)
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

static int
parse_depth(const char *text, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || !*text || *end || v < 0 || v > 64)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* Reports an invalid option value; help names the accepted values. */
static int
usage_error(const char *option, const char *value, const char *help)
{
	fprintf(stderr, "sitehound: invalid %s '", option);
	print_escaped_stderr(value);
	fprintf(stderr, "': %s\nTry 'sitehound scan --help' for more information.\n", help);
	return EXIT_ERROR;
}

enum { OPT_MIN_SEVERITY = 256, OPT_PYTHON_VERSION, OPT_MAX_DEPTH, OPT_NETWORK_MOUNTS,
       OPT_MAX_FILE_SIZE };

static int
cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-sites", no_argument, NULL, 'l' },
		{ "min-severity", required_argument, NULL, OPT_MIN_SEVERITY },
		{ "python-version", required_argument, NULL, OPT_PYTHON_VERSION },
		{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
		{ "network-mounts", no_argument, NULL, OPT_NETWORK_MOUNTS },
		{ "max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan_options opts;
	struct scan_callbacks cb;
	struct scan_ctx ctx;
	enum out_format format = OUT_TEXT;
	const char *output = NULL;
	bool list_sites = false;
	FILE *fp = stdout;
	int c, rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.min_severity = SEV_LOW;
	scan_options_init(&opts);
	argv[0] = (char *)"sitehound scan"; /* getopt names argv[0] in its messages */
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:f:o:lh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opts.root = optarg;
			break;
		case 'f':
			if (out_format_parse(optarg, &format) < 0)
				return usage_error("--format", optarg, "use text or jsonl");
			break;
		case 'o':
			output = optarg;
			break;
		case 'l':
			list_sites = true;
			break;
		case OPT_MIN_SEVERITY:
			if (severity_parse(optarg, &ctx.min_severity) < 0)
				return usage_error("--min-severity", optarg,
						   "use info, low, medium or high");
			break;
		case OPT_PYTHON_VERSION:
			if (pyver_parse(optarg, strlen(optarg), &opts.ver_lo, &opts.ver_hi) < 0)
				return usage_error("--python-version", optarg,
						   "use a CPython version such as 3.12.4");
			break;
		case OPT_MAX_DEPTH:
			if (parse_depth(optarg, &opts.max_depth) < 0)
				return usage_error("--max-depth", optarg, "use a number from 0 to 64");
			break;
		case OPT_NETWORK_MOUNTS:
			opts.network_mounts = true;
			break;
		case OPT_MAX_FILE_SIZE:
			if (parse_size(optarg, &opts.max_file_size) < 0)
				return usage_error("--max-file-size", optarg,
						   "use a positive number of bytes");
			break;
		case 'h':
			fputs(scan_usage, stdout);
			return EXIT_CLEAN;
		default:
			fputs("Try 'sitehound scan --help' for more information.\n", stderr);
			return EXIT_ERROR;
		}
	}
	opts.paths = argv + optind;
	opts.npaths = (size_t)(argc - optind);
	opts.now = time(NULL);

	if (output) {
		fp = fopen(output, "w");
		if (!fp) {
			fprintf(stderr, "sitehound: cannot open '%s' for writing: %s\n", output,
				strerror(errno));
			return EXIT_ERROR;
		}
	}
	out_init(&ctx.out, fp, format);
	cb.on_finding = on_finding;
	cb.on_diag = on_diag;
	cb.on_install = list_sites ? on_install : NULL;
	cb.ctx = &ctx;

	rc = list_sites ? scan_list_sites(&opts, &cb) : scan_run(&opts, &cb);
	if (rc == 0 && !list_sites)
		rc = out_finish(&ctx.out);
	if (fp != stdout ? fclose(fp) != 0 : fflush(fp) != 0)
		rc = rc ? rc : -EIO;
	if (ctx.write_error || rc == -EIO) {
		fprintf(stderr, "sitehound: cannot write findings: %s\n",
			strerror(ctx.write_error ? -ctx.write_error : EIO));
		return EXIT_ERROR;
	}
	if (rc < 0) {
		fputs("sitehound: scan failed: ", stderr);
		if (rc == -ENOENT || rc == -ENOTDIR || rc == -EACCES) {
			fputs("cannot open root '", stderr);
			print_escaped_stderr(opts.root);
			fprintf(stderr, "': %s\n", strerror(-rc));
		} else {
			fprintf(stderr, "%s\n", strerror(-rc));
		}
		return EXIT_ERROR;
	}
	if (ctx.diagnostics)
		fprintf(stderr, "sitehound: %lu warning%s; see the messages above\n",
			ctx.diagnostics, ctx.diagnostics == 1 ? "" : "s");
	if (list_sites)
		return EXIT_CLEAN;
	return ctx.out.count > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_usage, stderr);
		return EXIT_ERROR;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0 && strcmp(argv[2], "scan") == 0) {
			fputs(scan_usage, stdout);
			return EXIT_CLEAN;
		}
		fputs(main_usage, stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("sitehound %s\n", SITEHOUND_VERSION);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	fprintf(stderr, "sitehound: unknown command '%s'\nTry 'sitehound --help' for the list of commands.\n",
		argv[1]);
	return EXIT_ERROR;
}
