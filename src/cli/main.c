/*
 * sitehound command line: argument parsing, messages and exit status.
 * This is the only code that prints or exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/common.h"
#include "core/escape.h"
#include "core/finding.h"
#include "out/out.h"
#include "provenance/allowlist.h"
#include "python/version.h"
#include "scan/discover.h"
#include "scan/scan.h"


static const char main_usage[] =
	"Usage: sitehound COMMAND [OPTION]... [ARG]...\n"
	"Find Python start-up hook persistence (MITRE ATT&CK T1546.018): .pth import\n"
	"lines, sitecustomize and usercustomize modules, and the files and settings\n"
	"that redirect where CPython looks for them.\n"
	"\n"
	"Commands:\n"
	"  scan      list every start-up hook on this host, a mounted image or\n"
	"            unpacked container (--root), or in the given paths\n"
	"  hunt      run the detection over exported Microsoft Defender events\n"
	"            (DeviceFileEvents, DeviceRegistryEvents)\n"
	"  watch     report new or changed start-up hooks as they are written,\n"
	"            with the writing process\n"
	"  emulate   run harmless versions of the published test procedures in a\n"
	"            sandbox and check that every face detects them\n"
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
	"  -r, --root DIR            scan DIR as the root of another system (a mounted\n"
	"                            disk image or unpacked container); paths resolve\n"
	"                            inside DIR and are reported as on that system\n"
	"  -f, --format FORMAT       'text' (default) or 'jsonl', one record per line\n"
	"  -o, --output FILE         write to FILE instead of standard output; FILE\n"
	"                            must not be a symbolic link\n"
	"  -l, --list-sites          list the installations and site directories found,\n"
	"                            and why each counts, then exit\n"
	"      --min-severity LEVEL  report findings at or above LEVEL: info, low\n"
	"                            (default), medium or high\n"
	"      --python-version VER  apply the rules of CPython release VER (such as\n"
	"                            3.12.4) to PATH arguments; default: every release\n"
	"                            from 2.7 on\n"
	"      --max-depth N         look for virtual environments N directories deep\n"
	"                            below each search root (default 6)\n"
	"      --network-mounts      also search NFS, CIFS and FUSE file systems\n"
	"      --max-file-size BYTES read at most BYTES of one file (default 67108864);\n"
	"                            a larger file is reported\n"
	"      --allow FILE          hooks the site accepts: one SHA-256 of a whole hook\n"
	"                            file per line, then a comment saying why; such\n"
	"                            hooks are reported as info\n"
	"  -h, --help                show this help\n"
	"\n"
	"A relative PATH is taken from the current directory, or from the root of\n"
	"the scanned system with --root.\n"
	"\n"
	"Exit status: 0 nothing found at or above --min-severity, 1 findings\n"
	"reported, 2 an error (including a PATH that could not be read).\n";

struct scan_ctx {
	struct out_writer out;
	enum severity min_severity;
	int write_error;
	unsigned long diagnostics;
	unsigned long incomplete;        /* inputs or parts of the system not scanned */
	unsigned long permission_errors; /* EACCES and EPERM among the diagnostics */
	unsigned long installations;     /* listed by --list-sites */
};

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
	if (d->incomplete)
		ctx->incomplete++;
	if (d->err == EACCES || d->err == EPERM)
		ctx->permission_errors++;
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

	if (f->severity < ctx->min_severity) {
		ctx->out.below++;
		return 0;
	}
	rc = out_finding(&ctx->out, f);
	if (rc < 0) {
		ctx->write_error = rc;
		return rc;
	}
	return 0;
}

/* Returns s escaped (see core/escape.h) as a JSON string; NULL on failure. */
static json_t *
json_escaped(const char *s)
{
	struct strbuf sb;
	json_t *value = NULL;
	int truncated = 0;

	strbuf_init(&sb, 64 * 1024);
	if (escape_bytes(&sb, s, strlen(s), &truncated) == 0)
		value = json_string(sb.data ? sb.data : "");
	strbuf_free(&sb);
	return value;
}

static const char *
site_role_name(enum site_role role)
{
	switch (role) {
	case SITE_VENV:
		return "venv";
	case SITE_USER:
		return "user";
	case SITE_SYSTEM:
		return "system";
	}
	return "unknown";
}

/* One installation as a JSON object on one line (--list-sites --format jsonl). */
static int
write_install_json(FILE *fp, const struct install *inst)
{
	json_t *obj = json_object(), *syspath = json_array(), *sites = json_array();
	char lo[32], hi[32], *line = NULL;
	size_t i;
	int rc = -ENOMEM;

	if (!obj || !syspath || !sites)
		goto out;
	pyver_format(inst->ver_lo, lo, sizeof(lo));
	pyver_format(inst->ver_hi, hi, sizeof(hi));
	if (json_object_set_new(obj, "kind", json_string(install_kind_name(inst->kind))) ||
	    json_object_set_new(obj, "prefix", json_escaped(inst->prefix)) ||
	    json_object_set_new(obj, "label", json_escaped(inst->label)) ||
	    json_object_set_new(obj, "version_min", json_string(lo)) ||
	    json_object_set_new(obj, "version_max", json_string(hi)) ||
	    json_object_set_new(obj, "version_certain", json_boolean(inst->version_certain)) ||
	    json_object_set_new(obj, "version_from",
				json_escaped(inst->version_source ? inst->version_source : "")) ||
	    json_object_set_new(obj, "found_by", json_escaped(inst->why ? inst->why : "")))
		goto out;
	for (i = 0; i < inst->nsyspath; i++) {
		if (json_array_append_new(syspath, json_escaped(inst->syspath[i])))
			goto out;
	}
	for (i = 0; i < inst->nsites; i++) {
		json_t *site = json_object();

		if (!site || json_object_set_new(site, "path", json_escaped(inst->sites[i].path)) ||
		    json_object_set_new(site, "role", json_string(site_role_name(inst->sites[i].role))) ||
		    json_object_set_new(site, "why", json_string(inst->sites[i].why)) ||
		    json_array_append_new(sites, site))
			goto out;
	}
	if (json_object_set(obj, "sys_path", syspath) || json_object_set(obj, "sites", sites))
		goto out;
	line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!line)
		goto out;
	rc = fprintf(fp, "%s\n", line) < 0 ? -EIO : 0;
out:
	free(line);
	json_decref(sites);
	json_decref(syspath);
	json_decref(obj);
	return rc;
}

static int
on_install(const struct install *inst, void *opaque)
{
	struct scan_ctx *ctx = opaque;
	FILE *fp = ctx->out.fp;
	char lo[32], hi[32];
	size_t i;

	ctx->installations++;
	if (ctx->out.format == OUT_JSONL)
		return write_install_json(fp, inst);
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
       OPT_MAX_FILE_SIZE, OPT_ALLOW };

/*
 * Makes relative PATH arguments absolute against the working directory
 * when the live system is scanned. The array is the caller's to free; its
 * strings are either argv's or allocated (listed in *owned).
 */
static char **
absolute_paths(char **paths, size_t n, const char *root, char ***owned)
{
	char **out = calloc(n + 1, sizeof(*out)), *cwd = NULL;
	size_t i;

	*owned = calloc(n + 1, sizeof(**owned));
	if (!out || !*owned)
		goto fail;
	for (i = 0; i < n; i++) {
		out[i] = paths[i];
		if (paths[i][0] == '/' || strcmp(root, "/") != 0)
			continue;
		if (!cwd && !(cwd = getcwd(NULL, 0)))
			goto fail;
		if (asprintf(&(*owned)[i], "%s/%s", cwd, paths[i]) < 0) {
			(*owned)[i] = NULL;
			goto fail;
		}
		out[i] = (*owned)[i];
	}
	free(cwd);
	return out;
fail:
	free(cwd);
	free(out);
	return NULL;
}

static void
free_owned(char **owned, size_t n)
{
	size_t i;

	if (!owned)
		return;
	for (i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
}

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
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan_options opts;
	struct scan_callbacks cb;
	struct scan_ctx ctx;
	struct allowlist allow;
	enum out_format format = OUT_TEXT;
	const char *output = NULL, *allow_file = NULL;
	bool list_sites = false, version_given = false;
	char **paths = NULL, **owned = NULL;
	FILE *fp = stdout;
	int c, rc, status;

	memset(&ctx, 0, sizeof(ctx));
	ctx.min_severity = SEV_LOW;
	scan_options_init(&opts);
	opterr = 0; /* messages below name the option the way the help does */
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:f:o:lh", longopts, NULL)) != -1) {
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
			if (pyver_parse(optarg, strlen(optarg), &opts.ver_lo, &opts.ver_hi) < 0 ||
			    opts.ver_lo < PYVER_ANY_LO || PYVER_MAJOR(opts.ver_hi) > 3)
				return usage_error("--python-version", optarg,
						   "use a CPython release from 2.7 on, such as 3.12.4");
			version_given = true;
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
		case OPT_ALLOW:
			allow_file = optarg;
			break;
		case 'h':
			fputs(scan_usage, stdout);
			return EXIT_CLEAN;
		case ':':
			fprintf(stderr, "sitehound: option '%s' needs a value\n", argv[optind - 1]);
			fputs("Try 'sitehound scan --help' for more information.\n", stderr);
			return EXIT_ERROR;
		default:
			fputs("sitehound: unknown option '", stderr);
			print_escaped_stderr(argv[optind - 1]);
			fputs("'\nTry 'sitehound scan --help' for more information.\n", stderr);
			return EXIT_ERROR;
		}
	}
	opts.npaths = (size_t)(argc - optind);
	if (version_given && opts.npaths == 0)
		fputs("sitehound: warning: --python-version applies to PATH arguments only; installations found on the system use their own versions\n",
		      stderr);
	if (list_sites && opts.npaths > 0) {
		fputs("sitehound: --list-sites lists installations of the whole system and takes no PATH\n",
		      stderr);
		return EXIT_ERROR;
	}
	paths = absolute_paths(argv + optind, opts.npaths, opts.root, &owned);
	if (!paths) {
		fprintf(stderr, "sitehound: %s\n", strerror(errno ? errno : ENOMEM));
		free_owned(owned, opts.npaths);
		return EXIT_ERROR;
	}
	opts.paths = paths;
	opts.now = time(NULL);
	memset(&allow, 0, sizeof(allow));
	if (allow_file) {
		if (load_allowlist(allow_file, &allow) < 0) {
			free(paths);
			free_owned(owned, opts.npaths);
			return EXIT_ERROR;
		}
		opts.allow = &allow;
	}

	if (output) {
		fp = open_output(output);
		if (!fp) {
			fputs("sitehound: cannot open '", stderr);
			print_escaped_stderr(output);
			fprintf(stderr, "' for writing: %s\n",
				errno == ELOOP ? "it is a symbolic link" : strerror(errno));
			allowlist_free(&allow);
			free(paths);
			free_owned(owned, opts.npaths);
			return EXIT_ERROR;
		}
	}
	out_init(&ctx.out, fp, format);
	ctx.out.min_severity = ctx.min_severity;
	cb.on_finding = on_finding;
	cb.on_diag = on_diag;
	cb.on_install = list_sites ? on_install : NULL;
	cb.ctx = &ctx;

	rc = list_sites ? scan_list_sites(&opts, &cb) : scan_run(&opts, &cb);
	allowlist_free(&allow);
	free(paths);
	free_owned(owned, opts.npaths);
	if (rc == 0 && list_sites && ctx.installations == 0 && format == OUT_TEXT &&
	    fputs("no Python installations found\n", fp) < 0)
		rc = -EIO;
	if (rc == 0 && !list_sites)
		rc = out_finish(&ctx.out, ctx.diagnostics > 0);
	errno = 0;
	if (fp != stdout ? fclose(fp) != 0 : fflush(fp) != 0)
		rc = rc ? rc : -(errno ? errno : EIO);
	if (ctx.write_error || rc == -EIO || rc == -ENOSPC || rc == -EPIPE || rc == -EBADF) {
		fprintf(stderr, "sitehound: cannot write the output: %s\n",
			strerror(ctx.write_error ? -ctx.write_error : -rc));
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
	status = ctx.out.count > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
	if (list_sites)
		status = EXIT_CLEAN;
	if (ctx.incomplete)
		fprintf(stderr, "sitehound: the scan is incomplete: %lu error%s; see the messages above\n",
			ctx.incomplete, ctx.incomplete == 1 ? "" : "s");
	if (ctx.diagnostics > ctx.incomplete)
		fprintf(stderr, "sitehound: %lu warning%s; see the messages above\n",
			ctx.diagnostics - ctx.incomplete, ctx.diagnostics - ctx.incomplete == 1 ? "" : "s");
	if (ctx.permission_errors && geteuid() != 0)
		fputs("sitehound: some paths were not readable by this user; run as root to scan every account\n",
		      stderr);
	if (ctx.incomplete)
		status = EXIT_ERROR;
	return status;
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
		if (argc > 2 && strcmp(argv[1], "help") == 0 && strcmp(argv[2], "hunt") == 0) {
			fputs(hunt_usage, stdout);
			return EXIT_CLEAN;
		}
		if (argc > 2 && strcmp(argv[1], "help") == 0 && strcmp(argv[2], "watch") == 0) {
			fputs(watch_usage, stdout);
			return EXIT_CLEAN;
		}
		if (argc > 2 && strcmp(argv[1], "help") == 0 && strcmp(argv[2], "emulate") == 0) {
			fputs(emulate_usage, stdout);
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
	if (strcmp(argv[1], "hunt") == 0)
		return cmd_hunt(argc - 1, argv + 1);
	if (strcmp(argv[1], "watch") == 0)
		return cmd_watch(argc - 1, argv + 1);
	if (strcmp(argv[1], "emulate") == 0)
		return cmd_emulate(argc - 1, argv + 1);
	fprintf(stderr, "sitehound: unknown command '%s'\nTry 'sitehound --help' for the list of commands.\n",
		argv[1]);
	return EXIT_ERROR;
}
