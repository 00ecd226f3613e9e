#include "emulate/emulate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/strbuf.h"
#include "hunt/hunt.h"
#include "scan/fsroot.h"

/* How long the watcher may take to report a planted hook. */
#define WATCH_WAIT_MS 5000
/* Bytes of watcher output kept. */
#define WATCH_OUTPUT_MAX (4u << 20)

/* One scenario: what it plants, how it is triggered and which detectors apply. */
struct scenario {
	const char *name;
	const char *description;
	bool executed;        /* runs on this host; else checked through telemetry only */
	bool hunt, seed;      /* the default rule and the published query are meant to see it */
	const char *folder;   /* telemetry-only: the folder and file of the event */
	const char *file;
	const char *writer;   /* telemetry: the writing process and command line */
	const char *writer_cmd;
};

static const struct scenario scenarios[] = {
	{ "venv-pth", "a .pth in a fresh virtual environment (Atomic Red Team test 3)", true,
	  true, true, NULL, NULL, "sh", "sh -c 'echo ... > atomic_hook.pth'" },
	{ "user-usercustomize", "usercustomize.py in the user site of a sandbox home (test 5)",
	  true, true, true, NULL, NULL, "sh", "sh -c 'echo ... > usercustomize.py'" },
	{ "prefix-sitecustomize", "sitecustomize.py in the site directory of a sandbox prefix",
	  true, true, true, NULL, NULL, "sh", "sh -c 'echo ... > sitecustomize.py'" },
	{ "profile-pythonstartup", "PYTHONSTARTUP set in a sandbox shell profile", true, false,
	  false, NULL, NULL, NULL, NULL },
	{ "pythonpath-sitecustomize", "a PYTHONPATH directory that shadows sitecustomize", true,
	  true, true, NULL, NULL, "sh", "sh -c 'echo ... > sitecustomize.py'" },
	{ "form-feed-pth", "a .pth whose import line follows a form feed (CPython 3.13)", true,
	  true, true, NULL, NULL, "sh", "sh -c 'printf ... > ff.pth'" },
	{ "sourceless-sitecustomize", "a sitecustomize.pyc with no source", true, true, true,
	  NULL, NULL, "python3", "python3 -m py_compile sitecustomize.py" },
	{ "windows-pth", "Atomic Red Team test 1: atomic_hook.pth in a Windows venv (telemetry)",
	  false, true, true, "C:\\Users\\alice\\AppData\\Local\\Temp\\atomic_pth_win\\env\\Lib\\site-packages",
	  "atomic_hook.pth", "powershell.exe",
	  "powershell.exe -ExecutionPolicy Bypass -Command Set-Content atomic_hook.pth" },
	{ "windows-usercustomize", "Atomic Red Team test 2: usercustomize.py on Windows (telemetry)",
	  false, true, true, "C:\\Users\\alice\\AppData\\Roaming\\Python\\Python312\\site-packages",
	  "usercustomize.py", "powershell.exe",
	  "powershell.exe -ExecutionPolicy Bypass -Command Set-Content usercustomize.py" },
	{ "macos-pth", "Atomic Red Team test 4: atomic_hook.pth in a macOS venv (telemetry)", false,
	  true, true, "/private/tmp/atomic_python_hook_ab12/env/lib/python3.12/site-packages",
	  "atomic_hook.pth", "zsh", "zsh -c 'echo ... > atomic_hook.pth'" },
};

#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

const char *
emulate_detector_name(enum emulate_detector d)
{
	static const char *const names[EMULATE_DETECTORS] = { "payload", "scan", "hunt", "seed",
							      "watch" };

	return (unsigned)d < EMULATE_DETECTORS ? names[d] : "?";
}

const char *
emulate_outcome_name(enum emulate_outcome o)
{
	switch (o) {
	case EMULATE_NOT_EXPECTED:
		return "-";
	case EMULATE_PASS:
		return "pass";
	case EMULATE_FAIL:
		return "FAIL";
	case EMULATE_SKIPPED:
		return "skipped";
	}
	return "?";
}

/* snprintf() for paths under the sandbox, which are far shorter than PATH_MAX. */
static void
fmt(char *out, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));

static void
fmt(char *out, size_t size, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(out, size, format, ap);
	va_end(ap);
}

static void
set_check(struct emulate_result *r, enum emulate_detector d, enum emulate_outcome o,
	  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
set_check(struct emulate_result *r, enum emulate_detector d, enum emulate_outcome o,
	  const char *fmt, ...)
{
	va_list ap;

	r->checks[d].outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->checks[d].reason, sizeof(r->checks[d].reason), fmt, ap);
	va_end(ap);
}

static int
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -errno;
	fputs(text, fp);
	return fclose(fp) == 0 ? 0 : -errno;
}

static int
make_dirs(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	fmt(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* The directory every interpreter runs in, so that payloads can name their marker relatively. */
static const char *run_dir;

/* Runs argv with env, stdin from /dev/null, in run_dir; returns its exit status. */
static int
run(char *const argv[], char *const env[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (run_dir && chdir(run_dir) < 0)
			_exit(126);
		execve(argv[0], argv, env);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/*
 * The payload of every executed scenario: it only creates the marker file
 * marker-NAME in the sandbox, where the interpreter runs. The text does not
 * depend on the sandbox's name, so a site can compute its hash.
 */
static void
payload(char *out, size_t size, const char *name)
{
	fmt(out, size, "import os; os.system('echo ran > marker-%s')\n", name);
}

/* The interpreter's X.Y, read by running it. */
static int
python_version(const char *python, char *out, size_t size)
{
	char cmd[PATH_MAX + 64];
	FILE *p;

	fmt(cmd, sizeof(cmd), "'%s' -c 'import sys; print(\"%%d.%%d\" %% sys.version_info[:2])'",
		 python);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	if (!fgets(out, (int)size, p)) {
		pclose(p);
		return -EINVAL;
	}
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* Scans paths (or the tree at root) and reports whether path has a high finding. */
struct scan_probe {
	const char *path;
	bool high;
	char seen[128];
};

static int
probe_finding(const struct finding *f, void *ctx)
{
	struct scan_probe *p = ctx;

	if (strcmp(f->path, p->path) == 0) {
		if (f->severity == SEV_HIGH)
			p->high = true;
		else if (!p->seen[0])
			fmt(p->seen, sizeof(p->seen), "%s %s", severity_name(f->severity), f->rule);
	}
	return 0;
}

static void
probe_diag(const struct scan_diag *d, void *ctx)
{
	(void)d;
	(void)ctx;
}

static void
check_scan(const struct emulate_options *opts, struct emulate_result *r, const char *root,
	   const char *target, const char *report_path)
{
	struct scan_options so = *opts->scan;
	struct scan_probe probe = { report_path, false, "" };
	struct scan_callbacks cb = { probe_finding, probe_diag, NULL, &probe };
	char *paths[1];
	int rc;

	so.now = time(NULL);
	if (root) {
		so.root = root;
		so.paths = NULL;
		so.npaths = 0;
	} else {
		paths[0] = (char *)(uintptr_t)target;
		so.paths = paths;
		so.npaths = 1;
	}
	rc = scan_run(&so, &cb);
	if (rc < 0)
		set_check(r, EMULATE_SCAN, EMULATE_FAIL, "scan failed: %s", strerror(-rc));
	else if (probe.high)
		set_check(r, EMULATE_SCAN, EMULATE_PASS, "high finding for %s", report_path);
	else
		set_check(r, EMULATE_SCAN, EMULATE_FAIL, "no high finding for %s%s%s", report_path,
			  probe.seen[0] ? "; got " : "", probe.seen);
}

/* Writes the Defender file event that planting the hook would produce, as a JSON line. */
static int
write_event(FILE *fp, const char *scenario, const char *folder, const char *file,
	    const char *writer, const char *cmd)
{
	char stamp[40];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Folder and file names here contain no quotes or control bytes; backslashes are escaped. */
	fprintf(fp, "{\"Timestamp\": \"%s\", \"DeviceName\": \"%s\", \"ActionType\": \"FileCreated\", "
		"\"FolderPath\": \"", stamp, scenario);
	for (; *folder; folder++)
		fprintf(fp, *folder == '\\' ? "\\\\" : "%c", *folder);
	fprintf(fp, "\", \"FileName\": \"%s\", \"InitiatingProcessFileName\": \"%s\", "
		"\"InitiatingProcessCommandLine\": \"%s\", \"InitiatingProcessAccountName\": \"alice\"}\n",
		file, writer, cmd);
	return ferror(fp) ? -EIO : 0;
}

static void
check_hunt(struct emulate_result *r, const struct scenario *sc, const char *events)
{
	char *files[1] = { (char *)(uintptr_t)events };
	enum hunt_rule rules[2] = { HUNT_RULE_DEFAULT, HUNT_RULE_SEED };
	enum emulate_detector dets[2] = { EMULATE_HUNT, EMULATE_SEED };
	bool expected[2] = { sc->hunt, sc->seed };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		struct hunt_options ho;
		struct hunt_result res;
		struct timespec ts;
		bool found = false;
		int rc;

		if (!expected[k]) {
			set_check(r, dets[k], EMULATE_NOT_EXPECTED, "no event of this action is meant to match");
			continue;
		}
		memset(&ho, 0, sizeof(ho));
		ho.rule = rules[k];
		ho.jobs = 1;
		ho.min_severity = SEV_LOW;
		clock_gettime(CLOCK_REALTIME, &ts);
		ho.window.now = (kql_ticks)ts.tv_sec * KQL_TICKS_PER_SECOND + ts.tv_nsec / 100;
		if (rules[k] == HUNT_RULE_SEED) {
			ho.window.enabled = true;
			ho.window.span = (kql_ticks)24 * 3600 * KQL_TICKS_PER_SECOND;
		}
		memset(&res, 0, sizeof(res));
		rc = hunt_run(&ho, files, 1, &res);
		if (rc == 0) {
			for (i = 0; i < res.nseed; i++)
				found |= strcmp(res.seed[i].text[SEED_DEVICE_NAME], sc->name) == 0;
			for (i = 0; i < res.nfindings; i++)
				found |= res.findings[i].event.host &&
					 strcmp(res.findings[i].event.host, sc->name) == 0 &&
					 res.findings[i].severity >= SEV_MEDIUM;
		}
		if (rc < 0)
			set_check(r, dets[k], EMULATE_FAIL, "hunt failed: %s", strerror(-rc));
		else if (found)
			set_check(r, dets[k], EMULATE_PASS, "%s reports the event",
				  k == 0 ? "the default rule" : "the published query");
		else
			set_check(r, dets[k], EMULATE_FAIL, "%s does not report the event",
				  k == 0 ? "the default rule (at medium or above)" : "the published query");
		if (rc != -ENOMEM)
			hunt_result_free(&res);
	}
}

/* The watcher child and what it has printed. */
struct watcher_run {
	pid_t pid;
	int fd;
	struct strbuf out;
};

static int
start_watcher(const struct emulate_options *opts, const char *dir, struct watcher_run *w)
{
	int pipefd[2];

	strbuf_init(&w->out, WATCH_OUTPUT_MAX);
	if (pipe(pipefd) < 0)
		return -errno;
	w->pid = fork();
	if (w->pid < 0)
		return -errno;
	if (w->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(pipefd[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(pipefd[0]);
		execl(opts->sitehound, opts->sitehound, "watch", "-f", "jsonl", "--no-baseline",
		      "--min-severity", "info", dir, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	w->fd = pipefd[0];
	fcntl(w->fd, F_SETFL, O_NONBLOCK);
	usleep(500000); /* the watcher places its marks */
	return 0;
}

static void
drain_watcher(struct watcher_run *w, int wait_ms)
{
	char buf[4096];
	struct pollfd p = { w->fd, POLLIN, 0 };
	ssize_t n;

	while (poll(&p, 1, wait_ms) > 0) {
		n = read(w->fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (strbuf_append(&w->out, buf, (size_t)n) < 0)
			break;
		wait_ms = 0;
	}
}

/* Finds the watcher's alert for hook; *pid is the writer it names, 0 when none. */
static bool
find_alert(const char *output, const char *hook, long long *pid, bool *child)
{
	const char *line = output;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		json_t *obj, *path, *proc;

		if (!end)
			break; /* the last line is still being written */
		obj = json_loadb(line, (size_t)(end - line), 0, NULL);
		path = obj ? json_object_get(obj, "path") : NULL;
		if (json_is_string(path) && strcmp(json_string_value(path), hook) == 0) {
			char mine[32];
			const char *parent;

			proc = json_object_get(obj, "process");
			*pid = json_integer_value(json_object_get(proc, "pid"));
			parent = json_string_value(json_object_get(proc, "parent"));
			fmt(mine, sizeof(mine), "(%d)", (int)getpid());
			*child = parent && strncmp(parent + strcspn(parent, "("), mine, strlen(mine)) == 0;
			json_decref(obj);
			return true;
		}
		json_decref(obj);
		line = end + 1;
	}
	return false;
}

static void
check_watch(const struct emulate_options *opts, struct emulate_result *r, struct watcher_run *w,
	    const char *hook)
{
	long long pid = 0;
	long waited = 0;
	bool found = false, writer_is_child = false;

	if (!opts->with_watch) {
		set_check(r, EMULATE_WATCH, EMULATE_NOT_EXPECTED, "not run; --with-watch runs it");
		return;
	}
	if (w->pid <= 0) {
		set_check(r, EMULATE_WATCH, EMULATE_FAIL, "the watcher could not be started");
		return;
	}
	while (!found && waited < WATCH_WAIT_MS) {
		drain_watcher(w, 100);
		found = w->out.data && find_alert(w->out.data, hook, &pid, &writer_is_child);
		waited += 100;
	}
	if (!found)
		set_check(r, EMULATE_WATCH, EMULATE_FAIL, "no alert for %s", hook);
	else if (geteuid() != 0)
		set_check(r, EMULATE_WATCH, EMULATE_PASS, "alert; without root the writer is not named");
	else if (pid == (long long)getpid() || writer_is_child)
		set_check(r, EMULATE_WATCH, EMULATE_PASS, "alert naming the writer (this process or "
			  "one it started)");
	else
		set_check(r, EMULATE_WATCH, EMULATE_FAIL, "alert, but it names pid %lld, not this "
			  "process (pid %d), as the writer", pid, (int)getpid());
}

/* Runs the interpreter with env and reports whether the marker appeared. */
static void
check_payload(struct emulate_result *r, char *const argv[], char *const env[], const char *marker)
{
	int status = run(argv, env);

	if (exists(marker))
		set_check(r, EMULATE_PAYLOAD, EMULATE_PASS, "the interpreter ran the payload");
	else
		set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "the marker was not created (exit status %d)",
			  status);
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

/* Runs one executed scenario in sb. */
static void
run_linux(const struct emulate_options *opts, const struct scenario *sc, struct emulate_result *r,
	  const char *sb, const char *ver, FILE *events, struct watcher_run *w)
{
	char dir[PATH_MAX], hook[PATH_MAX], marker[PATH_MAX], text[PATH_MAX + 128], python[PATH_MAX];
	char home_env[PATH_MAX + 8], base_env[PATH_MAX + 20], pp_env[PATH_MAX + 16];
	char *env_plain[] = { "PATH=/usr/bin:/bin", NULL };
	const char *interp = opts->python;
	int rc = 0;

	fmt(marker, sizeof(marker), "%s/marker-%s", sb, sc->name);
	payload(text, sizeof(text), sc->name);

	if (strcmp(sc->name, "venv-pth") == 0 || strcmp(sc->name, "prefix-sitecustomize") == 0 ||
	    strcmp(sc->name, "form-feed-pth") == 0) {
		char venv[PATH_MAX], pyver[32];
		char *mk[] = { NULL, "-m", "venv", "--without-pip", venv, NULL };

		if (strcmp(sc->name, "form-feed-pth") == 0 || strcmp(sc->name, "prefix-sitecustomize") == 0) {
			if (!opts->python313) {
				set_check(r, EMULATE_PAYLOAD, EMULATE_SKIPPED, "needs a CPython interpreter %s, "
					  "such as 3.13; give one with --python313",
					  strcmp(sc->name, "form-feed-pth") == 0
					  ? "that splits .pth lines at form feeds"
					  : "without a sitecustomize in its standard library");
				for (int d = EMULATE_SCAN; d < EMULATE_DETECTORS; d++)
					set_check(r, (enum emulate_detector)d, EMULATE_SKIPPED, "the scenario did not run");
				return;
			}
			interp = opts->python313;
		}
		if (python_version(interp, pyver, sizeof(pyver)) < 0) {
			set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "cannot run %s", interp);
			return;
		}
		fmt(venv, sizeof(venv), "%s/%s", sb, sc->name);
		mk[0] = (char *)(uintptr_t)interp;
		if (run(mk, env_plain) != 0) {
			set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "python -m venv failed");
			return;
		}
		fmt(dir, sizeof(dir), "%s/lib/python%s/site-packages", venv, pyver);
		fmt(python, sizeof(python), "%s/bin/python", venv);
		if (strcmp(sc->name, "venv-pth") == 0) {
			fmt(hook, sizeof(hook), "%s/atomic_hook.pth", dir);
		} else if (strcmp(sc->name, "form-feed-pth") == 0) {
			char ff[PATH_MAX + 160];

			fmt(hook, sizeof(hook), "%s/ff.pth", dir);
			fmt(ff, sizeof(ff), "#\f%s", text);
			fmt(text, sizeof(text), "%s", ff);
		} else {
			fmt(hook, sizeof(hook), "%s/sitecustomize.py", dir);
		}
		rc = write_file(hook, text);
		{
			char *argv[] = { python, "-c", "pass", NULL };

			if (rc == 0)
				check_payload(r, argv, env_plain, marker);
		}
	} else if (strcmp(sc->name, "user-usercustomize") == 0) {
		fmt(dir, sizeof(dir), "%s/home/.local/lib/python%s/site-packages", sb, ver);
		fmt(hook, sizeof(hook), "%s/usercustomize.py", dir);
		rc = make_dirs(dir);
		if (rc == 0)
			rc = write_file(hook, text);
		fmt(home_env, sizeof(home_env), "HOME=%s/home", sb);
		fmt(base_env, sizeof(base_env), "PYTHONUSERBASE=%s/home/.local", sb);
		{
			char *env[] = { "PATH=/usr/bin:/bin", home_env, base_env, NULL };
			char *argv[] = { (char *)(uintptr_t)interp, "-c", "pass", NULL };

			if (rc == 0)
				check_payload(r, argv, env, marker);
		}
	} else if (strcmp(sc->name, "pythonpath-sitecustomize") == 0 ||
		   strcmp(sc->name, "sourceless-sitecustomize") == 0) {
		bool pyc = strcmp(sc->name, "sourceless-sitecustomize") == 0;

		fmt(dir, sizeof(dir), "%s/%s", sb, sc->name);
		rc = make_dirs(dir);
		fmt(hook, sizeof(hook), "%s/sitecustomize.py", dir);
		if (rc == 0)
			rc = write_file(hook, text);
		if (rc == 0 && pyc) {
			char pycpath[PATH_MAX + 4];
			char *argv[] = { (char *)(uintptr_t)interp, "-c",
					 "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
					 hook, pycpath, NULL };

			fmt(pycpath, sizeof(pycpath), "%sc", hook);
			rc = run(argv, env_plain) == 0 ? 0 : -EIO;
			unlink(hook);
			fmt(hook, sizeof(hook), "%s", pycpath);
		}
		fmt(pp_env, sizeof(pp_env), "PYTHONPATH=%s", dir);
		{
			char *env[] = { "PATH=/usr/bin:/bin", pp_env, NULL };
			char *argv[] = { (char *)(uintptr_t)interp, "-c", "pass", NULL };

			if (rc == 0)
				check_payload(r, argv, env, marker);
		}
	} else if (strcmp(sc->name, "profile-pythonstartup") == 0) {
		char tree[PATH_MAX], profile[PATH_MAX + 16], shell[PATH_MAX * 2];

		fmt(tree, sizeof(tree), "%s/tree", sb);
		fmt(dir, sizeof(dir), "%s/home/emu", tree);
		rc = make_dirs(dir);
		fmt(text + strlen(text), sizeof(text) - strlen(text), "%s", "");
		if (rc == 0) {
			char passwd[PATH_MAX];

			fmt(passwd, sizeof(passwd), "%s/etc", tree);
			rc = make_dirs(passwd);
			fmt(passwd, sizeof(passwd), "%s/etc/passwd", tree);
			if (rc == 0)
				rc = write_file(passwd, "emu:x:1000:1000::/home/emu:/bin/sh\n");
		}
		fmt(hook, sizeof(hook), "%s/startup.py", dir);
		fmt(profile, sizeof(profile), "%s/.profile", dir);
		if (rc == 0)
			rc = write_file(hook, text);
		if (rc == 0)
			rc = write_file(profile, "export PYTHONSTARTUP=$HOME/startup.py\n");
		fmt(home_env, sizeof(home_env), "HOME=%s", dir);
		fmt(shell, sizeof(shell), ". %s; exec %s -i", profile, interp);
		{
			char *env[] = { "PATH=/usr/bin:/bin", home_env, NULL };
			char *argv[] = { "/bin/sh", "-c", shell, NULL };

			if (rc == 0)
				check_payload(r, argv, env, marker);
		}
		if (rc == 0)
			check_scan(opts, r, tree, NULL, "/home/emu/startup.py");
		set_check(r, EMULATE_HUNT, EMULATE_NOT_EXPECTED, "Defender records no environment on Linux");
		set_check(r, EMULATE_SEED, EMULATE_NOT_EXPECTED, "the published query reads the Windows registry only");
		set_check(r, EMULATE_WATCH, EMULATE_NOT_EXPECTED, "the watcher alerts on profiles in their real places only");
		if (rc < 0)
			set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "setting up failed: %s", strerror(-rc));
		return;
	}
	if (rc < 0) {
		set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "setting up failed: %s", strerror(-rc));
		return;
	}
	check_scan(opts, r, NULL, hook, hook);
	{
		char *slash = strrchr(hook, '/');

		*slash = '\0';
		write_event(events, sc->name, hook, slash + 1, sc->writer, sc->writer_cmd);
		*slash = '/';
	}
	check_watch(opts, r, w, hook);
}

extern char **environ;

/* Directories made for a real-place scenario, deepest last, to remove afterwards. */
#define MADE_DIRS_MAX 16

/* The changes of a real-place scenario, recorded so that they can be put back exactly. */
struct restore {
	char file[PATH_MAX];
	bool had_file;
	char *saved;
	size_t saved_len;
	mode_t saved_mode;
	char pycache[PATH_MAX];
	bool had_pycache;
	char made[MADE_DIRS_MAX][PATH_MAX];
	size_t nmade;
};

static int
read_all(const char *path, char **out, size_t *len, mode_t *mode)
{
	struct stat st;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return -errno;
	if (fstat(fileno(fp), &st) < 0 || !(*out = malloc((size_t)st.st_size + 1))) {
		fclose(fp);
		return -ENOMEM;
	}
	*len = fread(*out, 1, (size_t)st.st_size, fp);
	*mode = st.st_mode & 07777;
	fclose(fp);
	return 0;
}

/* Makes dir and its missing parents, remembering each one made. */
static int
make_dirs_recorded(const char *dir, struct restore *rs)
{
	char buf[PATH_MAX];
	char *p;

	fmt(buf, sizeof(buf), "%s", dir);
	for (p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (!exists(buf)) {
				if (mkdir(buf, 0755) < 0)
					return -errno;
				if (rs->nmade < MADE_DIRS_MAX)
					fmt(rs->made[rs->nmade++], PATH_MAX, "%s", buf);
			}
			*p = c;
			if (c == '\0')
				return 0;
		}
	}
}

/* Removes the byte code the interpreter wrote for the planted module, and what was made. */
static bool
put_back(struct restore *rs, const char *stem)
{
	DIR *d;
	struct dirent *de;
	bool ok = true;
	size_t i;

	unlink(rs->file);
	if (rs->had_file) {
		FILE *fp = fopen(rs->file, "wb");

		ok = fp && fwrite(rs->saved, 1, rs->saved_len, fp) == rs->saved_len;
		if (fp)
			ok &= fclose(fp) == 0;
		ok &= chmod(rs->file, rs->saved_mode) == 0;
	}
	/* NOTE: byte code of the planted module that existed before is removed too; CPython
	 * writes it again from the source when needed. */
	d = opendir(rs->pycache);
	while (d && (de = readdir(d)) != NULL) {
		char path[PATH_MAX * 2];

		if (strncmp(de->d_name, stem, strlen(stem)) != 0 || de->d_name[strlen(stem)] != '.')
			continue;
		fmt(path, sizeof(path), "%s/%s", rs->pycache, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	if (!rs->had_pycache)
		rmdir(rs->pycache);
	for (i = rs->nmade; i > 0; i--)
		ok &= rmdir(rs->made[i - 1]) == 0;
	free(rs->saved);
	return ok;
}

/*
 * Plants a hook in a real place (the invoking user's user site, or the
 * interpreter's site-packages), triggers it, scans it, and puts back
 * exactly what was there.
 */
static void
run_real(const struct emulate_options *opts, struct emulate_result *r, bool user, const char *sb)
{
	char cmd[PATH_MAX + 160], dir[PATH_MAX], marker[PATH_MAX], text[256];
	const char *stem = user ? "usercustomize" : "sitehound_emulate_hook";
	struct restore rs;
	FILE *p;
	int rc;

	memset(&rs, 0, sizeof(rs));
	r->scenario = user ? "real-user-usercustomize" : "real-system-pth";
	r->description = user ? "usercustomize.py in the invoking user's real user site (--user)"
			      : "a .pth in the interpreter's real site-packages (--system)";
	for (int d = EMULATE_HUNT; d < EMULATE_DETECTORS; d++)
		set_check(r, (enum emulate_detector)d, EMULATE_NOT_EXPECTED,
			  "checked by the sandbox and telemetry scenarios");
	/* Without -S, so that a virtual environment's own prefix is used, as when it runs. */
	fmt(cmd, sizeof(cmd), "'%s' -c 'import site, sys; sys.stdout.write(%s)'", opts->python,
	    user ? "site.getusersitepackages()" : "site.getsitepackages()[0]");
	p = popen(cmd, "r");
	if (!p || !fgets(dir, sizeof(dir), p)) {
		if (p)
			pclose(p);
		set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "cannot ask %s for its site directory",
			  opts->python);
		return;
	}
	pclose(p);
	{
		/* The scan reports normalised paths; HOME may hold ".." or "//". */
		char *norm = path_normalize("/", dir);

		if (norm) {
			fmt(dir, sizeof(dir), "%s", norm);
			free(norm);
		}
	}
	fmt(rs.file, sizeof(rs.file), "%s/%s%s", dir, stem, user ? ".py" : ".pth");
	fmt(rs.pycache, sizeof(rs.pycache), "%s/__pycache__", dir);
	rs.had_pycache = exists(rs.pycache);
	rs.had_file = exists(rs.file) &&
		      read_all(rs.file, &rs.saved, &rs.saved_len, &rs.saved_mode) == 0;
	rc = make_dirs_recorded(dir, &rs);
	payload(text, sizeof(text), r->scenario);
	if (rc == 0)
		rc = write_file(rs.file, text);
	fmt(marker, sizeof(marker), "%s/marker-%s", sb, r->scenario);
	if (rc == 0) {
		char *argv[] = { (char *)(uintptr_t)opts->python, "-c", "pass", NULL };

		check_payload(r, argv, environ, marker);
		check_scan(opts, r, NULL, rs.file, rs.file);
	} else {
		set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "cannot write %s: %s", rs.file, strerror(-rc));
	}
	if (!put_back(&rs, stem))
		set_check(r, EMULATE_PAYLOAD, EMULATE_FAIL, "could not restore %s exactly", rs.file);
}

int
emulate_run(const struct emulate_options *opts, struct emulate_result **results, size_t *count,
	    bool *cleaned, char *sandbox, size_t sandbox_size)
{
	struct emulate_result *res;
	struct watcher_run w = { -1, -1, { 0 } };
	char events_path[PATH_MAX], ver[32];
	const char *tmp = getenv("TMPDIR");
	FILE *events;
	size_t i;

	*results = NULL;
	*count = 0;
	*cleaned = false;
	fmt(sandbox, sandbox_size, "%s/sitehound-emulate-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(sandbox))
		return -errno;
	res = calloc(NSCENARIOS + 2, sizeof(*res));
	if (!res)
		return -ENOMEM;
	run_dir = sandbox;
	if (python_version(opts->python, ver, sizeof(ver)) < 0)
		fmt(ver, sizeof(ver), "3");
	fmt(events_path, sizeof(events_path), "%s/defender-events.jsonl", sandbox);
	events = fopen(events_path, "w");
	if (opts->with_watch && start_watcher(opts, sandbox, &w) < 0)
		w.pid = -1;

	for (i = 0; i < NSCENARIOS; i++) {
		res[i].scenario = scenarios[i].name;
		res[i].description = scenarios[i].description;
		if (scenarios[i].executed) {
			run_linux(opts, &scenarios[i], &res[i], sandbox, ver, events, &w);
		} else {
			set_check(&res[i], EMULATE_PAYLOAD, EMULATE_NOT_EXPECTED, "not a Linux test; its telemetry is written");
			set_check(&res[i], EMULATE_SCAN, EMULATE_NOT_EXPECTED, "not a Linux test");
			set_check(&res[i], EMULATE_WATCH, EMULATE_NOT_EXPECTED, "not a Linux test");
			if (events)
				write_event(events, scenarios[i].name, scenarios[i].folder, scenarios[i].file,
					    scenarios[i].writer, scenarios[i].writer_cmd);
		}
	}
	if (events)
		fclose(events);
	for (i = 0; i < NSCENARIOS; i++) {
		if (res[i].checks[EMULATE_HUNT].outcome == EMULATE_NOT_EXPECTED &&
		    res[i].checks[EMULATE_HUNT].reason[0])
			continue;
		if (res[i].checks[EMULATE_PAYLOAD].outcome == EMULATE_SKIPPED)
			continue;
		check_hunt(&res[i], &scenarios[i], events_path);
	}
	*count = NSCENARIOS;
	if (opts->real_user)
		run_real(opts, &res[(*count)++], true, sandbox);
	if (opts->real_system)
		run_real(opts, &res[(*count)++], false, sandbox);
	if (w.pid > 0) {
		kill(w.pid, SIGTERM);
		waitpid(w.pid, NULL, 0);
		close(w.fd);
	}
	strbuf_free(&w.out);

	nftw(sandbox, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	*cleaned = !exists(sandbox);
	*results = res;
	return 0;
}
