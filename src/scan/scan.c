#include "scan/scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan/discover.h"
#include "scan/scanner.h"

/* Default cap on the bytes read from one file. */
#define SCAN_FILE_MAX_DEFAULT (64u * 1024 * 1024)
#define SCAN_DEPTH_DEFAULT 6

void
scan_options_init(struct scan_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->root = "/";
	opts->ver_lo = PYVER_ANY_LO;
	opts->ver_hi = PYVER_ANY_HI;
	opts->max_depth = SCAN_DEPTH_DEFAULT;
	opts->max_file_size = SCAN_FILE_MAX_DEFAULT;
}

int
scanner_emit(struct scanner *s, struct finding *f)
{
	int rc;

	f->time = s->opts->now;
	if (s->follow.active && f->severity > s->follow.max)
		s->follow.max = f->severity;
	rc = s->cb->on_finding ? s->cb->on_finding(f, s->cb->ctx) : 0;
	finding_free(f);
	return rc;
}

void
scanner_diag(struct scanner *s, const char *path, long line, int err, const char *message)
{
	struct scan_diag d = { path, line, err, message, false };

	if (s->cb->on_diag)
		s->cb->on_diag(&d, s->cb->ctx);
}

void
scanner_incomplete(struct scanner *s, const char *path, const char *message)
{
	struct scan_diag d = { path, 0, 0, message, true };

	if (s->cb->on_diag)
		s->cb->on_diag(&d, s->cb->ctx);
}

void
scanner_check_listing(struct scanner *s, const char *dir, const struct dirlist *names)
{
	if (names->truncated)
		scanner_incomplete(s, dir, "directory has more than 1048576 entries; the rest were not read");
}

bool
scanner_seen(struct scanner *s, const char *rule, const char *path)
{
	char *key = NULL;
	bool seen;

	size_t unused;

	if (asprintf(&key, "%s\n%s", rule, path) < 0)
		return false;
	seen = strmap_get(&s->reported, key, &unused);
	if (!seen && strmap_put(&s->reported, key, 0) < 0)
		seen = false;
	free(key);
	return seen;
}

static bool
in_temp_dir(const char *path)
{
	static const char *const temp[] = { "/tmp", "/var/tmp", "/dev/shm", "/run/shm" };
	size_t i, n;

	for (i = 0; i < sizeof(temp) / sizeof(temp[0]); i++) {
		n = strlen(temp[i]);
		if (strncmp(path, temp[i], n) == 0 && (path[n] == '/' || path[n] == '\0'))
			return true;
	}
	return false;
}

bool
scanner_path_is_unsafe(struct scanner *s, const char *path, char **why)
{
	struct stat st;
	char *cur;

	*why = NULL;
	if (in_temp_dir(path)) {
		*why = strdup("a temporary directory");
		return true;
	}
	cur = strdup(path);
	if (!cur)
		return false;
	for (;;) {
		if (fsroot_stat(&s->root, cur, true, &st) == 0) {
			bool unsafe = (st.st_mode & S_IWOTH) != 0;

			if (unsafe && asprintf(why, "%s is writable by every user", cur) < 0)
				*why = NULL;
			free(cur);
			return unsafe;
		}
		if (strcmp(cur, "/") == 0)
			break;
		{
			char *up = path_dirname(cur);

			free(cur);
			cur = up;
			if (!cur)
				return false;
		}
	}
	free(cur);
	return false;
}

/* Symbolic links followed per path, as MAXSYMLINKS in Linux. */
#define LINK_HOPS_MAX 40

static bool
in_dev_or_proc(const char *path)
{
	return strncmp(path, "/dev/", 5) == 0 || strcmp(path, "/dev") == 0 ||
	       strncmp(path, "/proc/", 6) == 0 || strcmp(path, "/proc") == 0;
}

int
scanner_check_link(struct scanner *s, const char *path, struct link_check *lc)
{
	char *cur = strdup(path);
	int hop;

	memset(lc, 0, sizeof(*lc));
	if (!cur)
		return -ENOMEM;
	for (hop = 0; hop < LINK_HOPS_MAX; hop++) {
		struct stat st;
		char *target = NULL, *dir, *next;

		if (fsroot_stat(&s->root, cur, false, &st) < 0 || !S_ISLNK(st.st_mode))
			break;
		lc->is_link = true;
		if (fsroot_readlink(&s->root, cur, &target) < 0)
			break;
		dir = path_dirname(cur);
		next = dir ? path_normalize(dir, target) : NULL;
		free(dir);
		free(target);
		if (!next) {
			free(cur);
			return -ENOMEM;
		}
		free(cur);
		cur = next;
		if (!lc->target && !(lc->target = strdup(cur)))
			break;
		if (in_dev_or_proc(cur)) {
			lc->special = true;
			free(lc->target);
			lc->target = strdup(cur);
			break;
		}
		if (!lc->unsafe && scanner_path_is_unsafe(s, cur, &lc->why)) {
			lc->unsafe = true;
			free(lc->target);
			lc->target = strdup(cur);
		}
	}
	free(cur);
	return 0;
}

void
link_check_free(struct link_check *lc)
{
	free(lc->target);
	free(lc->why);
	memset(lc, 0, sizeof(*lc));
}

char *
quoted_path(const char *s)
{
	size_t len = strlen(s);
	char *out = NULL;

	if (len <= QUOTED_PATH_MAX)
		return strdup(s);
	if (asprintf(&out, "%.*s... (%zu bytes in all)", QUOTED_PATH_MAX, s, len) < 0)
		return NULL;
	return out;
}

char *
ranges_describe(const struct ranges *r)
{
	char buf[512], lo[32], hi[32];
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < r->count; i++) {
		int n;

		pyver_format(r->lo[i], lo, sizeof(lo));
		pyver_format(r->hi[i], hi, sizeof(hi));
		if (r->lo[i] == r->hi[i])
			n = snprintf(buf + used, sizeof(buf) - used, "%sCPython %s", i ? ", " : "", lo);
		else
			n = snprintf(buf + used, sizeof(buf) - used, "%sCPython %s to %s", i ? ", " : "", lo, hi);
		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			break;
		used += (size_t)n;
	}
	return strdup(buf);
}

static int
ranges_add(struct ranges *r, uint32_t lo, uint32_t hi, const char *label)
{
	size_t i;
	char *joined = NULL;

	for (i = 0; i < r->count; i++) {
		if (r->lo[i] == lo && r->hi[i] == hi)
			return 0;
	}
	if (r->count == RANGES_MAX)
		return 0;
	r->lo[r->count] = lo;
	r->hi[r->count] = hi;
	r->count++;
	if (!label)
		return 0;
	if (!r->label)
		r->label = strdup(label);
	else if (!strstr(r->label, label) && asprintf(&joined, "%s; %s", r->label, label) >= 0) {
		free(r->label);
		r->label = joined;
	}
	return r->label ? 0 : -ENOMEM;
}

/* Reports what could not be read in the package databases, once at the end of the scan. */
static void
report_provdb_problems(struct scanner *s)
{
	const struct provdb_diags *d = &s->own_prov.diags;
	size_t i;
	char *more = NULL;

	for (i = 0; i < d->count && i < PROVDB_DIAGS_MAX; i++)
		scanner_diag(s, d->first[i].path ? d->first[i].path : "/var/lib/dpkg",
			     (long)d->first[i].line, 0, d->first[i].message);
	if (d->count > PROVDB_DIAGS_MAX &&
	    asprintf(&more, "%zu more problems in package databases were not listed",
		     d->count - PROVDB_DIAGS_MAX) >= 0) {
		scanner_diag(s, "/var/lib/dpkg", 0, 0, more);
		free(more);
	}
}

static void
scanner_free(struct scanner *s)
{
	size_t i;

	for (i = 0; i < s->nsites; i++) {
		free(s->sites[i].path);
		strlist_free(&s->sites[i].additions);
	}
	free(s->sites);
	strmap_free(&s->site_index);
	for (i = 0; i < s->nsite_ranges; i++)
		free(s->site_ranges[i].label);
	free(s->site_ranges);
	strmap_free(&s->ranges_index);
	strmap_free(&s->reported);
	if (s->prov_state == PROV_DB_OPEN && s->prov == &s->own_prov) {
		report_provdb_problems(s);
		provdb_close(&s->own_prov);
	}
	fsroot_close(&s->root);
}

static int
scanner_init(struct scanner *s, const struct scan_options *opts, const struct scan_callbacks *cb)
{
	memset(s, 0, sizeof(*s));
	s->opts = opts;
	s->cb = cb;
	s->root.fd = -1;
	s->nuniverse = pth_rules_in_range(PYVER_ANY_LO, PYVER_ANY_HI, s->universe,
					  s->universe_example, VARIANTS_MAX);
	return fsroot_open(&s->root, opts->root);
}

/*
 * Records, for every site directory, the releases of all installations
 * that read it, so that a shared directory is evaluated once for all.
 */
static int
index_site_ranges(struct scanner *s, const struct installs *all)
{
	size_t i, k, idx;
	int rc = 0;

	for (i = 0; i < all->count && rc == 0; i++) {
		const struct install *in = &all->items[i];

		for (k = 0; k < in->nsites && rc == 0; k++) {
			if (!strmap_get(&s->ranges_index, in->sites[k].path, &idx)) {
				struct ranges *p = realloc(s->site_ranges,
							   (s->nsite_ranges + 1) * sizeof(*p));

				if (!p)
					return -ENOMEM;
				s->site_ranges = p;
				idx = s->nsite_ranges++;
				memset(&p[idx], 0, sizeof(p[idx]));
				rc = strmap_put(&s->ranges_index, in->sites[k].path, idx);
				if (rc < 0)
					return rc;
			}
			rc = ranges_add(&s->site_ranges[idx], in->ver_lo, in->ver_hi, in->label);
		}
	}
	return rc;
}

static int
add_unique(struct strlist *l, const char *path)
{
	return strlist_has(l, path) ? 0 : strlist_add(l, path);
}

static int
scan_install(struct scanner *s, const struct install *in, const struct installs *all)
{
	struct strlist syspath = STRLIST_INIT;
	struct ranges own = { { 0 }, { 0 }, 0, NULL };
	size_t i, k;
	int rc = 0;

	for (i = 0; i < in->nsyspath && rc == 0; i++)
		rc = add_unique(&syspath, in->syspath[i]);
	for (i = 0; i < in->nsites && rc == 0; i++) {
		const struct site_result *res = NULL;
		size_t idx;

		if (!strmap_get(&s->ranges_index, in->sites[i].path, &idx))
			continue;
		rc = scan_site_dir(s, in->sites[i].path, &s->site_ranges[idx], 0, &res);
		if (rc < 0 || !res)
			continue;
		rc = add_unique(&syspath, in->sites[i].path);
		for (k = 0; k < res->additions.count && rc == 0; k++)
			rc = add_unique(&syspath, res->additions.items[k]);
	}
	if (rc == 0)
		rc = ranges_add(&own, in->ver_lo, in->ver_hi, in->label);
	if (rc == 0)
		rc = scan_customize(s, &syspath, &own, in->kind != INSTALL_VENV || in->system_site);
	if (rc == 0)
		rc = scan_install_files(s, in, all);
	free(own.label);
	strlist_free(&syspath);
	return rc;
}

static bool
name_ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && strcmp(name + n - k, suffix) == 0;
}

static bool
is_customize_name(const char *name)
{
	const char *module = strncmp(name, "sitecustomize", 13) == 0 ? "sitecustomize"
			     : strncmp(name, "usercustomize", 13) == 0 ? "usercustomize" : NULL;

	if (!module)
		return false;
	name += 13;
	return strcmp(name, ".py") == 0 || strcmp(name, ".pyc") == 0 ||
	       (name[0] == '.' && name_ends_with(name, ".so"));
}

/* One PATH argument: a site directory or a single hook file. */
static int
scan_argument(struct scanner *s, const char *arg, const struct ranges *r)
{
	const struct site_result *res;
	struct strlist syspath = STRLIST_INIT, additions = STRLIST_INIT;
	struct stat st;
	const char *name;
	char *path;
	size_t k;
	int rc;

	path = path_normalize("/", arg);
	if (!path)
		return -ENOMEM;
	rc = fsroot_stat(&s->root, path, true, &st);
	if (rc < 0) {
		struct scan_diag d = { path, 0, -rc, NULL, true };

		if (s->cb->on_diag)
			s->cb->on_diag(&d, s->cb->ctx);
		free(path);
		return 0;
	}
	name = strrchr(path, '/');
	name = name ? name + 1 : path;
	if (S_ISDIR(st.st_mode)) {
		rc = scan_site_dir(s, path, r, 0, &res);
		if (rc == 0 && res) {
			rc = add_unique(&syspath, path);
			for (k = 0; k < res->additions.count && rc == 0; k++)
				rc = add_unique(&syspath, res->additions.items[k]);
		}
		if (rc == 0)
			rc = scan_customize(s, &syspath, r, true);
	} else if (name_ends_with(name, "._pth")) {
		rc = scan_dotpth_file(s, path, r);
	} else if (strcmp(name, "pyvenv.cfg") == 0) {
		rc = scan_pyvenv_file(s, path, NULL);
	} else if (name_ends_with(name, ".start")) {
		rc = scan_start_file(s, path, r);
	} else if (is_customize_name(name)) {
		rc = scan_customize_file(s, path, r);
	} else {
		if (!name_ends_with(name, ".pth"))
			scanner_diag(s, path, 0, 0, "not a known start-up hook file name; read as a .pth file");
		rc = scan_pth_file(s, path, r, &additions, 0, NULL);
	}
	strlist_free(&additions);
	strlist_free(&syspath);
	free(path);
	return rc;
}

/* Whether root is this system's own root directory, so its /proc shows its processes. */
static bool
is_live_root(const char *root)
{
	struct stat a, b;

	return stat(root, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int
scan_run(const struct scan_options *opts, const struct scan_callbacks *cb)
{
	struct scanner s;
	struct installs all = { NULL, 0 };
	size_t i;
	int rc;

	rc = scanner_init(&s, opts, cb);
	if (rc < 0) {
		scanner_free(&s);
		return rc;
	}
	if (opts->env_file) {
		rc = scan_environment(&s);
		scanner_free(&s);
		return rc;
	}
	if (opts->npaths > 0) {
		struct ranges r = { { opts->ver_lo }, { opts->ver_hi }, 1, NULL };

		for (i = 0; i < opts->npaths && rc == 0; i++)
			rc = scan_argument(&s, opts->paths[i], &r);
		scanner_free(&s);
		return rc;
	}
	rc = discover_run(&s.root, opts, cb, &all);
	if (rc == 0)
		rc = index_site_ranges(&s, &all);
	for (i = 0; i < all.count && rc == 0; i++)
		rc = scan_install(&s, &all.items[i], &all);
	if (rc == 0)
		rc = scan_environment(&s);
	if (rc == 0 && is_live_root(opts->root))
		rc = scan_process_environments(&s);
	installs_free(&all);
	scanner_free(&s);
	return rc;
}

int
scan_list_sites(const struct scan_options *opts, const struct scan_callbacks *cb)
{
	struct fsroot root;
	struct installs all = { NULL, 0 };
	size_t i;
	int rc;

	rc = fsroot_open(&root, opts->root);
	if (rc < 0)
		return rc;
	rc = discover_run(&root, opts, cb, &all);
	for (i = 0; i < all.count && rc == 0 && cb->on_install; i++)
		rc = cb->on_install(&all.items[i], cb->ctx);
	installs_free(&all);
	fsroot_close(&root);
	return rc;
}
