/*
 * sitehound emulate: the command line of the detection self-test.
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/common.h"
#include "emulate/emulate.h"
#include "out/out.h"
#include "provenance/allowlist.h"

const char emulate_usage[] =
	"Usage: sitehound emulate [OPTION]...\n"
	"Run harmless versions of the published T1546.018 test procedures in a\n"
	"sandbox directory and check that every sitehound face detects them.\n"
	"\n"
	"Each Linux scenario plants a hook whose payload only creates a marker\n"
	"file in the sandbox, runs the real interpreter to show it runs, scans the\n"
	"sandbox, and hunts through the Defender events the actions produce. The\n"
	"Windows and macOS tests are checked through their telemetry. The sandbox\n"
	"(under $TMPDIR or /tmp) is removed at the end; nothing else is written\n"
	"unless --user or --system asks for it.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   'text' (default, a table) or 'jsonl'\n"
	"      --python PATH     the interpreter to run (default /usr/bin/python3)\n"
	"      --python313 PATH  a CPython 3.13 interpreter, for the form-feed .pth and\n"
	"                        the prefix sitecustomize scenarios (default: the first\n"
	"                        python3.13 found in /usr/local/bin, /usr/bin or\n"
	"                        ~/.pyenv/versions; skipped without one)\n"
	"      --with-watch      also require sitehound watch to alert on each hook\n"
	"      --allow FILE      the site allowlist that scan uses, as in a deployment\n"
	"      --user            also plant usercustomize.py in your real user site,\n"
	"                        then put back exactly what was there\n"
	"      --system          also plant a .pth in the interpreter's real\n"
	"                        site-packages, then put back exactly what was there\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 when every expected detection passed, 1 when one failed,\n"
	"2 on an error.\n";

enum { OPT_PYTHON = 256, OPT_PYTHON313, OPT_WITH_WATCH, OPT_ALLOW, OPT_USER, OPT_SYSTEM };

static int
print_jsonl(const struct emulate_result *res, size_t n)
{
	size_t i;
	int d;

	for (i = 0; i < n; i++) {
		json_t *obj = json_object(), *checks = json_object();
		char *line;

		if (!obj || !checks)
			return -ENOMEM;
		for (d = 0; d < EMULATE_DETECTORS; d++) {
			json_t *c = json_object();

			json_object_set_new(c, "outcome",
					    json_string(emulate_outcome_name(res[i].checks[d].outcome)));
			json_object_set_new(c, "reason", json_string(res[i].checks[d].reason));
			json_object_set_new(checks, emulate_detector_name((enum emulate_detector)d), c);
		}
		json_object_set_new(obj, "scenario", json_string(res[i].scenario));
		json_object_set_new(obj, "description", json_string(res[i].description));
		json_object_set_new(obj, "checks", checks);
		line = json_dumps(obj, JSON_COMPACT);
		json_decref(obj);
		if (!line)
			return -ENOMEM;
		puts(line);
		free(line);
	}
	return 0;
}

static void
print_table(const struct emulate_result *res, size_t n)
{
	size_t i;
	int d;

	printf("%-26s", "scenario");
	for (d = 0; d < EMULATE_DETECTORS; d++)
		printf(" %-8s", emulate_detector_name((enum emulate_detector)d));
	putchar('\n');
	for (i = 0; i < n; i++) {
		printf("%-26s", res[i].scenario);
		for (d = 0; d < EMULATE_DETECTORS; d++)
			printf(" %-8s", emulate_outcome_name(res[i].checks[d].outcome));
		putchar('\n');
	}
	putchar('\n');
	for (i = 0; i < n; i++) {
		for (d = 0; d < EMULATE_DETECTORS; d++) {
			if (res[i].checks[d].outcome == EMULATE_FAIL ||
			    res[i].checks[d].outcome == EMULATE_SKIPPED)
				printf("%s %s: %s\n", res[i].scenario,
				       emulate_detector_name((enum emulate_detector)d), res[i].checks[d].reason);
		}
	}
}

/* The first CPython 3.13 found in the usual places, or NULL. The result is static. */
static const char *
find_python313(void)
{
	static char found[PATH_MAX];
	const char *home = getenv("HOME");
	glob_t g;
	size_t i;

	if (access("/usr/local/bin/python3.13", X_OK) == 0)
		return "/usr/local/bin/python3.13";
	if (access("/usr/bin/python3.13", X_OK) == 0)
		return "/usr/bin/python3.13";
	if (!home)
		return NULL;
	snprintf(found, sizeof(found), "%s/.pyenv/versions/3.13*/bin/python3.13", home);
	if (glob(found, 0, NULL, &g) != 0)
		return NULL;
	for (i = g.gl_pathc; i > 0; i--) {
		if (access(g.gl_pathv[i - 1], X_OK) == 0) {
			snprintf(found, sizeof(found), "%s", g.gl_pathv[i - 1]);
			globfree(&g);
			return found;
		}
	}
	globfree(&g);
	return NULL;
}

int
cmd_emulate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "python", required_argument, NULL, OPT_PYTHON },
		{ "python313", required_argument, NULL, OPT_PYTHON313 },
		{ "with-watch", no_argument, NULL, OPT_WITH_WATCH },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "user", no_argument, NULL, OPT_USER },
		{ "system", no_argument, NULL, OPT_SYSTEM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct emulate_options opts;
	struct emulate_result *res = NULL;
	struct scan_options scan;
	struct allowlist allow;
	enum out_format format = OUT_TEXT;
	char self[PATH_MAX], sandbox[PATH_MAX];
	const char *allow_file = NULL;
	size_t n = 0, i;
	bool cleaned = false, failed = false;
	ssize_t len;
	int c, rc, d;

	memset(&opts, 0, sizeof(opts));
	memset(&allow, 0, sizeof(allow));
	scan_options_init(&scan);
	opts.python = "/usr/bin/python3";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (out_format_parse(optarg, &format) < 0) {
				fputs("sitehound: invalid value for --format; use text or jsonl\n", stderr);
				return EXIT_ERROR;
			}
			break;
		case OPT_PYTHON:
			opts.python = optarg;
			break;
		case OPT_PYTHON313:
			opts.python313 = optarg;
			break;
		case OPT_WITH_WATCH:
			opts.with_watch = true;
			break;
		case OPT_ALLOW:
			allow_file = optarg;
			break;
		case OPT_USER:
			opts.real_user = true;
			break;
		case OPT_SYSTEM:
			opts.real_system = true;
			break;
		case 'h':
			fputs(emulate_usage, stdout);
			return EXIT_CLEAN;
		default:
			fputs("sitehound: invalid option; try 'sitehound emulate --help'\n", stderr);
			return EXIT_ERROR;
		}
	}
	if (!opts.python313)
		opts.python313 = find_python313();
	if (access(opts.python, X_OK) < 0) {
		fputs("sitehound: cannot run the interpreter '", stderr);
		fput_escaped(opts.python, stderr);
		fprintf(stderr, "': %s; give one with --python\n", strerror(errno));
		return EXIT_ERROR;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		fprintf(stderr, "sitehound: cannot find this program: %s\n", strerror(errno));
		return EXIT_ERROR;
	}
	self[len] = '\0';
	opts.sitehound = self;
	if (allow_file) {
		if (load_allowlist(allow_file, &allow) < 0)
			return EXIT_ERROR;
		scan.allow = &allow;
	}
	opts.scan = &scan;
	rc = emulate_run(&opts, &res, &n, &cleaned, sandbox, sizeof(sandbox));
	allowlist_free(&allow);
	if (rc < 0) {
		fprintf(stderr, "sitehound: emulate failed: %s\n", strerror(-rc));
		return EXIT_ERROR;
	}
	if (format == OUT_JSONL)
		rc = print_jsonl(res, n);
	else
		print_table(res, n);
	for (i = 0; i < n; i++) {
		for (d = 0; d < EMULATE_DETECTORS; d++)
			failed |= res[i].checks[d].outcome == EMULATE_FAIL;
	}
	free(res);
	if (!cleaned) {
		fputs("sitehound: the sandbox '", stderr);
		fput_escaped(sandbox, stderr);
		fputs("' could not be removed completely\n", stderr);
		return EXIT_ERROR;
	}
	if (rc < 0)
		return EXIT_ERROR;
	return failed ? EXIT_FINDINGS : EXIT_CLEAN;
}
