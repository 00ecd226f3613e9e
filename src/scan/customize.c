/*
 * sitecustomize and usercustomize: every form the import system loads,
 * resolved over the modelled sys.path, and their __pycache__ byte code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/strbuf.h"
#include "python/pyc.h"
#include "python/pytext.h"
#include "scan/scanner.h"

/* Byte-code files are small; a larger one is read up to this size. */
#define PYC_READ_MAX (16u * 1024 * 1024)
/* Names quoted in a byte-code mismatch reason; a planted payload adds a handful. */
#define MISSING_QUOTED_MAX 12

enum module_form {
	FORM_PACKAGE,     /* NAME/__init__.* */
	FORM_EXTENSION,   /* NAME.*.so, NAME.so, NAMEmodule.so (2.7) */
	FORM_SOURCE,      /* NAME.py */
	FORM_SOURCELESS,  /* NAME.pyc with no NAME.py (a legacy location) */
};

struct candidate {
	char *path;
	char *entry; /* the sys.path entry it was found in */
	enum module_form form;
};

struct candidates {
	struct candidate *items;
	size_t count;
};

static void
candidates_free(struct candidates *c)
{
	size_t i;

	for (i = 0; i < c->count; i++) {
		free(c->items[i].path);
		free(c->items[i].entry);
	}
	free(c->items);
	c->items = NULL;
	c->count = 0;
}

static int
candidates_add(struct candidates *c, const char *entry, const char *name, enum module_form form)
{
	struct candidate *p = realloc(c->items, (c->count + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	c->items = p;
	p[c->count].path = path_join(entry, name);
	p[c->count].entry = strdup(entry);
	p[c->count].form = form;
	if (!p[c->count].path || !p[c->count].entry) {
		free(p[c->count].path);
		free(p[c->count].entry);
		return -ENOMEM;
	}
	c->count++;
	return 0;
}

static bool
is_regular(struct scanner *s, const char *dir, const char *name)
{
	struct stat st;
	char *p = path_join(dir, name);
	bool ok;

	if (!p)
		return false;
	ok = fsroot_stat(&s->root, p, true, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/*
 * The rank of fname among the extension modules that some release in r
 * loads as module, in the order importlib tries EXTENSION_SUFFIXES:
 * 1 for NAME.cpython-3Y[t|m|u|mu]-PLATFORM.so of a 3.Y in r (t only from
 * 3.13, m and u only up to 3.7),
 * 2 for NAME.abi3.so, 3 for NAME.so, 4 for NAMEmodule.so (2.7, after
 * NAME.so). 0 when no release loads it, such as a tag for another release
 * or a debug build.
 * NOTE: the platform part of the tag is not checked, because the scanned
 * system's architecture is not known.
 */
static int
extension_rank(const char *fname, const char *module, const struct ranges *r)
{
	size_t m = strlen(module), n = strlen(fname), i;
	const char *tag;

	if (n < m + 3 || strncmp(fname, module, m) != 0 || strcmp(fname + n - 3, ".so") != 0)
		return 0;
	if (n == m + 3)
		return 3;
	tag = fname + m;
	for (i = 0; i < r->count; i++) {
		int lo_major = PYVER_MAJOR(r->lo[i]), hi_major = PYVER_MAJOR(r->hi[i]);
		int min_minor = lo_major < 3 ? 0 : PYVER_MINOR(r->lo[i]);
		int max_minor = hi_major > 3 ? 255 : PYVER_MINOR(r->hi[i]);
		int minor;

		if (lo_major == 2 && strcmp(tag, "module.so") == 0)
			return 4;
		if (hi_major < 3)
			continue;
		if (strcmp(tag, ".abi3.so") == 0)
			return 2;
		for (minor = min_minor; minor <= max_minor; minor++) {
			char prefix[32];
			int k = snprintf(prefix, sizeof(prefix), ".cpython-3%d", minor);

			if (k < 0 || (size_t)k >= sizeof(prefix))
				break;
			if (strncmp(tag, prefix, (size_t)k) != 0)
				continue;
			if (tag[k] == '-' || (tag[k] == 't' && tag[k + 1] == '-' && minor >= 13))
				return 1;
			/* 3.2 to 3.7 add ABI flags: m (pymalloc) and u (wide unicode, 3.2). */
			if (minor <= 7 && ((tag[k] == 'm' && tag[k + 1] == '-') ||
					   (tag[k] == 'u' && tag[k + 1] == '-') ||
					   (tag[k] == 'm' && tag[k + 1] == 'u' && tag[k + 2] == '-')))
				return 1;
		}
	}
	return 0;
}

/*
 * Reports a module name in entry that is a symbolic link into a place any
 * user can write. Any user who writes there chooses the start-up code,
 * even if the target does not exist yet.
 */
static int
check_module_link(struct scanner *s, const char *entry, const char *name, const char *module,
		  const struct ranges *r)
{
	struct link_check lc;
	struct finding f;
	char *path = path_join(entry, name);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = scanner_check_link(s, path, &lc);
	if (rc < 0 || !lc.is_link || !(lc.unsafe || lc.special) ||
	    scanner_seen(s, "customize-link-writable", path)) {
		link_check_free(&lc);
		free(path);
		return rc;
	}
	finding_init(&f, "customize-link-writable", module, SEV_MEDIUM, CONF_MEDIUM);
	rc = finding_set_path(&f, path);
	if (rc == 0 && r->label)
		rc = finding_set_interpreter(&f, r->label);
	if (rc == 0)
		rc = finding_add_reason(&f, "symbolic link to %.512s: %s, so any user can supply the %s that start-up imports",
					lc.target, lc.special ? "a device or process file"
							      : (lc.why ? lc.why : "a writable place"),
					module);
	link_check_free(&lc);
	free(path);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

/*
 * Appends the forms of module found in one sys.path entry, in the order
 * importlib's FileFinder tries them: a package first, then extension
 * modules, source, and sourceless byte code.
 */
static int
find_in_entry(struct scanner *s, const char *entry, const struct dirlist *names,
	      const char *module, const struct ranges *r, struct candidates *out)
{
	static const char *const init_names[] = { "__init__.so", "__init__.py", "__init__.pyc" };
	char fname[64];
	size_t i;
	int rc, rank;

	for (i = 0; i < names->count; i++) {
		if (strcmp(names->names[i], module) == 0) {
			char *pkg = path_join(entry, module);
			size_t k;

			if (!pkg)
				return -ENOMEM;
			for (k = 0; k < 3; k++) {
				if (is_regular(s, pkg, init_names[k])) {
					free(pkg);
					if (snprintf(fname, sizeof(fname), "%s/%s", module, init_names[k]) >=
					    (int)sizeof(fname))
						return -ENAMETOOLONG;
					return candidates_add(out, entry, fname, FORM_PACKAGE);
				}
			}
			free(pkg);
		}
	}
	for (rank = 1; rank <= 4; rank++) {
		for (i = 0; i < names->count; i++) {
			if (extension_rank(names->names[i], module, r) == rank &&
			    is_regular(s, entry, names->names[i])) {
				rc = candidates_add(out, entry, names->names[i], FORM_EXTENSION);
				if (rc < 0)
					return rc;
			}
		}
	}
	if (snprintf(fname, sizeof(fname), "%s.py", module) >= (int)sizeof(fname))
		return -ENAMETOOLONG;
	if (is_regular(s, entry, fname))
		return candidates_add(out, entry, fname, FORM_SOURCE);
	if (snprintf(fname, sizeof(fname), "%s.pyc", module) >= (int)sizeof(fname))
		return -ENAMETOOLONG;
	if (is_regular(s, entry, fname))
		return candidates_add(out, entry, fname, FORM_SOURCELESS);
	return 0;
}

static const char *
form_reason(enum module_form form)
{
	switch (form) {
	case FORM_PACKAGE:
		return "package directory: its __init__ module runs";
	case FORM_EXTENSION:
		return "compiled extension module: native code runs at start-up and cannot be reviewed as text";
	case FORM_SOURCE:
		return NULL;
	case FORM_SOURCELESS:
		return "byte code with no source beside it: it runs but cannot be reviewed as text";
	}
	return NULL;
}

/* Whether the module file is Python source that the content analyser can read. */
static bool
is_source_path(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".py") == 0;
}

static bool
ends_with_pyc(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".pyc") == 0;
}

/*
 * Renders the names and string constants of byte code as one Python string
 * literal per line, so that the content analyser can judge code that has
 * no source: a literal 'system' or 'subprocess' is what a call leaves.
 * Returns 0, or a negative errno when the byte code cannot be read.
 */
static int
pyc_text(const uint8_t *buf, size_t len, struct strbuf *out)
{
	struct pyc_info info;
	struct pyc_strings strings;
	size_t i, k;
	int rc;

	memset(&strings, 0, sizeof(strings));
	if (pyc_parse_header(buf, len, &info) < 0)
		return -EINVAL;
	rc = pyc_collect_strings(buf, len, &info, &strings);
	for (i = 0; rc == 0 && i < strings.count; i++) {
		rc = strbuf_putc(out, '\'');
		for (k = 0; rc == 0 && k < strings.lens[i]; k++) {
			unsigned char c = (unsigned char)strings.items[i][k];

			/* Quotes, backslashes and control bytes would end or escape the literal. */
			if (c == '\'' || c == '\\' || c < 0x20)
				c = ' ';
			rc = strbuf_putc(out, (char)c);
		}
		if (rc == 0)
			rc = strbuf_puts(out, "'\n");
	}
	pyc_strings_free(&strings);
	return rc < 0 ? rc : 0;
}

/* Reads the module behind a customize finding and assesses it. */
static int
assess_module(struct scanner *s, const struct candidate *c, struct finding *f)
{
	struct hook_facts facts;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated = false, text;
	int rc;

	if (c->form == FORM_PACKAGE || c->form == FORM_SOURCE)
		text = is_source_path(c->path);
	else
		text = false;
	rc = fsroot_read_file(&s->root, c->path, s->opts->max_file_size, &buf, &len, &truncated);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		scanner_diag(s, c->path, 0, -rc, "cannot read the module to assess it");
		return 0;
	}
	rc = scanner_hook_facts(s, c->path, buf, len, !truncated, &facts);
	if (rc == 0 && !text && ends_with_pyc(c->path)) {
		struct strbuf names;

		/* Sourceless byte code: its names and strings are what can be analysed. */
		strbuf_init(&names, CONTENT_MAX_TEXT);
		if (pyc_text(buf, len, &names) == 0 && names.len > 0) {
			rc = finding_add_reason(f, "its names and strings were read from the byte code");
			if (rc == 0 || rc == -E2BIG)
				rc = scanner_assess(s, &facts, CONTENT_MODULE, (const uint8_t *)names.data,
						    names.len, f);
			strbuf_free(&names);
			free(buf);
			return rc;
		}
		strbuf_free(&names);
	}
	if (rc == 0)
		rc = scanner_assess(s, &facts, CONTENT_MODULE, text ? buf : NULL, len, f);
	free(buf);
	return rc;
}

static int
report_candidate(struct scanner *s, const struct candidate *c, const char *module,
		 const struct candidate *winner, const struct ranges *r, bool active)
{
	bool user = strcmp(module, "usercustomize") == 0;
	const char *reason = form_reason(c->form);
	struct finding f;
	int rc;

	if (!active)
		finding_init(&f, "usercustomize-inactive", module, SEV_LOW, CONF_MEDIUM);
	else if (winner)
		finding_init(&f, "customize-shadowed", module, SEV_LOW, CONF_MEDIUM);
	else
		finding_init(&f, user ? "usercustomize" : "sitecustomize", module, SEV_MEDIUM, CONF_MEDIUM);
	if (scanner_seen(s, f.rule, c->path))
		return 0;
	rc = finding_set_path(&f, c->path);
	if (rc == 0 && r->label)
		rc = finding_set_interpreter(&f, r->label);
	if (rc == 0 && !active)
		rc = finding_add_reason(&f, "the user site is off in this environment (include-system-site-packages is not true), so site.py does not import usercustomize; it runs if that setting changes or another interpreter puts this directory on sys.path");
	else if (rc == 0 && !winner)
		rc = finding_add_reason(&f, user
			? "site.py imports usercustomize at every interpreter start when the user site is enabled; this is the first match on the modelled sys.path (entry %s)"
			: "site.py imports sitecustomize at every interpreter start; this is the first match on the modelled sys.path (entry %s)",
			c->entry);
	if (rc == 0 && active && winner)
		rc = finding_add_reason(&f, "shadowed by %s: runs only when a wrapper such as ddtrace or New Relic chain-loads the next %s",
					winner->path, module);
	if (rc == 0 && reason)
		rc = finding_add_reason(&f, "%s", reason);
	if (rc == 0)
		rc = assess_module(s, c, &f);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

static char *
quote_missing(const struct pyc_strings *missing)
{
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb, 1024);
	for (i = 0; i < missing->count && i < MISSING_QUOTED_MAX; i++) {
		if (strbuf_printf(&sb, "%s'%.60s'", i ? ", " : "", missing->items[i]) < 0)
			break;
	}
	if (missing->count > MISSING_QUOTED_MAX &&
	    strbuf_printf(&sb, " and %zu more", missing->count - MISSING_QUOTED_MAX) < 0) {
		/* the list is only shorter */
	}
	return strbuf_detach(&sb, NULL);
}

static int
report_pyc(struct scanner *s, const char *pyc, const char *source, const char *rule,
	   enum severity sev, const char *label, const char *reason1, const char *missing_text)
{
	struct finding f;
	int rc;

	finding_init(&f, rule, "pyc", sev, CONF_MEDIUM);
	if (scanner_seen(s, rule, pyc))
		return 0;
	rc = finding_set_path(&f, pyc);
	if (rc == 0 && label)
		rc = finding_set_interpreter(&f, label);
	if (rc == 0)
		rc = finding_add_reason(&f, "%s", reason1);
	if (rc == 0 && missing_text)
		rc = finding_add_reason(&f, "byte code holds names or strings that %s does not: %s",
					source, missing_text);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

/* Checks one cached byte-code file against its source. */
static int
check_pyc(struct scanner *s, const char *pyc, const char *source, const struct stat *src_st,
	  const uint8_t *src, size_t srclen, const struct ranges *r)
{
	struct pyc_info info;
	struct pyc_strings strings, missing;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated, used;
	char *text = NULL;
	int rc;

	memset(&strings, 0, sizeof(strings));
	memset(&missing, 0, sizeof(missing));
	rc = fsroot_read_file(&s->root, pyc, PYC_READ_MAX, &buf, &len, &truncated);
	if (rc < 0) {
		if (rc != -ENOENT)
			scanner_diag(s, pyc, 0, -rc, NULL);
		return rc == -ENOMEM ? rc : 0;
	}
	if (pyc_parse_header(buf, len, &info) < 0) {
		rc = report_pyc(s, pyc, source, "pyc-invalid", SEV_LOW, r->label,
				"not a valid byte-code file beside a start-up module", NULL);
		free(buf);
		return rc;
	}
	/* Headers before 3.3 record no source size, so the mtime alone decides. */
	if (info.validation == PYC_TIMESTAMP)
		used = info.source_mtime == (uint32_t)src_st->st_mtime &&
		       (!info.has_source_size || info.source_size == (uint32_t)src_st->st_size);
	else
		used = true;
	if (!used) {
		free(buf);
		return 0; /* stale: CPython recompiles the source and ignores this file */
	}
	rc = pyc_collect_strings(buf, len, &info, &strings);
	if (rc == 0)
		rc = pyc_strings_missing_from_source(&strings, src, srclen, &missing);
	if (rc == -EINVAL) {
		rc = report_pyc(s, pyc, source, "pyc-invalid", SEV_MEDIUM, r->label,
				"byte code that CPython would load is malformed or too large to inspect", NULL);
		goto out;
	}
	if (rc < 0)
		goto out;
	if (missing.count > 0) {
		text = quote_missing(&missing);
		if (!text) {
			rc = -ENOMEM;
			goto out;
		}
		rc = report_pyc(s, pyc, source, "pyc-mismatch", SEV_HIGH, r->label,
				info.validation == PYC_HASH_CHECKED
				? "byte code does not match its source; CPython runs it only if its stored SipHash matches the source, which an attacker can compute"
				: "byte code does not match its source, yet CPython runs it in place of the source",
				text);
	} else if (info.validation == PYC_HASH_UNCHECKED) {
		rc = report_pyc(s, pyc, source, "pyc-unchecked", SEV_LOW, r->label,
				"unchecked hash-based byte code: CPython runs it without comparing it with the source",
				NULL);
	}
out:
	free(text);
	pyc_strings_free(&strings);
	pyc_strings_free(&missing);
	free(buf);
	return rc;
}

/* Checks the cached byte code of a source module: __pycache__/NAME.*.pyc (3.x), NAME.pyc (2.7). */
static int
check_cached_bytecode(struct scanner *s, const char *source, const struct ranges *r)
{
	struct dirlist names;
	struct stat st;
	char *dir = NULL, *cache = NULL, *stem = NULL;
	const char *base = strrchr(source, '/');
	uint8_t *src = NULL;
	size_t srclen = 0, i, stemlen;
	bool truncated;
	int rc;

	base = base ? base + 1 : source;
	if (fsroot_stat(&s->root, source, true, &st) < 0)
		return 0;
	rc = fsroot_read_file(&s->root, source, s->opts->max_file_size, &src, &srclen, &truncated);
	if (rc < 0) {
		scanner_diag(s, source, 0, -rc, NULL);
		return rc == -ENOMEM ? rc : 0;
	}
	/* Names hidden in comments must not vouch for byte code that uses them. */
	{
		uint8_t *code = malloc(srclen ? srclen : 1);

		if (!code) {
			free(src);
			return -ENOMEM;
		}
		srclen = py_strip_comments(src, srclen, code);
		free(src);
		src = code;
	}
	dir = path_dirname(source);
	stemlen = strlen(base) - 3; /* without ".py" */
	stem = strndup(base, stemlen);
	cache = dir ? path_join(dir, "__pycache__") : NULL;
	if (!dir || !stem || !cache) {
		rc = -ENOMEM;
		goto out;
	}
	if (fsroot_listdir(&s->root, cache, &names) == 0) {
		scanner_check_listing(s, cache, &names);
		dirlist_sort_python(&names);
		for (i = 0; i < names.count && rc == 0; i++) {
			const char *n = names.names[i];
			size_t len = strlen(n);
			char *pyc;

			if (len <= stemlen + 5 || strncmp(n, stem, stemlen) != 0 || n[stemlen] != '.' ||
			    strcmp(n + len - 4, ".pyc") != 0)
				continue;
			pyc = path_join(cache, n);
			if (!pyc) {
				rc = -ENOMEM;
				break;
			}
			rc = check_pyc(s, pyc, source, &st, src, srclen, r);
			free(pyc);
		}
		dirlist_free(&names);
	}
	if (rc == 0) {
		char *legacy = NULL;

		if (asprintf(&legacy, "%s/%s.pyc", strcmp(dir, "/") ? dir : "", stem) < 0) {
			rc = -ENOMEM;
			goto out;
		}
		if (fsroot_exists(&s->root, legacy))
			rc = check_pyc(s, legacy, source, &st, src, srclen, r);
		free(legacy);
	}
out:
	free(src);
	free(dir);
	free(stem);
	free(cache);
	return rc;
}

static int
resolve_module(struct scanner *s, const struct strlist *syspath, const char *module,
	       const struct ranges *r, bool active)
{
	struct candidates found = { NULL, 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < syspath->count && rc == 0; i++) {
		struct dirlist names;
		size_t k, mlen = strlen(module);

		if (fsroot_listdir(&s->root, syspath->items[i], &names) < 0)
			continue;
		scanner_check_listing(s, syspath->items[i], &names);
		dirlist_sort_python(&names);
		rc = find_in_entry(s, syspath->items[i], &names, module, r, &found);
		for (k = 0; k < names.count && rc == 0; k++) {
			const char *n = names.names[k];

			if (strncmp(n, module, mlen) == 0 &&
			    (n[mlen] == '\0' || strcmp(n + mlen, ".py") == 0 || strcmp(n + mlen, ".pyc") == 0))
				rc = check_module_link(s, syspath->items[i], n, module, r);
		}
		dirlist_free(&names);
	}
	for (i = 0; i < found.count && rc == 0; i++) {
		rc = report_candidate(s, &found.items[i], module, i ? &found.items[0] : NULL, r,
				      active);
		if (rc == 0 && found.items[i].form == FORM_SOURCE)
			rc = check_cached_bytecode(s, found.items[i].path, r);
	}
	candidates_free(&found);
	return rc;
}

int
scan_customize(struct scanner *s, const struct strlist *syspath, const struct ranges *r,
	       bool user_site)
{
	int rc = resolve_module(s, syspath, "sitecustomize", r, true);

	if (rc == 0)
		rc = resolve_module(s, syspath, "usercustomize", r, user_site);
	return rc;
}

int
scan_customize_file(struct scanner *s, const char *path, const struct ranges *r)
{
	const char *base = strrchr(path, '/');
	const char *module;
	struct candidate c;
	size_t n;
	int rc;

	base = base ? base + 1 : path;
	module = strncmp(base, "usercustomize", 13) == 0 ? "usercustomize" : "sitecustomize";
	n = strlen(base);
	c.path = strdup(path);
	c.entry = path_dirname(path);
	if (!c.path || !c.entry) {
		free(c.path);
		free(c.entry);
		return -ENOMEM;
	}
	if (n > 3 && strcmp(base + n - 3, ".py") == 0)
		c.form = FORM_SOURCE;
	else if (n > 4 && strcmp(base + n - 4, ".pyc") == 0)
		c.form = FORM_SOURCELESS;
	else
		c.form = FORM_EXTENSION;
	rc = report_candidate(s, &c, module, NULL, r, true);
	if (rc == 0 && c.form == FORM_SOURCE)
		rc = check_cached_bytecode(s, path, r);
	free(c.path);
	free(c.entry);
	return rc;
}
