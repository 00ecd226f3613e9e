/*
 * Site directories and .pth files, read as site.addsitedir() and
 * site.addpackage() of each modelled CPython release read them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "python/pth.h"
#include "provenance/catalogue.h"
#include "scan/scanner.h"

/* Executable lines tracked per file; a longer file is reported as such. */
#define EXEC_LINES_MAX 65536

/* One executable line, keyed by its byte offset, across rule sets. */
struct exec_line {
	size_t offset;
	size_t len[VARIANTS_MAX];
	long number[VARIANTS_MAX];
	unsigned runs;  /* bit i: runs under universe rule set i */
};

struct pth_eval {
	struct exec_line *lines; /* sorted by offset */
	size_t count, cap;
	unsigned in_range;   /* bit i: rule set i applies to an interpreter here */
	unsigned aborts;     /* bit i: reading the file aborts start-up */
	size_t abort_offset;
	unsigned hidden_skip; /* bit i: the file is hidden and skipped */
	unsigned start_skip;  /* bit i: a NAME.start silences the import lines */
	char *link_target;    /* the file is a symbolic link to this path */
	unsigned blocked;     /* bit i: an earlier file aborted start-up, so none of this runs */
};

static unsigned
variants_in_ranges(const struct scanner *s, const struct ranges *r)
{
	struct pth_rules sets[VARIANTS_MAX];
	unsigned mask = 0;
	size_t i, j, k, n;

	for (k = 0; k < r->count; k++) {
		n = pth_rules_in_range(r->lo[k], r->hi[k], sets, NULL, VARIANTS_MAX);
		for (i = 0; i < n; i++) {
			for (j = 0; j < s->nuniverse; j++) {
				if (pth_rules_equal(&sets[i], &s->universe[j]))
					mask |= 1u << j;
			}
		}
	}
	return mask;
}

/*
 * Finds the line at offset, or inserts it keeping the array sorted by
 * offset. Each rule set yields offsets in increasing order, so the first
 * one only appends and later ones mostly find their lines by bisection.
 */
static struct exec_line *
exec_line_at(struct pth_eval *ev, size_t offset)
{
	struct exec_line *p;
	size_t lo = 0, hi = ev->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ev->lines[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ev->count && ev->lines[lo].offset == offset)
		return &ev->lines[lo];
	if (ev->count == EXEC_LINES_MAX)
		return NULL;
	if (ev->count == ev->cap) {
		size_t ncap = ev->cap ? ev->cap * 2 : 16;

		p = realloc(ev->lines, ncap * sizeof(*p));
		if (!p)
			return NULL;
		ev->lines = p;
		ev->cap = ncap;
	}
	memmove(&ev->lines[lo + 1], &ev->lines[lo], (ev->count - lo) * sizeof(*p));
	ev->count++;
	p = &ev->lines[lo];
	memset(p, 0, sizeof(*p));
	p->offset = offset;
	return p;
}

static char *
describe_variants(const struct scanner *s, unsigned mask)
{
	char buf[256], v[32];
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < s->nuniverse; i++) {
		int n;

		if (!(mask & (1u << i)))
			continue;
		/* Boundaries are stored as X.Y.Za0; the first final release reads better. */
		pyver_format((s->universe_example[i] & 0xFFu) == 0xA0u
			     ? (s->universe_example[i] & ~0xFFu) | 0xF0u : s->universe_example[i],
			     v, sizeof(v));
		n = snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "", v);
		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			break;
		used += (size_t)n;
	}
	return strdup(buf);
}

static bool
has_start_file(struct scanner *s, const char *dir, const char *name)
{
	size_t n = strlen(name);
	char *start, *path;
	bool found;

	start = malloc(n + 3);
	if (!start)
		return false;
	memcpy(start, name, n - 4);
	memcpy(start + n - 4, ".start", 7);
	path = path_join(dir, start);
	free(start);
	if (!path)
		return false;
	found = fsroot_exists(&s->root, path);
	free(path);
	return found;
}

static int
evaluate_variants(struct scanner *s, const uint8_t *buf, size_t len, bool hidden,
		  bool start_exists, struct pth_eval *ev)
{
	size_t i, k;
	int rc;

	for (i = 0; i < s->nuniverse; i++) {
		const struct pth_rules *rules = &s->universe[i];
		struct pth_result res;

		if (hidden && rules->skip_hidden) {
			ev->hidden_skip |= 1u << i;
			continue;
		}
		rc = pth_parse(buf, len, rules, &res);
		if (rc < 0)
			return rc;
		if (res.aborts) {
			ev->aborts |= 1u << i;
			ev->abort_offset = res.abort_offset;
		}
		if (start_exists && rules->start_files)
			ev->start_skip |= 1u << i;
		for (k = 0; k < res.nlines; k++) {
			const struct pth_line *l = &res.lines[k];
			struct exec_line *e;

			if (l->kind != PTH_LINE_EXEC)
				continue;
			e = exec_line_at(ev, l->offset);
			if (!e) {
				pth_result_free(&res);
				return ev->count == EXEC_LINES_MAX ? -E2BIG : -ENOMEM;
			}
			e->len[i] = l->len;
			e->number[i] = l->number;
			if (l->reached && !(ev->start_skip & (1u << i)))
				e->runs |= 1u << i;
		}
		pth_result_free(&res);
	}
	return 0;
}

static int
first_bit(unsigned mask)
{
	int i;

	for (i = 0; i < VARIANTS_MAX; i++) {
		if (mask & (1u << i))
			return i;
	}
	return -1;
}

static bool
mentions_exit(const uint8_t *line, size_t len)
{
	static const char *const words[] = { "exit(", "SystemExit", "_exit(", "abort(" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (memmem(line, len, words[i], strlen(words[i])))
			return true;
	}
	return false;
}

static int
report_exec_line(struct scanner *s, const char *path, const struct ranges *r,
		 const uint8_t *buf, const struct exec_line *e, const struct pth_eval *ev,
		 const struct hook_facts *facts)
{
	unsigned runs = e->runs & ~ev->blocked;
	unsigned here = runs & ev->in_range, elsewhere = runs & ~ev->in_range;
	struct finding f;
	char *text;
	int v, rc = 0;

	/* Runs here but for an earlier file that breaks start-up. */
	unsigned dormant = here ? 0 : e->runs & ev->blocked & ev->in_range;

	if (!here && !elsewhere && !dormant)
		return 0;
	if (here)
		v = first_bit(here);
	else if (dormant)
		v = first_bit(dormant);
	else
		v = first_bit(elsewhere);
	if (here)
		finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	else
		finding_init(&f, "pth-exec-latent", "pth", SEV_LOW, CONF_MEDIUM);
	f.line = e->number[v];
	rc = finding_set_path(&f, path);
	if (rc == 0)
		rc = finding_set_evidence(&f, buf + e->offset, e->len[v]);
	if (rc == 0 && r->label)
		rc = finding_set_interpreter(&f, r->label);
	if (rc == 0 && here)
		rc = finding_add_reason(&f, "line starts with 'import', so site.py runs it with exec() at every interpreter start");
	if (rc == 0 && here && here != ev->in_range) {
		text = describe_variants(s, here);
		rc = text ? finding_add_reason(&f, "runs only on some of the releases that may read this file (like %s); the exact release decides", text) : -ENOMEM;
		free(text);
	}
	if (rc == 0 && dormant)
		rc = finding_add_reason(&f, "line starts with 'import', but an earlier .pth file in this directory makes start-up fail first; it runs once that file is fixed or removed");
	if (rc == 0 && !here && !dormant) {
		char *ranges = ranges_describe(r);

		text = describe_variants(s, elsewhere);
		rc = text && ranges ? finding_add_reason(&f, "does not run on %s, but runs on CPython %s: an upgrade or another interpreter activates it", ranges, text) : -ENOMEM;
		free(text);
		free(ranges);
	}
	if (rc == 0 && (ev->hidden_skip & ev->in_range) && (here || elsewhere))
		rc = finding_add_reason(&f, "hidden file: CPython 3.8.19, 3.9.19, 3.10.14, 3.11.8, 3.12.2 and 3.13 skip names starting with '.', older releases run them");
	if (rc == 0 && (ev->start_skip & ev->in_range))
		rc = finding_add_reason(&f, "a .start file of the same name makes CPython 3.15 and later ignore this line");
	if (rc == 0 && ev->link_target)
		rc = finding_add_reason(&f, "symbolic link to %s, which CPython follows", ev->link_target);
	if (rc == 0 && mentions_exit(buf + e->offset, e->len[v]))
		rc = finding_add_reason(&f, "calls an exit function: if it runs, interpreter start-up stops here");
	if (rc == 0)
		rc = scanner_assess(s, facts, CONTENT_PTH_LINE, buf + e->offset, e->len[v], &f);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

static int
report_file_problem(struct scanner *s, const char *path, const char *rule, enum severity sev,
		    const char *label, const char *reason)
{
	struct finding f;
	int rc;

	finding_init(&f, rule, "pth", sev, CONF_MEDIUM);
	rc = finding_set_path(&f, path);
	if (rc == 0 && label)
		rc = finding_set_interpreter(&f, label);
	if (rc == 0)
		rc = finding_add_reason(&f, "%s", reason);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

/* Python's str.rstrip() for the ASCII whitespace a path line can end in. */
static size_t
rstrip_len(const uint8_t *p, size_t len)
{
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n' ||
			   p[len - 1] == '\r' || p[len - 1] == '\f' || p[len - 1] == '\v'))
		len--;
	return len;
}

static int
handle_path_line(struct scanner *s, const char *dir, const char *path, const struct ranges *r,
		 const uint8_t *line, size_t len, long number, struct strlist *additions)
{
	struct finding f;
	char *text, *target, *why = NULL;
	size_t n = rstrip_len(line, len);
	int rc = 0;

	if (n == 0 || memchr(line, '\0', n))
		return 0;
	text = strndup((const char *)line, n);
	if (!text)
		return -ENOMEM;
	target = path_normalize(dir, text);
	free(text);
	if (!target)
		return -ENOMEM;
	if (fsroot_exists(&s->root, target) && !strlist_has(additions, target))
		rc = strlist_add(additions, target);
	if (rc == 0 && scanner_path_is_unsafe(s, target, &why)) {
		finding_init(&f, "pth-path-writable", "pth-path", SEV_MEDIUM, CONF_MEDIUM);
		f.line = number;
		rc = finding_set_path(&f, path);
		if (rc == 0)
			rc = finding_set_evidence(&f, line, len);
		if (rc == 0 && r->label)
			rc = finding_set_interpreter(&f, r->label);
		if (rc == 0) {
			char *quoted = quoted_path(target), *quoted_why = quoted_path(why ? why : "a writable place");

			rc = quoted && quoted_why
			     ? finding_add_reason(&f, "path line names %s: %s, so any user can plant sitecustomize or shadow a module there (CPython adds the path to sys.path once it exists)",
						  quoted, quoted_why)
			     : -ENOMEM;
			free(quoted);
			free(quoted_why);
		}
		if (rc == 0)
			rc = scanner_emit(s, &f);
		else
			finding_free(&f);
	}
	free(why);
	free(target);
	return rc;
}

static int
follow_addsitedir(struct scanner *s, const char *path, const struct ranges *r,
		  const uint8_t *line, size_t len, long number, int depth, struct strlist *additions)
{
	const struct site_result *nested;
	char dir[4096];
	size_t dirlen, i;
	int rc;

	if (!pth_addsitedir_path(line, len, dir, sizeof(dir), &dirlen) || dirlen == 0) {
		const uint8_t *arg;
		size_t arglen;

		if (memmem(line, len, "addsitedir", 10) && !pth_find_addsitedir(line, len, &arg, &arglen))
			scanner_diag(s, path, number, 0,
				     "site.addsitedir() with an argument that is not a plain string literal; the directory it adds was not read");
		return 0;
	}
	if (dir[0] != '/') {
		scanner_diag(s, path, number, 0,
			     "site.addsitedir() with a relative path depends on the working directory; not followed");
		return 0;
	}
	if (depth >= ADDSITEDIR_DEPTH_MAX) {
		scanner_diag(s, path, number, 0, "site.addsitedir() nested too deep; not followed");
		return 0;
	}
	rc = scan_site_dir(s, dir, r, depth + 1, &nested);
	if (rc == 0 && nested) {
		if (!strlist_has(additions, dir) && fsroot_is_dir(&s->root, dir))
			rc = strlist_add(additions, dir);
		for (i = 0; i < nested->additions.count && rc == 0; i++) {
			if (!strlist_has(additions, nested->additions.items[i]))
				rc = strlist_add(additions, nested->additions.items[i]);
		}
	}
	return rc;
}

/* Path lines and addsitedir() calls under the first rule set that applies. */
static int
scan_path_lines(struct scanner *s, const char *dir, const char *path, const struct ranges *r,
		const uint8_t *buf, size_t len, const struct pth_eval *ev, int depth,
		struct strlist *additions)
{
	struct pth_result res;
	int v = first_bit(ev->in_range & ~ev->hidden_skip);
	size_t k;
	int rc;

	if (v < 0)
		return 0;
	rc = pth_parse(buf, len, &s->universe[v], &res);
	if (rc < 0)
		return rc;
	for (k = 0; k < res.nlines && rc == 0; k++) {
		const struct pth_line *l = &res.lines[k];

		if (!l->reached)
			break;
		if (l->kind == PTH_LINE_PATH)
			rc = handle_path_line(s, dir, path, r, buf + l->offset, l->len, l->number,
					      additions);
		else if (l->kind == PTH_LINE_EXEC)
			rc = follow_addsitedir(s, path, r, buf + l->offset, l->len, l->number, depth,
					       additions);
	}
	pth_result_free(&res);
	return rc;
}

/* Returns 1 (the file is dealt with, go on) unless reporting failed. */
static int
reported(int rc)
{
	return rc < 0 ? rc : 1;
}

/* /dev/stdin, /dev/fd/0 and /proc/<any>/fd/0: the reading process's standard input. */
static bool
is_standard_input(const char *path)
{
	size_t n = strlen(path);

	if (strcmp(path, "/dev/stdin") == 0 || strcmp(path, "/dev/fd/0") == 0)
		return true;
	return strncmp(path, "/proc/", 6) == 0 && n > 11 && strcmp(path + n - 5, "/fd/0") == 0;
}

/*
 * Reports a .pth that is a symbolic link into /dev or /proc (CPython then
 * reads a device or, through /dev/stdin, the input of every Python
 * program) or into a place any user can write. Returns 1 when the file
 * needs no further reading, 0 to go on, or a negative errno.
 */
static int
check_pth_link(struct scanner *s, const char *path, const struct ranges *r)
{
	struct link_check lc;
	char *reason = NULL;
	int rc;

	rc = scanner_check_link(s, path, &lc);
	if (rc < 0 || !lc.is_link || (!lc.special && !lc.unsafe)) {
		link_check_free(&lc);
		return rc;
	}
	if (lc.special) {
		if (asprintf(&reason, "symbolic link to %.512s: CPython reads that device or process file at start-up%s",
			     lc.target, is_standard_input(lc.target)
			     ? ", so the standard input of every Python program becomes .pth lines" : "") < 0) {
			link_check_free(&lc);
			return -ENOMEM;
		}
		rc = reported(report_file_problem(s, path, "pth-special-file", SEV_HIGH, r->label, reason));
	} else {
		if (asprintf(&reason, "symbolic link to %.512s: %s, so any user can write the lines CPython runs",
			     lc.target, lc.why ? lc.why : "a writable place") < 0) {
			link_check_free(&lc);
			return -ENOMEM;
		}
		rc = report_file_problem(s, path, "pth-link-writable", SEV_MEDIUM, r->label, reason);
	}
	free(reason);
	link_check_free(&lc);
	return rc;
}

/*
 * Reads a .pth file into *buf. Returns 0 when there is content to check,
 * 1 when the file was reported or needs no check, or a negative errno.
 */
static int
read_pth_or_report(struct scanner *s, const char *path, const struct ranges *r, uint8_t **buf,
		   size_t *len, bool *complete)
{
	struct stat st;
	bool truncated = false;
	char *reason = NULL;
	int rc;

	*buf = NULL;
	rc = check_pth_link(s, path, r);
	if (rc != 0)
		return rc;
	rc = fsroot_stat(&s->root, path, true, &st);
	if (rc == -ENOENT || (rc == 0 && S_ISDIR(st.st_mode)))
		return 1; /* dangling link or directory: CPython's open() fails and skips it */
	if (rc < 0) {
		if (asprintf(&reason, "cannot be resolved (%s), so its lines were not checked",
			     strerror(-rc)) < 0)
			return -ENOMEM;
		rc = report_file_problem(s, path, "pth-unreadable", SEV_LOW, r->label, reason);
		free(reason);
		return reported(rc);
	}
	if (!S_ISREG(st.st_mode))
		return reported(report_file_problem(s, path, "pth-special-file", SEV_MEDIUM, r->label,
			S_ISFIFO(st.st_mode)
			? "named pipe: CPython opens it at start-up and blocks until someone writes to it"
			: "not a regular file: CPython opens and reads it at start-up"));
	rc = fsroot_read_file(&s->root, path, s->opts->max_file_size, buf, len, &truncated);
	*complete = !truncated;
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		scanner_diag(s, path, 0, -rc, NULL);
		if (asprintf(&reason, "could not be read (%s), so its lines were not checked",
			     strerror(-rc)) < 0)
			return -ENOMEM;
		rc = report_file_problem(s, path, "pth-unreadable", SEV_LOW, r->label, reason);
		free(reason);
		return reported(rc);
	}
	if (truncated) {
		if (asprintf(&reason, "file is larger than %zu bytes: only that much was read and checked",
			     s->opts->max_file_size) < 0)
			rc = -ENOMEM;
		else
			rc = report_file_problem(s, path, "pth-oversize", SEV_MEDIUM, r->label, reason);
		free(reason);
		if (rc < 0) {
			free(*buf);
			*buf = NULL;
			return rc;
		}
	}
	return 0;
}

/* The hook facts of a .pth file, with the number of its lines that have a known benign shape. */
static int
gather_pth_facts(struct scanner *s, const char *path, const char *dir, const uint8_t *buf,
		 size_t len, bool complete, const struct pth_eval *ev, struct hook_facts *facts)
{
	size_t i;
	int rc, v;

	rc = scanner_hook_facts(s, path, buf, len, complete, facts);
	if (rc < 0)
		return rc;
	facts->dir = dir;
	for (i = 0; i < ev->count; i++) {
		const struct exec_line *e = &ev->lines[i];

		if (e->runs == 0)
			continue;
		v = first_bit(e->runs);
		if (catalogue_match_line((const char *)buf + e->offset, e->len[v]))
			facts->known_lines++;
	}
	return 0;
}

int
scan_pth_file(struct scanner *s, const char *path, const struct ranges *r,
	      struct strlist *additions, int depth, unsigned *aborted)
{
	struct pth_eval ev;
	struct hook_facts facts;
	const char *name = strrchr(path, '/');
	uint8_t *buf;
	size_t len = 0, i;
	bool complete = false;
	char *dir, *reason;
	int rc;

	name = name ? name + 1 : path;
	memset(&facts, 0, sizeof(facts));
	rc = read_pth_or_report(s, path, r, &buf, &len, &complete);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	dir = path_dirname(path);
	if (!dir) {
		free(buf);
		return -ENOMEM;
	}
	memset(&ev, 0, sizeof(ev));
	ev.in_range = variants_in_ranges(s, r);
	ev.blocked = aborted ? *aborted : 0;
	if (fsroot_readlink(&s->root, path, &ev.link_target) < 0)
		ev.link_target = NULL;
	rc = evaluate_variants(s, buf, len, name[0] == '.',
			       strlen(name) >= 4 && has_start_file(s, dir, name), &ev);
	if (rc == -E2BIG) {
		scanner_diag(s, path, 0, 0, "too many import lines; only the first ones were reported");
		rc = 0;
	}
	if (rc == 0 && ev.count > 0)
		rc = gather_pth_facts(s, path, dir, buf, len, complete, &ev, &facts);
	for (i = 0; i < ev.count && rc == 0; i++)
		rc = report_exec_line(s, path, r, buf, &ev.lines[i], &ev, &facts);
	if (aborted)
		*aborted |= ev.aborts;
	if (rc == 0 && (ev.aborts & ev.in_range & ~ev.blocked)) {
		reason = NULL;
		if (asprintf(&reason, "not valid UTF-8 at byte %zu: reading it raises UnicodeDecodeError and the interpreter fails to start, so later .pth files, site directories and sitecustomize never run",
			     ev.abort_offset) < 0)
			rc = -ENOMEM;
		else
			rc = report_file_problem(s, path, "pth-abort", SEV_MEDIUM, r->label, reason);
		free(reason);
	}
	if (rc == 0)
		rc = scan_path_lines(s, dir, path, r, buf, len, &ev, depth, additions);
	free(ev.lines);
	free(ev.link_target);
	free(dir);
	free(buf);
	return rc;
}

/* str.endswith(): a file named just ".pth" counts, as in site.addsitedir(). */
static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/*
 * Python 2 sorts the byte names; Python 3 sorts names decoded with
 * surrogateescape. The two orders differ only for undecodable bytes.
 */
static bool
only_python2(const struct ranges *r)
{
	size_t i;

	for (i = 0; i < r->count; i++) {
		if (PYVER_MAJOR(r->hi[i]) != 2)
			return false;
	}
	return r->count > 0;
}

static int
site_key(const struct stat *st, char *key, size_t size)
{
	int n = snprintf(key, size, "%lx:%lx", (unsigned long)st->st_dev, (unsigned long)st->st_ino);

	return n < 0 || (size_t)n >= size ? -EOVERFLOW : 0;
}

static struct site_result *
cached_site(struct scanner *s, const struct stat *st)
{
	char key[48];
	size_t i;

	if (site_key(st, key, sizeof(key)) < 0 || !strmap_get(&s->site_index, key, &i))
		return NULL;
	return &s->sites[i];
}

int
scan_site_dir(struct scanner *s, const char *dir, const struct ranges *r, int depth,
	      const struct site_result **out)
{
	struct site_result *res, *p;
	struct dirlist names;
	struct stat st;
	unsigned aborted = 0; /* rule sets under which a file here stopped start-up */
	size_t i;
	int rc;

	*out = NULL;
	if (fsroot_stat(&s->root, dir, true, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	res = cached_site(s, &st);
	if (res) {
		*out = res;
		return 0;
	}
	p = realloc(s->sites, (s->nsites + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->sites = p;
	res = &s->sites[s->nsites];
	memset(res, 0, sizeof(*res));
	res->path = strdup(dir);
	if (!res->path)
		return -ENOMEM;
	res->dev = st.st_dev;
	res->ino = st.st_ino;
	{
		char key[48];

		rc = site_key(&st, key, sizeof(key));
		if (rc == 0)
			rc = strmap_put(&s->site_index, key, s->nsites);
		if (rc < 0) {
			free(res->path);
			return rc;
		}
	}
	s->nsites++;

	rc = fsroot_listdir(&s->root, dir, &names);
	if (rc == 0) {
		scanner_check_listing(s, dir, &names);
	} else {
		scanner_diag(s, dir, 0, -rc, NULL);
		*out = &s->sites[s->nsites - 1];
		return rc == -ENOMEM ? rc : 0;
	}
	if (only_python2(r))
		dirlist_sort_bytes(&names);
	else
		dirlist_sort_python(&names);
	rc = 0;
	for (i = 0; i < names.count && rc == 0; i++) {
		char *path;
		struct strlist additions = STRLIST_INIT;
		size_t k;

		if (!ends_with(names.names[i], ".pth") && !ends_with(names.names[i], ".start"))
			continue;
		path = path_join(dir, names.names[i]);
		if (!path) {
			rc = -ENOMEM;
			break;
		}
		if (ends_with(names.names[i], ".start")) {
			rc = scan_start_file(s, path, r);
			free(path);
			continue;
		}
		rc = scan_pth_file(s, path, r, &additions, depth, &aborted);
		free(path);
		/* s->sites may have moved while nested directories were read. */
		res = cached_site(s, &st);
		for (k = 0; k < additions.count && rc == 0 && res; k++) {
			if (!strlist_has(&res->additions, additions.items[k]))
				rc = strlist_add(&res->additions, additions.items[k]);
		}
		strlist_free(&additions);
	}
	dirlist_free(&names);
	*out = cached_site(s, &st);
	return rc;
}
