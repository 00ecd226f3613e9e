#include "watch/watch.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/strlist.h"
#include "core/strmap.h"
#include "scan/discover.h"
#include "scan/fsroot.h"
#include "scan/provdb.h"
#include "watch/privdrop.h"
#include "watch/proccache.h"
#include "watch/procfs.h"

/* Exec events kept between two checks for early children. */
#define WATCH_EXECS_MAX 4096
/* Hooks remembered for linking a suspicious child process to its likely cause. */
#define WATCH_RECENT_HOOKS 16
/* A child started this soon after its Python parent's exec ran before the program,
 * which is when start-up hooks run. */
#define EARLY_CHILD_MS 2000

/* Parent processes named in an alert at most. */
#define PARENT_CHAIN_MAX 4

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool
is_customize_name(const char *name)
{
	return starts_with(name, "sitecustomize") || starts_with(name, "usercustomize");
}

/* Account start-up files, by name wherever they are (home directories vary). */
static const char *const home_files[] = {
	".profile", ".bash_profile", ".bash_login", ".bashrc", ".zshenv", ".zprofile", ".zshrc",
	".pam_environment", "config.fish", "ipython_config.py",
};

/* System files and directories that set the persistent environment. */
static const char *const env_files[] = {
	"/etc/environment", "/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/zshenv",
	"/etc/zprofile", "/etc/zshrc", "/etc/zlogin", "/etc/crontab",
	"/etc/security/pam_env.conf",
};
static const char *const env_dirs[] = {
	"/etc/zsh/", "/etc/profile.d/", "/etc/environment.d/", "/usr/lib/environment.d/",
	"/etc/systemd/system/", "/usr/lib/systemd/system/", "/lib/systemd/system/",
	"/etc/systemd/user/", "/usr/lib/systemd/user/", "/etc/fish/", "/etc/cron.d/",
	"/var/spool/cron/",
};
static const char *const env_parts[] = {
	"/.config/fish/", "/.config/environment.d/", "/.config/systemd/user/", "/.ipython/profile_",
};

enum watch_path_kind
watch_classify_path(const char *path)
{
	const char *name = base_name(path);
	size_t i;

	if (ends_with(name, ".pth") || ends_with(name, ".start") || strcmp(name, "pyvenv.cfg") == 0 ||
	    is_customize_name(name) || strstr(path, "/sitecustomize/") || strstr(path, "/usercustomize/"))
		return WATCH_PATH_HOOK;
	for (i = 0; i < sizeof(env_files) / sizeof(env_files[0]); i++) {
		if (strcmp(path, env_files[i]) == 0)
			return WATCH_PATH_ENV_FILE;
	}
	for (i = 0; i < sizeof(env_dirs) / sizeof(env_dirs[0]); i++) {
		if (starts_with(path, env_dirs[i]))
			return WATCH_PATH_ENV_FILE;
	}
	for (i = 0; i < sizeof(env_parts) / sizeof(env_parts[0]); i++) {
		if (strstr(path, env_parts[i]))
			return WATCH_PATH_ENV_FILE;
	}
	for (i = 0; i < sizeof(home_files) / sizeof(home_files[0]); i++) {
		if (strcmp(name, home_files[i]) == 0)
			return WATCH_PATH_ENV_FILE;
	}
	return WATCH_PATH_OTHER;
}

bool
watch_name_may_matter(const char *name, bool is_dir, void *unused)
{
	static const char *const suffixes[] = {
		".pth", ".start", ".py", ".pyc", ".so", ".ipy", ".sh", ".conf", ".service", ".fish",
		".cfg",
	};
	size_t i;

	(void)unused;
	/* A directory moved into place (a prepared venv) must be searched, so all pass. */
	if (is_dir)
		return true;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (ends_with(name, suffixes[i]))
			return true;
	}
	for (i = 0; i < sizeof(env_files) / sizeof(env_files[0]); i++) {
		if (strcmp(name, base_name(env_files[i])) == 0)
			return true;
	}
	for (i = 0; i < sizeof(home_files) / sizeof(home_files[0]); i++) {
		if (strcmp(name, home_files[i]) == 0)
			return true;
	}
	return false;
}

/* The writing process as alerts describe it. */
struct writer {
	pid_t pid;
	char *comm;   /* the command name, when the executable could not be read */
	char *exe;
	char *cmdline;
	char *user;
	char *parents;
};

static void
writer_free(struct writer *w)
{
	free(w->comm);
	free(w->exe);
	free(w->cmdline);
	free(w->user);
	free(w->parents);
	memset(w, 0, sizeof(*w));
}

/* Copies a cached command line, arguments joined with spaces. */
static char *
join_cmdline(const uint8_t *raw, size_t len)
{
	char *text = malloc(len + 1);
	size_t i;

	if (!text)
		return NULL;
	for (i = 0; i < len; i++)
		text[i] = raw[i] ? (char)raw[i] : ' ';
	while (len > 0 && text[len - 1] == ' ')
		len--;
	text[len] = '\0';
	return text;
}

static char *
user_name(uid_t uid)
{
	struct passwd pw, *found = NULL;
	char buf[1024], *name = NULL;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		return strdup(found->pw_name);
	if (asprintf(&name, "uid %lu", (unsigned long)uid) < 0)
		return NULL;
	return name;
}

/* Appends "comm (pid)" to the writer's parent chain, nearest parent first. */
static void
add_parent(struct writer *w, const char *comm, pid_t pid)
{
	char *joined = NULL;

	if (asprintf(&joined, "%s%s%s (%d)", w->parents ? w->parents : "",
		     w->parents ? " < " : "", comm, (int)pid) < 0)
		return; /* the chain is only shorter */
	free(w->parents);
	w->parents = joined;
}

/*
 * Sets the writer's executable, command line and user from a process
 * record. A process that exited before its exec was read keeps only its
 * command name. Returns whether the writer is named.
 */
static bool
writer_fill(struct writer *w, pid_t pid, const struct proc_record *rec)
{
	w->pid = pid;
	if (rec->exe[0])
		w->exe = strdup(rec->exe);
	else if (rec->comm[0])
		w->comm = strdup(rec->comm);
	w->cmdline = join_cmdline(rec->cmdline, rec->cmdline_len);
	if (rec->ids_known)
		w->user = user_name(rec->ruid);
	return w->exe != NULL || w->comm != NULL;
}

/* Names the writer from the process cache, which keeps processes that have exited. */
static bool
writer_from_cache(struct proccache *procs, pid_t pid, struct writer *w)
{
	struct proc_record rec;
	pid_t chain[PARENT_CHAIN_MAX];
	size_t n = 0, i;

	if (!procs || pid <= 0 || proccache_lookup(procs, pid, &rec) < 0 ||
	    (!rec.exe[0] && !rec.comm[0]))
		return false;
	if (proccache_parent_chain(procs, pid, chain, PARENT_CHAIN_MAX, &n) < 0)
		n = 0;
	for (i = 0; i < n && i < PARENT_CHAIN_MAX; i++) {
		struct proc_record parent;

		if (proccache_lookup(procs, chain[i], &parent) < 0)
			break;
		add_parent(w, parent.comm, chain[i]);
	}
	return writer_fill(w, pid, &rec);
}

/* Names the writer from /proc alone, when there is no process cache; pid 0 names nobody. */
static void
writer_read(pid_t pid, struct writer *w)
{
	struct proc_record rec, parent;
	pid_t cur;
	int depth;

	memset(w, 0, sizeof(*w));
	w->pid = pid;
	if (pid <= 0 || procfs_read(pid, &rec) < 0)
		return;
	(void)writer_fill(w, pid, &rec);
	for (cur = rec.ppid, depth = 0; cur > 0 && depth < PARENT_CHAIN_MAX; depth++) {
		if (procfs_read(cur, &parent) < 0)
			break;
		add_parent(w, parent.comm, cur);
		cur = parent.ppid;
	}
}

/* One path's events in a batch, merged. */
struct pending {
	char *path;
	enum watch_path_kind kind;
	bool created, written, moved_in, attrib, gone, moved_away;
	bool writer_gone; /* the writer had exited when its event was read */
	pid_t pid;
	long first_ms;    /* when the first event for the path was read */
};

/* How long a new file that is not yet closed after writing waits for its close event,
 * so that its alert is made from the written content. */
#define CREATE_WAIT_MS 200

struct watcher {
	const struct watch_options *opts;
	const struct watch_callbacks *cb;
	struct fswatch fs;
	struct pending *pending;
	size_t npending, cap;
	/* the alert being forwarded */
	const char *action;
	const struct writer *writer;
	/* --root: the scanned tree's directory on this host; paths inside it are reported
	 * as on the scanned system. root_len is 0 for the live system. */
	char root_dir[PATH_MAX];
	size_t root_len;
	/* Package databases kept across alerts, reloaded when dpkg's status changes. */
	struct fsroot root;
	struct provdb prov;
	bool prov_open;
	struct timespec status_mtime;
	/* Processes from the proc connector, so writers are named after they exit. */
	struct proccache *procs;
	uint64_t proc_overruns;      /* connector overruns already reported */
	pid_t execs[WATCH_EXECS_MAX]; /* processes that ran exec since the last check */
	size_t nexecs;
	unsigned long execs_dropped;
	/* The latest hooks alerted at medium or above, newest last, to link process alerts to. */
	char *recent_hooks[WATCH_RECENT_HOOKS];
	time_t recent_times[WATCH_RECENT_HOOKS];
	size_t nrecent;
	unsigned long unresolved;   /* events in vanished directories not yet logged */
	time_t unresolved_logged;
	/* For baselines and rescans: the action of every alert, "" for none. */
	const char *forced_action;
	/* rate limit */
	time_t second;
	unsigned long sent_this_second, held;
	int stop;
};

static int
set_event(struct finding *f, const char *action, const struct writer *w)
{
	int rc;

	f->event.present = true;
	rc = finding_set_text(&f->event.action, action, strlen(action));
	if (rc == 0 && w && w->exe)
		rc = finding_set_text(&f->event.process_path, w->exe, strlen(w->exe));
	if (rc == 0 && w && w->exe)
		rc = finding_set_text(&f->event.process, base_name(w->exe), strlen(base_name(w->exe)));
	else if (rc == 0 && w && w->comm)
		rc = finding_set_text(&f->event.process, w->comm, strlen(w->comm));
	if (rc == 0 && w && w->cmdline)
		rc = finding_set_text(&f->event.command_line, w->cmdline, strlen(w->cmdline));
	if (rc == 0 && w && w->user)
		rc = finding_set_text(&f->event.user, w->user, strlen(w->user));
	if (rc == 0 && w && w->parents)
		rc = finding_set_text(&f->event.parent, w->parents, strlen(w->parents));
	if (w)
		f->event.pid = w->pid;
	return rc;
}

static void
remember_hook(struct watcher *wt, const char *path)
{
	char *copy = strdup(path);

	if (!copy)
		return; /* only the link in a later process alert is lost */
	if (wt->nrecent == WATCH_RECENT_HOOKS) {
		free(wt->recent_hooks[0]);
		memmove(wt->recent_hooks, wt->recent_hooks + 1,
			(WATCH_RECENT_HOOKS - 1) * sizeof(wt->recent_hooks[0]));
		memmove(wt->recent_times, wt->recent_times + 1,
			(WATCH_RECENT_HOOKS - 1) * sizeof(wt->recent_times[0]));
		wt->nrecent--;
	}
	wt->recent_times[wt->nrecent] = time(NULL);
	wt->recent_hooks[wt->nrecent++] = copy;
}

/* Passes an alert on, within the rate limit. */
static int
forward(struct watcher *wt, const struct finding *f)
{
	time_t now = time(NULL);
	bool loss = strcmp(f->kind, "loss") == 0;

	if (!loss && f->severity < wt->opts->min_severity)
		return 0;
	if (now != wt->second) {
		wt->second = now;
		wt->sent_this_second = 0;
	}
	/* High alerts, baselines and rescans always pass; the rest share the rate limit. */
	if (!loss && f->severity < SEV_HIGH && !wt->forced_action &&
	    wt->sent_this_second >= WATCH_ALERTS_PER_SECOND) {
		wt->held++;
		return 0;
	}
	wt->sent_this_second++;
	if (f->severity >= SEV_MEDIUM && f->path && watch_classify_path(f->path) == WATCH_PATH_HOOK)
		remember_hook(wt, f->path);
	return wt->cb->on_finding ? wt->cb->on_finding(f, wt->cb->ctx) : 0;
}

/* Scan callback: adds the event to a scan finding and forwards it. */
static int
on_scan_finding(const struct finding *f, void *ctx)
{
	struct watcher *wt = ctx;
	struct finding copy = *f;
	int rc;

	if (!wt->action)
		return forward(wt, f);
	/* The event fields are the only ones set here; the scan owns the rest. */
	memset(&copy.event, 0, sizeof(copy.event));
	rc = set_event(&copy, wt->action, wt->writer);
	if (rc == 0)
		rc = forward(wt, &copy);
	free(copy.event.action);
	free(copy.event.process_path);
	free(copy.event.process);
	free(copy.event.command_line);
	free(copy.event.user);
	free(copy.event.parent);
	return rc;
}

static void
on_scan_diag(const struct scan_diag *d, void *ctx)
{
	struct watcher *wt = ctx;

	if (wt->cb->on_diag)
		wt->cb->on_diag(d, wt->cb->ctx);
}

static void
log_message(struct watcher *wt, enum watch_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
log_message(struct watcher *wt, enum watch_log_level level, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (wt->cb->on_log)
		wt->cb->on_log(level, text, wt->cb->ctx);
}

static int search_watched(struct watcher *wt);
static const char *to_scanned(const struct watcher *wt, const char *host_path);

/*
 * Loads the package databases once, and again after dpkg's status file
 * changed (a package was installed or removed), so alerts need not load
 * them each time.
 */
static int
refresh_provdb(struct watcher *wt)
{
	struct stat st;
	int rc;

	if (stat("/var/lib/dpkg/status", &st) < 0)
		memset(&st, 0, sizeof(st));
	if (wt->prov_open && st.st_mtim.tv_sec == wt->status_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == wt->status_mtime.tv_nsec)
		return 0;
	if (wt->prov_open) {
		provdb_close(&wt->prov);
		wt->prov_open = false;
	}
	wt->status_mtime = st.st_mtim;
	rc = provdb_open(&wt->prov, &wt->root);
	if (rc == -ENOMEM)
		return rc;
	wt->prov_open = rc == 0;
	return 0;
}

/*
 * Runs the scan code on one path, or for path NULL on everything watched:
 * the whole system, or the hook files below the directories given.
 */
static int
scan_for_alert(struct watcher *wt, const char *path, bool env_file)
{
	struct scan_options so = wt->opts->scan;
	struct scan_callbacks cb = { on_scan_finding, on_scan_diag, NULL, wt };
	char *paths[1] = { NULL };
	int rc;

	so.now = time(NULL);
	so.provdb = wt->prov_open ? &wt->prov : NULL;
	if (!path && !env_file && so.npaths > 0)
		return search_watched(wt);
	if (env_file) {
		so.env_file = path;
		so.npaths = 0;
	} else if (path) {
		paths[0] = strdup(path);
		if (!paths[0])
			return -ENOMEM;
		so.paths = paths;
		so.npaths = 1;
	}
	rc = scan_run(&so, &cb);
	free(paths[0]);
	return rc;
}

static int
emit_simple(struct watcher *wt, const char *rule, const char *kind, enum severity sev,
	    const char *path, const char *action, const struct writer *writer, const char *reason)
{
	struct finding f;
	int rc;

	finding_init(&f, rule, kind, sev, CONF_MEDIUM);
	f.time = time(NULL);
	/* A record about the whole watch names the first watched directory, or "/". */
	if (!path)
		path = wt->opts->scan.npaths ? wt->opts->scan.paths[0] : "/";
	rc = finding_set_path(&f, path);
	if (rc == 0)
		rc = finding_add_reason(&f, "%s", reason);
	if (rc == 0 && action)
		rc = set_event(&f, action, writer);
	if (rc == 0)
		rc = forward(wt, &f);
	finding_free(&f);
	return rc;
}

static const char *
action_of(const struct pending *p)
{
	if (p->gone)
		return p->moved_away ? "moved-away" : "deleted";
	if (p->moved_in)
		return "moved-in";
	if (p->created)
		return "created";
	if (p->written)
		return "modified";
	return "attributes-changed";
}

static int
alert_path(struct watcher *wt, const struct pending *p)
{
	struct writer writer;
	struct stat st;
	int rc;

	memset(&writer, 0, sizeof(writer));
	if (!writer_from_cache(wt->procs, p->pid, &writer)) {
		writer_free(&writer);
		writer_read(p->writer_gone ? 0 : p->pid, &writer);
	}
	writer.pid = p->pid;
	wt->writer = &writer;
	wt->action = action_of(p);
	if (wt->forced_action)
		wt->action = wt->forced_action[0] ? wt->forced_action : NULL;
	if (p->gone || lstat(p->path, &st) < 0) {
		rc = emit_simple(wt, "hook-removed", p->kind == WATCH_PATH_HOOK ? "pth" : "env",
				 SEV_LOW, to_scanned(wt, p->path), action_of(p), &writer,
				 p->kind == WATCH_PATH_HOOK ? "a start-up hook was deleted or moved away"
							     : "a start-up configuration file was deleted or moved away");
	} else {
		rc = scan_for_alert(wt, to_scanned(wt, p->path), p->kind == WATCH_PATH_ENV_FILE);
	}
	wt->writer = NULL;
	wt->action = NULL;
	writer_free(&writer);
	return rc;
}

/* The path as on the scanned system, or NULL when host_path lies outside --root. */
static const char *
to_scanned(const struct watcher *wt, const char *host_path)
{
	if (wt->root_len == 0)
		return host_path;
	if (strncmp(host_path, wt->root_dir, wt->root_len) == 0 && host_path[wt->root_len] == '/')
		return host_path + wt->root_len;
	return NULL;
}

/* Whether the directory holding path is named like a site directory. */
static bool
in_site_dir_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *start;
	size_t len;

	if (!slash || slash == path)
		return false;
	for (start = slash; start > path && start[-1] != '/'; start--)
		;
	len = (size_t)(slash - start);
	return (len == 13 && memcmp(start, "site-packages", 13) == 0) ||
	       (len == 13 && memcmp(start, "dist-packages", 13) == 0);
}

/* Whether the directory holding path is one of the directories given on the command line. */
static bool
in_given_dir(const struct watcher *wt, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t i, n = slash ? (size_t)(slash - path) : 0;

	for (i = 0; i < wt->opts->scan.npaths; i++) {
		const char *dir = wt->opts->scan.paths[i];
		size_t k = strlen(dir);

		while (k > 1 && dir[k - 1] == '/')
			k--;
		if (k == n && strncmp(dir, path, n) == 0)
			return true;
	}
	return false;
}

/*
 * Classifies a host path for alerts. A .pth or .start file counts only in a
 * site directory (named site-packages or dist-packages, or given on the
 * command line): CPython reads them nowhere else.
 */
static enum watch_path_kind
classify_for_watch(const struct watcher *wt, const char *host_path)
{
	const char *path = to_scanned(wt, host_path);
	enum watch_path_kind kind;
	const char *name;

	if (!path)
		return WATCH_PATH_OTHER;
	kind = watch_classify_path(path);
	name = base_name(path);
	if (kind == WATCH_PATH_HOOK && (ends_with(name, ".pth") || ends_with(name, ".start")) &&
	    !in_site_dir_name(path) && !in_given_dir(wt, host_path))
		return WATCH_PATH_OTHER;
	return kind;
}

/* Whether path lies under one of the directories given on the command line (any path without them). */
static bool
in_scope(const struct watcher *wt, const char *path)
{
	size_t i, n;

	if (wt->opts->scan.npaths == 0)
		return true;
	for (i = 0; i < wt->opts->scan.npaths; i++) {
		const char *dir = wt->opts->scan.paths[i];

		n = strlen(dir);
		while (n > 1 && dir[n - 1] == '/')
			n--;
		if (strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1))
			return true;
	}
	return false;
}

static long
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Merges the batch into the pending paths, keeping the first pid that wrote each. */
static int
collect_pending(struct watcher *wt, const struct fsev_batch *b)
{
	long now = monotonic_ms();
	size_t i, k;

	for (i = 0; i < b->count; i++) {
		const struct fsev *ev = &b->items[i];
		enum watch_path_kind kind;
		struct pending *p = NULL;

		if (!ev->path || ev->kind == FSEV_OVERFLOW || ev->kind == FSEV_LOST_DIR)
			continue;
		kind = classify_for_watch(wt, ev->path);
		if (kind == WATCH_PATH_OTHER || !in_scope(wt, ev->path))
			continue;
		for (k = 0; k < wt->npending; k++) {
			if (strcmp(wt->pending[k].path, ev->path) == 0)
				p = &wt->pending[k];
		}
		if (!p) {
			if (wt->npending == wt->cap) {
				size_t cap = wt->cap ? wt->cap * 2 : 64;
				struct pending *grown = realloc(wt->pending, cap * sizeof(*grown));

				if (!grown)
					return -ENOMEM;
				wt->pending = grown;
				wt->cap = cap;
			}
			p = &wt->pending[wt->npending];
			memset(p, 0, sizeof(*p));
			p->path = strdup(ev->path);
			if (!p->path)
				return -ENOMEM;
			p->kind = kind;
			p->first_ms = now;
			wt->npending++;
		}
		if (!p->pid && ev->pid > 0) {
			p->pid = ev->pid;
			p->writer_gone = ev->writer_gone;
		}
		switch (ev->kind) {
		case FSEV_CREATE:
			p->created = true;
			p->gone = false;
			break;
		case FSEV_MOVED_TO:
			p->moved_in = true;
			p->gone = false;
			break;
		case FSEV_CLOSE_WRITE:
			p->written = true;
			break;
		case FSEV_ATTRIB:
			p->attrib = true;
			break;
		case FSEV_MOVED_FROM:
			p->gone = true;
			p->moved_away = true;
			break;
		case FSEV_DELETE:
			p->gone = true;
			p->moved_away = false;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Alerts on every pending path except new files still waiting for their close; returns 0 or an error. */
static int
flush_pending(struct watcher *wt)
{
	long now = monotonic_ms();
	size_t i, kept = 0;
	int rc = 0;

	for (i = 0; i < wt->npending; i++) {
		struct pending *p = &wt->pending[i];
		bool waiting = p->created && !p->written && !p->gone && !p->moved_in &&
			       now - p->first_ms < CREATE_WAIT_MS;

		if (rc == 0 && waiting) {
			wt->pending[kept++] = *p;
			continue;
		}
		if (rc == 0)
			rc = alert_path(wt, p);
		free(p->path);
	}
	wt->npending = kept;
	return rc;
}

static void
free_pending(struct watcher *wt)
{
	size_t i;

	for (i = 0; i < wt->npending; i++)
		free(wt->pending[i].path);
	wt->npending = 0;
}

/* Reports lost events and rescans what the loss may have hidden. */
static int
handle_loss(struct watcher *wt, const char *what, unsigned long count)
{
	char reason[256];
	int rc;

	snprintf(reason, sizeof(reason), "%s (%lu); everything watched is scanned again", what, count);
	log_message(wt, WATCH_LOG_WARNING, "%s (%lu); rescanning", what, count);
	rc = emit_simple(wt, "watch-loss", "loss", SEV_MEDIUM, NULL, "loss", NULL, reason);
	if (rc != 0)
		return rc;
	rc = refresh_provdb(wt);
	if (rc != 0)
		return rc;
	wt->action = "rescan";
	wt->forced_action = "rescan";
	rc = scan_for_alert(wt, NULL, false);
	wt->forced_action = NULL;
	wt->action = NULL;
	log_message(wt, WATCH_LOG_INFO, "rescan after a loss finished");
	return rc;
}

static int search_dir(struct watcher *wt, const char *dir, int depth, size_t *files);

/* Whether a directory above path was also lost in this batch (one record for a deleted tree). */
static bool
parent_also_lost(const struct fsev_batch *b, const char *path)
{
	size_t i, n;

	for (i = 0; i < b->count; i++) {
		const char *other = b->items[i].path;

		if (b->items[i].kind != FSEV_LOST_DIR || !other)
			continue;
		n = strlen(other);
		if (n < strlen(path) && strncmp(path, other, n) == 0 && path[n] == '/')
			return true;
	}
	return false;
}

/* Reports how many alerts below high the rate limit held back since the last report. */
static int
report_held(struct watcher *wt)
{
	char reason[160];

	snprintf(reason, sizeof(reason), "%lu alert%s below high severity held back by the rate "
		 "limit of %d per second", wt->held, wt->held == 1 ? " was" : "s were",
		 WATCH_ALERTS_PER_SECOND);
	wt->held = 0;
	wt->sent_this_second = 0;
	return emit_simple(wt, "watch-held-back", "loss", SEV_LOW, NULL, "rate-limit", NULL, reason);
}

/*
 * A watched directory was deleted (inotify): events inside it may have been
 * missed, so its parent is searched again for hooks moved out of it.
 */
static int
handle_lost_dir(struct watcher *wt, const char *dir)
{
	char reason[PATH_MAX + 128], *parent = strdup(dir), *slash;
	size_t files = 0;
	int rc;

	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	snprintf(reason, sizeof(reason), "a watched directory was deleted, so events inside it may "
		 "have been missed; %s is searched again", parent);
	log_message(wt, WATCH_LOG_WARNING, "watched directory %s was deleted; rescanning %s", dir,
		    parent);
	rc = emit_simple(wt, "watch-loss", "loss", SEV_LOW, to_scanned(wt, dir) ? to_scanned(wt, dir) : dir,
			 "loss", NULL, reason);
	if (rc == 0 && in_scope(wt, parent)) {
		wt->forced_action = "rescan";
		rc = search_dir(wt, parent, WATCH_NEW_DIR_DEPTH_MAX - 1, &files);
		wt->forced_action = NULL;
	}
	free(parent);
	return rc;
}

static int
handle_batch(struct watcher *wt, struct fsev_batch *b)
{
	unsigned long overflows = 0, lost_dirs = 0;
	size_t i;
	int rc;

	for (i = 0; i < b->count; i++) {
		if (b->items[i].kind == FSEV_OVERFLOW)
			overflows++;
		else if (b->items[i].kind == FSEV_LOST_DIR)
			lost_dirs++;
	}
	rc = collect_pending(wt, b);
	if (rc == 0 && wt->npending > 0)
		rc = refresh_provdb(wt);
	if (rc == 0)
		rc = flush_pending(wt);
	if (rc == 0 && overflows)
		rc = handle_loss(wt, "the kernel event queue overflowed and events were dropped",
				 overflows);
	/* Hook-like names in a directory deleted before it could be named: gone with it. */
	wt->unresolved += b->unresolved;
	if (rc == 0 && wt->unresolved && time(NULL) - wt->unresolved_logged >= 60) {
		log_message(wt, WATCH_LOG_INFO, "%lu event%s in directories deleted before they could "
			    "be named (since the last such message)", wt->unresolved,
			    wt->unresolved == 1 ? "" : "s");
		wt->unresolved = 0;
		wt->unresolved_logged = time(NULL);
	}
	for (i = 0; rc == 0 && lost_dirs && i < b->count; i++) {
		if (b->items[i].kind == FSEV_LOST_DIR && b->items[i].path &&
		    !parent_also_lost(b, b->items[i].path))
			rc = handle_lost_dir(wt, b->items[i].path);
	}
	if (rc == 0 && lost_dirs && fswatch_active(&wt->fs) == 0) {
		log_message(wt, WATCH_LOG_ERROR, "nothing is left to watch: every watched directory "
			    "was deleted");
		rc = -ENOENT;
	}
	if (rc == 0 && wt->held && time(NULL) != wt->second)
		rc = report_held(wt);
	if (wt->cb->on_batch_end)
		wt->cb->on_batch_end(wt->cb->ctx);
	return rc;
}

/* Collects the site directories of every installation, for the watch list. */
static int
on_install(const struct install *in, void *ctx)
{
	struct strlist *dirs = ctx;
	size_t i;
	int rc = 0;

	for (i = 0; i < in->nsites && rc == 0; i++)
		rc = strlist_add(dirs, in->sites[i].path);
	return rc;
}

static int
add_watches(struct watcher *wt)
{
	struct scan_callbacks cb = { NULL, NULL, on_install, NULL };
	struct strlist dirs;
	size_t i;
	int rc = 0, added = 0;

	memset(&dirs, 0, sizeof(dirs));
	if (wt->opts->scan.npaths > 0) {
		for (i = 0; i < wt->opts->scan.npaths && rc == 0; i++)
			rc = strlist_add(&dirs, wt->opts->scan.paths[i]);
	} else if (wt->root_len > 0) {
		rc = strlist_add(&dirs, wt->root_dir); /* the whole scanned tree */
	} else {
		cb.ctx = &dirs;
		rc = scan_list_sites(&wt->opts->scan, &cb);
		if (rc == 0)
			rc = strlist_add(&dirs, "/etc");
		if (rc == 0)
			rc = strlist_add(&dirs, "/home");
		if (rc == 0)
			rc = strlist_add(&dirs, "/root");
		if (rc == 0)
			rc = strlist_add(&dirs, "/var/spool/cron");
	}
	for (i = 0; i < dirs.count && rc == 0; i++) {
		int r = fswatch_add(&wt->fs, dirs.items[i]);

		if (r == -ENOMEM) {
			rc = r;
		} else if (r < 0 && r != -ENOENT) {
			log_message(wt, WATCH_LOG_WARNING, "cannot watch %s: %s", dirs.items[i],
				    strerror(-r));
		} else if (r == 0) {
			added++;
		}
	}
	if (rc == 0 && added == 0)
		rc = -ENOENT;
	if (rc == 0 && wt->fs.dirs_dropped)
		log_message(wt, WATCH_LOG_WARNING, "%lu directories are not watched: more than %d",
			    wt->fs.dirs_dropped, FSWATCH_INOTIFY_DIRS_MAX);
	strlist_free(&dirs);
	return rc;
}

static int
open_source(struct watcher *wt)
{
	int rc = -EPERM;

	if (!wt->opts->inotify_only) {
		rc = fswatch_open(&wt->fs, FSWATCH_FANOTIFY);
		if (rc == 0) {
			log_message(wt, WATCH_LOG_INFO, "watching with fanotify file system marks; "
				    "writers are named%s", wt->fs.pidfd ? " (with pidfds)" : "");
		} else {
			log_message(wt, WATCH_LOG_WARNING, "fanotify is not available (%s); "
				    "falling back to inotify", strerror(-rc));
		}
	}
	if (rc != 0) {
		rc = fswatch_open(&wt->fs, FSWATCH_INOTIFY);
		if (rc == 0)
			log_message(wt, WATCH_LOG_INFO, "watching with inotify: writers are not named, "
				    "and a new directory is searched once its watch is added");
	}
	wt->fs.filter = watch_name_may_matter;
	return rc;
}

/* Alerts on the hook files below a new directory, depth levels deep at most. */
static int
search_dir(struct watcher *wt, const char *dir, int depth, size_t *files)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL && *files < WATCH_NEW_DIR_FILES_MAX) {
		struct pending p;
		char *path;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (de->d_type == DT_DIR && depth < WATCH_NEW_DIR_DEPTH_MAX) {
			rc = search_dir(wt, path, depth + 1, files);
		} else if (de->d_type != DT_DIR && classify_for_watch(wt, path) != WATCH_PATH_OTHER) {
			memset(&p, 0, sizeof(p));
			p.path = path;
			p.kind = classify_for_watch(wt, path);
			p.created = true;
			(*files)++;
			rc = alert_path(wt, &p);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

/* Alerts on every hook file below the directories given on the command line. */
static int
search_watched(struct watcher *wt)
{
	size_t i, files = 0;
	int rc = 0;

	for (i = 0; i < wt->opts->scan.npaths && rc == 0; i++)
		rc = search_dir(wt, wt->opts->scan.paths[i], 0, &files);
	if (rc == 0 && files >= WATCH_NEW_DIR_FILES_MAX)
		log_message(wt, WATCH_LOG_WARNING, "more than %d hook files below the watched "
			    "directories; the rest were not scanned", WATCH_NEW_DIR_FILES_MAX);
	return rc;
}

/*
 * Searches directories that arrived with content: one moved into place, and
 * under inotify a new one, whose first files may predate its watch.
 */
static int
search_new_dirs(struct watcher *wt, const struct fsev_batch *b)
{
	size_t i, files = 0;
	int rc = 0;

	for (i = 0; i < b->count && rc == 0; i++) {
		const struct fsev *ev = &b->items[i];

		/* fanotify reports files created in a new directory, not those moved in with it. */
		if (!ev->is_dir || !ev->path || !in_scope(wt, ev->path) || !to_scanned(wt, ev->path))
			continue;
		if (ev->kind == FSEV_MOVED_TO ||
		    (ev->kind == FSEV_CREATE && wt->fs.mode == FSWATCH_INOTIFY))
			rc = search_dir(wt, ev->path, 0, &files);
	}
	return rc;
}

static void
on_exec(pid_t pid, void *ctx)
{
	struct watcher *wt = ctx;

	if (wt->nexecs < WATCH_EXECS_MAX)
		wt->execs[wt->nexecs++] = pid;
	else
		wt->execs_dropped++;
}

/* The latest hook alerted within the last ten minutes that is still there, or NULL. */
static const char *
latest_hook(const struct watcher *wt)
{
	time_t now = time(NULL);
	size_t i;

	for (i = wt->nrecent; i > 0; i--) {
		char host[PATH_MAX];
		struct stat st;

		if (now - wt->recent_times[i - 1] > 600)
			break;
		snprintf(host, sizeof(host), "%s%s", wt->root_len ? wt->root_dir : "",
			 wt->recent_hooks[i - 1]);
		if (lstat(host, &st) == 0)
			return wt->recent_hooks[i - 1];
	}
	return NULL;
}

/* Whether the command line of python -c carries decoding or dynamic code, as payloads do. */
static bool
inline_code_hides(const uint8_t *cmdline, size_t len)
{
	static const char *const markers[] = {
		"b64decode", "decode(", "exec(", "eval(", "marshal", "zlib", "fromhex",
	};
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		if (memmem(cmdline, len, markers[i], strlen(markers[i])))
			return true;
	}
	return false;
}

/*
 * Keeps python -c as an early child only when its code decodes or runs
 * computed code, whatever its length: ensurepip and venv run long plain
 * programs with -c, and a base64 payload fits in a short one.
 */
static enum proc_child_kind
refine_python_child(const struct proc_record *child, enum proc_child_kind kind)
{
	const char *exe = child->exe[0] ? child->exe : child->comm;
	bool python = proccache_is_python(exe, strlen(exe));
	bool inline_code = memmem(child->cmdline, child->cmdline_len, "-c", 3) != NULL;

	if (kind == PROC_CHILD_PYTHON_INLINE || (python && inline_code))
		return inline_code_hides(child->cmdline, child->cmdline_len) ? PROC_CHILD_PYTHON_INLINE
									   : PROC_CHILD_OTHER;
	return kind;
}

/*
 * Reports a child that a Python process started right after its own start,
 * when start-up hooks run: a shell, curl or wget, bun or node, or python -c
 * with a long program, as the published payloads do.
 */
static int
check_early_child(struct watcher *wt, pid_t pid)
{
	struct proc_record child, parent;
	enum proc_child_kind kind;
	struct writer writer;
	struct finding f;
	const char *link;
	char *cmd;
	uint64_t since;
	int rc;

	if (proccache_lookup(wt->procs, pid, &child) < 0 || child.ppid <= 0)
		return 0;
	/* A child that exited before /proc was read keeps at least its command name. */
	if (child.exe[0])
		kind = proccache_classify(child.exe, strlen(child.exe), child.cmdline,
					  child.cmdline_len);
	else
		kind = proccache_classify(child.comm, strlen(child.comm), child.cmdline,
					  child.cmdline_len);
	kind = refine_python_child(&child, kind);
	if (kind == PROC_CHILD_OTHER)
		return 0;
	if (proccache_lookup(wt->procs, child.ppid, &parent) < 0 ||
	    !proccache_is_python(parent.exe, strlen(parent.exe)))
		return 0;
	since = parent.exec_ns ? parent.exec_ns : parent.start_ns;
	if (!since || !child.start_ns || child.start_ns < since ||
	    child.start_ns - since > (uint64_t)EARLY_CHILD_MS * 1000000u)
		return 0;

	memset(&writer, 0, sizeof(writer));
	if (!writer_from_cache(wt->procs, child.ppid, &writer))
		writer.pid = child.ppid;
	cmd = join_cmdline(child.cmdline, child.cmdline_len);
	finding_init(&f, "python-early-child", "process", SEV_HIGH, CONF_MEDIUM);
	f.time = time(NULL);
	rc = finding_set_path(&f, parent.exe);
	if (rc == 0 && cmd)
		rc = finding_set_evidence(&f, cmd, strlen(cmd));
	if (rc == 0)
		rc = finding_add_reason(&f, "Python process %d started %s (pid %d, %s) %llu ms after "
					"it started, before a program usually runs: start-up hooks run then",
					(int)child.ppid, proc_child_kind_name(kind), (int)pid,
					child.exe, (unsigned long long)((child.start_ns - since) / 1000000u));
	link = latest_hook(wt);
	if (rc == 0 && link)
		rc = finding_add_reason(&f, "the latest hook alerted before it: %s", link);
	else if (rc == 0)
		rc = finding_add_reason(&f, "no hook was alerted before it; the baseline lists the "
					"hooks that were already there");
	if (rc == 0)
		rc = set_event(&f, "process-started", &writer);
	if (rc == 0)
		rc = forward(wt, &f);
	finding_free(&f);
	free(cmd);
	writer_free(&writer);
	return rc == -E2BIG ? 0 : rc;
}

/* Reads the process connector, reports lost process events and checks new execs. */
static int
handle_processes(struct watcher *wt)
{
	struct proccache_stats stats;
	size_t i;
	int rc = proccache_dispatch(wt->procs);

	if (rc < 0 && rc != -ENOBUFS)
		return rc;
	proccache_stats(wt->procs, &stats);
	if (stats.overruns > wt->proc_overruns) {
		char reason[160];

		snprintf(reason, sizeof(reason), "process events were dropped (%llu reads failed); "
			 "writers of some alerts may be named by pid only and early children of "
			 "Python may be missed",
			 (unsigned long long)(stats.overruns - wt->proc_overruns));
		wt->proc_overruns = stats.overruns;
		log_message(wt, WATCH_LOG_WARNING, "%s", reason);
		rc = emit_simple(wt, "watch-loss", "loss", SEV_LOW, NULL, "loss", NULL, reason);
		if (rc != 0)
			return rc;
	}
	for (i = 0, rc = 0; i < wt->nexecs && rc == 0; i++)
		rc = check_early_child(wt, wt->execs[i]);
	wt->nexecs = 0;
	if (wt->execs_dropped) {
		log_message(wt, WATCH_LOG_WARNING, "%lu process starts were not checked for early "
			    "children: more than %d between two reads", wt->execs_dropped,
			    WATCH_EXECS_MAX);
		wt->execs_dropped = 0;
	}
	if (wt->cb->on_batch_end)
		wt->cb->on_batch_end(wt->cb->ctx);
	return rc;
}

static int
open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Reads pending signals; returns 1 to stop, 0 to go on, or a negative errno. */
static int
handle_signals(struct watcher *wt, int sfd)
{
	struct signalfd_siginfo si;
	int rc = 0;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_message(wt, WATCH_LOG_INFO, "SIGHUP: reopening the output");
			int r = wt->cb->on_reopen ? wt->cb->on_reopen(wt->cb->ctx) : 0;

			if (r < 0)
				log_message(wt, WATCH_LOG_ERROR, "cannot reopen the output (%s); still "
					    "writing to the old one", strerror(-r));
		} else {
			log_message(wt, WATCH_LOG_INFO, "stopping on signal %u", si.ssi_signo);
			rc = 1;
		}
	}
	return rc;
}

int
watch_run(const struct watch_options *opts, const struct watch_callbacks *cb)
{
	struct watcher wt;
	struct fsev_batch b;
	int sfd, rc;

	memset(&wt, 0, sizeof(wt));
	wt.opts = opts;
	wt.cb = cb;
	wt.fs.fd = -1;
	sfd = open_signals();
	if (sfd < 0)
		return sfd;
	wt.root.fd = -1;
	if (!realpath(opts->scan.root, wt.root_dir)) {
		close(sfd);
		return -errno;
	}
	wt.root_len = strcmp(wt.root_dir, "/") == 0 ? 0 : strlen(wt.root_dir);
	rc = fsroot_open(&wt.root, opts->scan.root);
	if (rc == 0)
		rc = open_source(&wt);
	if (rc == 0)
		rc = add_watches(&wt);
	if (rc == 0)
		rc = refresh_provdb(&wt);
	if (rc == 0) {
		struct proccache_options po = { 0 };
		int prc;

		po.on_exec = on_exec;
		po.ctx = &wt;
		prc = proccache_open(&wt.procs, &po);
		if (prc == 0)
			log_message(&wt, WATCH_LOG_INFO, "following processes through the proc connector");
		else
			log_message(&wt, WATCH_LOG_WARNING, "no process connector (%s): %s, and "
				    "early children of Python are not checked", strerror(-prc),
				    wt.fs.mode == FSWATCH_FANOTIFY
				    ? "writers that exit at once are named by pid only"
				    : "writers are not named");
	}
	if (rc == 0 && !opts->no_baseline) {
		log_message(&wt, WATCH_LOG_INFO, "baseline scan started");
		wt.forced_action = "";
		rc = scan_for_alert(&wt, NULL, false);
		wt.forced_action = NULL;
		log_message(&wt, WATCH_LOG_INFO, "baseline scan finished");
		if (cb->on_batch_end)
			cb->on_batch_end(cb->ctx);
	}
	if (rc == 0) {
		int dropped = watch_drop_privileges();

		if (dropped == 0)
			log_message(&wt, WATCH_LOG_INFO, "privileges dropped: only CAP_DAC_READ_SEARCH "
				    "and CAP_SYS_PTRACE are kept");
		else if (dropped < 0)
			log_message(&wt, WATCH_LOG_WARNING, "cannot drop privileges: %s",
				    strerror(-dropped));
		log_message(&wt, WATCH_LOG_INFO, "watching for start-up hooks");
	}
	fsev_batch_init(&b);
	while (rc == 0) {
		struct pollfd fds[3] = { { fswatch_fd(&wt.fs), POLLIN, 0 }, { sfd, POLLIN, 0 },
					 { wt.procs ? proccache_fd(wt.procs) : -1, POLLIN, 0 } };

		if (poll(fds, 3, wt.npending ? CREATE_WAIT_MS / 4 : 1000) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (fds[1].revents & POLLIN) {
			rc = handle_signals(&wt, sfd);
			if (rc != 0)
				break;
		}
		/* Process events first, so that the writer of a file event is already known. */
		if (wt.procs && ((fds[2].revents & POLLIN) || (fds[0].revents & POLLIN))) {
			rc = handle_processes(&wt);
			if (rc != 0)
				break;
		}
		if (!(fds[0].revents & POLLIN) && !wt.held && wt.npending == 0)
			continue;
		rc = fswatch_read(&wt.fs, &b);
		if (rc == 0)
			rc = search_new_dirs(&wt, &b);
		if (rc == 0)
			rc = handle_batch(&wt, &b);
		fsev_batch_clear(&b);
	}
	/* New files still waiting for their close are reported rather than dropped. */
	if (rc == 0 || rc == 1) {
		for (size_t k = 0; k < wt.npending; k++)
			wt.pending[k].written = true;
		if (flush_pending(&wt) < 0)
			log_message(&wt, WATCH_LOG_ERROR, "cannot report the last pending alerts");
		if (wt.held)
			report_held(&wt);
	}
	fsev_batch_free(&b);
	free_pending(&wt);
	free(wt.pending);
	fswatch_close(&wt.fs);
	if (wt.prov_open)
		provdb_close(&wt.prov);
	if (wt.procs)
		proccache_close(wt.procs);
	for (size_t k = 0; k < wt.nrecent; k++)
		free(wt.recent_hooks[k]);
	if (wt.root.fd >= 0)
		fsroot_close(&wt.root);
	close(sfd);
	if (rc == 1)
		rc = 0;
	log_message(&wt, rc == 0 ? WATCH_LOG_INFO : WATCH_LOG_ERROR, "watch stopped%s%s",
		    rc ? ": " : "", rc ? strerror(-rc) : "");
	return rc;
}
