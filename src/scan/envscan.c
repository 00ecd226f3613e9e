/*
 * envscan: reports each Python start-up variable that a configuration file
 * or a live process sets, and follows its value to the code it makes the
 * interpreter run. That code is the PYTHONSTARTUP file, modules that
 * PYTHONPATH puts before the standard library, the user site under
 * PYTHONUSERBASE and the library under PYTHONHOME, and it is assessed like
 * any other hook.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan/envconf.h"
#include "scan/envitem.h"
#include "scan/scanner.h"

/* Directories of one PYTHONPATH value followed at most. */
#define ENV_PATH_DIRS_MAX 64

struct variable {
	const char *name;
	const char *rule;
	enum severity severity;
	const char *effect;
};

static const struct variable variables[] = {
	{ "PYTHONSTARTUP", "env-pythonstartup", SEV_MEDIUM,
	  "names a file that interactive sessions run at start" },
	{ "PYTHONPATH", "env-pythonpath", SEV_MEDIUM,
	  "puts directories before the standard library on sys.path, where sitecustomize, "
	  "usercustomize, encodings and other start-up modules are imported from" },
	{ "PYTHONHOME", "env-pythonhome", SEV_MEDIUM,
	  "moves the standard library and the site directories" },
	{ "PYTHONUSERBASE", "env-pythonuserbase", SEV_MEDIUM,
	  "moves the user site, whose .pth files and usercustomize run at start-up, even under -E" },
	{ "PYTHONWARNINGS", "env-pythonwarnings", SEV_LOW,
	  "sets warning filters; a category written as module.Class imports that module "
	  "before site runs" },
	{ "PYTHONINSPECT", "env-pythoninspect", SEV_LOW,
	  "opens an interactive prompt after the program ends" },
	{ "PYTHONPYCACHEPREFIX", "env-pythonpycacheprefix", SEV_MEDIUM,
	  "moves byte code to a separate tree, where planted .pyc files are loaded in place "
	  "of the source" },
	{ "PYTHONEXECUTABLE", "env-pythonexecutable", SEV_LOW,
	  "changes sys.argv[0] and the program name (macOS)" },
	{ "PYTHONBREAKPOINT", "env-pythonbreakpoint", SEV_LOW,
	  "imports and calls the named function whenever breakpoint() runs" },
	{ "PYTHON_FROZEN_MODULES", "env-python-frozen-modules", SEV_LOW,
	  "chooses whether frozen modules are used; 'off' lets on-disk site.py and os.py "
	  "take effect (3.13 and later)" },
};

/* Start-up modules looked for in each PYTHONPATH directory, and why each matters. */
static const struct {
	const char *name;
	const char *kind;
	const char *why;
} path_modules[] = {
	{ "sitecustomize", "sitecustomize", "site.py imports sitecustomize at every start" },
	{ "usercustomize", "usercustomize",
	  "site.py imports usercustomize at every start when the user site is on" },
	{ "encodings", "module",
	  "the interpreter imports encodings before site, even with -S" },
	{ "site", "module",
	  "replaces the standard site module on CPython 3.10 and older, and on later releases "
	  "when frozen modules are off" },
	{ "os", "module",
	  "shadows the standard os module on CPython 3.10 and older, and on later releases "
	  "when frozen modules are off" },
	{ "codecs", "module",
	  "shadows the standard codecs module on CPython 3.10 and older, and on later releases "
	  "when frozen modules are off" },
	/* Imported at every start before site on CPython 3.10 and older, so a copy in a
	 * PYTHONPATH directory replaces them (later releases freeze most of them). */
	{ "io", "module", "shadows the standard io module, imported at every start" },
	{ "abc", "module", "shadows the standard abc module, imported at every start" },
	{ "stat", "module", "shadows the standard stat module, imported at every start" },
	{ "posixpath", "module", "shadows the standard posixpath module, imported at every start" },
	{ "genericpath", "module", "shadows the standard genericpath module, imported at every start" },
	{ "_collections_abc", "module", "shadows the standard _collections_abc module, imported at every start" },
	{ "_sitebuiltins", "module", "shadows the standard _sitebuiltins module, imported at every start" },
	/* Imported by every interactive session. */
	{ "readline", "module", "shadows readline, which interactive sessions import" },
	{ "rlcompleter", "module", "shadows rlcompleter, which interactive sessions import" },
};

static const struct variable *
find_variable(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(variables) / sizeof(variables[0]); i++) {
		if (strcmp(variables[i].name, name) == 0)
			return &variables[i];
	}
	return NULL;
}

static enum severity
max_severity(enum severity a, enum severity b)
{
	return a > b ? a : b;
}

/* "FILE:LINE" or "FILE" of the setting, for reasons. */
static char *
describe_source(const struct env_setting *set)
{
	char *text = NULL;

	if (set->line > 0 && asprintf(&text, "%s:%ld", set->file, set->line) < 0)
		return NULL;
	if (set->line <= 0)
		text = strdup(set->file);
	return text;
}

/* Reads a followed file and emits an assessed finding for it. */
static int
report_followed_file(struct scanner *s, const struct env_setting *set, const char *path,
		     const char *rule, const char *kind, const char *why, bool python_text)
{
	struct hook_facts facts;
	struct finding f;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated = false;
	char *source;
	int rc;

	if (scanner_seen(s, rule, path))
		return 0;
	rc = fsroot_read_file(&s->root, path, s->opts->max_file_size, &buf, &len, &truncated);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		scanner_diag(s, path, 0, -rc, "cannot read a file that a start-up variable names");
		return 0;
	}
	source = describe_source(set);
	finding_init(&f, rule, kind, SEV_MEDIUM, CONF_MEDIUM);
	rc = source ? finding_set_path(&f, path) : -ENOMEM;
	if (rc == 0 && set->name)
		rc = finding_add_reason(&f, "%s, named by %s in %s", why, set->name, source);
	else if (rc == 0)
		rc = finding_add_reason(&f, "%s", why);
	if (rc == 0 && set->process)
		rc = finding_add_reason(&f, "set in the environment of the running process %s",
					set->process);
	if (rc == 0)
		rc = scanner_hook_facts(s, path, buf, len, !truncated, &facts);
	if (rc == 0)
		rc = scanner_assess(s, &facts, CONTENT_MODULE, python_text ? buf : NULL, len, &f);
	free(source);
	free(buf);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

static bool
is_regular(struct scanner *s, const char *path)
{
	struct stat st;

	return fsroot_stat(&s->root, path, true, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
is_directory(struct scanner *s, const char *path)
{
	struct stat st;

	return fsroot_stat(&s->root, path, true, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Looks for the start-up modules of path_modules[] in one PYTHONPATH directory. */
static int
follow_path_dir(struct scanner *s, const struct env_setting *set, const char *dir)
{
	/* Source, package and sourceless forms, tried in this order; only the first found is reported. */
	static const char *const module_forms[] = { ".py", "/__init__.py", ".pyc" };
	size_t i, k;
	int rc = 0;

	for (i = 0; i < sizeof(path_modules) / sizeof(path_modules[0]) && rc == 0; i++) {
		for (k = 0; k < 3 && rc == 0; k++) {
			char *path = NULL;

			if (asprintf(&path, "%s/%s%s", dir, path_modules[i].name, module_forms[k]) < 0)
				return -ENOMEM;
			if (is_regular(s, path)) {
				rc = report_followed_file(s, set, path, "env-path-module",
							  path_modules[i].kind, path_modules[i].why,
							  k < 2);
				free(path);
				break; /* the first form found is the one imported */
			}
			free(path);
		}
	}
	return rc;
}

/* Splits a PYTHONPATH value at ':' and follows each absolute directory. */
static int
follow_pythonpath(struct scanner *s, const struct env_setting *set, struct strlist *notes)
{
	const char *p = set->value, *end;
	size_t dirs = 0;
	bool empty_noted = false;
	int rc = 0;

	while (p && rc == 0 && dirs < ENV_PATH_DIRS_MAX) {
		char *dir, *norm;

		end = strchr(p, ':');
		dir = end ? strndup(p, (size_t)(end - p)) : strdup(p);
		if (!dir)
			return -ENOMEM;
		if (dir[0] == '/') {
			norm = path_normalize("/", dir);
			if (!norm) {
				free(dir);
				return -ENOMEM;
			}
			if (is_directory(s, norm))
				rc = follow_path_dir(s, set, norm);
			free(norm);
			dirs++;
		} else if (dir[0] != '\0') {
			char *note = NULL;

			if (asprintf(&note, "the relative entry '%s' is resolved against each process's "
				     "working directory, so it was not followed", dir) < 0)
				rc = -ENOMEM;
			else
				rc = strlist_add(notes, note);
			free(note);
		} else if (!empty_noted) {
			empty_noted = true;
			rc = strlist_add(notes, "an empty entry puts each process's working directory "
				       "on sys.path");
		}
		free(dir);
		p = end ? end + 1 : NULL;
	}
	return rc;
}

static int
follow_home_site(struct scanner *s, const struct env_setting *set, const char *libdir)
{
	char *site = path_join(libdir, "site.py");
	int rc = 0;

	if (!site)
		return -ENOMEM;
	if (is_regular(s, site))
		rc = report_followed_file(s, set, site, "env-path-module", "module",
					  "the site module of the library that PYTHONHOME selects, run "
					  "at every start on CPython 3.10 and older", true);
	free(site);
	return rc;
}

/* Scans the pythonX.Y directories below base/lib: their site-packages, and the library itself for PYTHONHOME. */
static int
follow_lib_dirs(struct scanner *s, const struct env_setting *set, const char *base, bool home)
{
	struct ranges any = { { PYVER_ANY_LO }, { PYVER_ANY_HI }, 1, NULL };
	struct dirlist names;
	char *lib = path_join(base, "lib");
	size_t i;
	int rc = 0;

	if (!lib)
		return -ENOMEM;
	if (fsroot_listdir(&s->root, lib, &names) < 0) {
		free(lib);
		return 0;
	}
	dirlist_sort_bytes(&names);
	for (i = 0; i < names.count && rc == 0; i++) {
		const struct site_result *res;
		char *dir, *site, *custom;

		if (strncmp(names.names[i], "python", 6) != 0)
			continue;
		dir = path_join(lib, names.names[i]);
		site = dir ? path_join(dir, "site-packages") : NULL;
		custom = NULL;
		if (site && home)
			custom = path_join(dir, "sitecustomize.py"); /* in the standard library */
		else if (site)
			custom = path_join(site, "usercustomize.py");
		if (!dir || !site || !custom) {
			rc = -ENOMEM;
		} else {
			if (is_directory(s, site))
				rc = scan_site_dir(s, site, &any, 0, &res);
			/* PYTHONHOME's library replaces the standard one; its site.py runs at every
			 * start on CPython 3.10 and older. */
			if (rc == 0 && home)
				rc = follow_home_site(s, set, dir);
			if (rc == 0 && is_regular(s, custom))
				rc = report_followed_file(s, set, custom, "env-path-module",
							  home ? "sitecustomize" : "usercustomize",
							  home ? "a sitecustomize in the library that PYTHONHOME selects"
							       : "site.py imports usercustomize from the user site",
							  true);
		}
		free(custom);
		free(site);
		free(dir);
	}
	dirlist_free(&names);
	free(lib);
	return rc;
}

/* Module names that a PYTHONWARNINGS value makes the interpreter import. */
static int
warnings_modules(const char *value, struct strlist *modules)
{
	const char *entry = value;

	while (entry && *entry) {
		const char *next = strchr(entry, ',');
		size_t n = next ? (size_t)(next - entry) : strlen(entry);
		const char *field = entry;
		int colon = 0;
		size_t i;

		/* action:message:category:module:lineno; the category is the third field. */
		for (i = 0; i < n && colon < 2; i++) {
			if (entry[i] == ':') {
				colon++;
				field = entry + i + 1;
			}
		}
		if (colon == 2) {
			const char *stop = memchr(field, ':', n - (size_t)(field - entry));
			size_t flen = stop ? (size_t)(stop - field) : n - (size_t)(field - entry);
			const char *dot;

			while (flen > 0 && (*field == ' ' || *field == '\t')) {
				field++;
				flen--;
			}
			while (flen > 0 && (field[flen - 1] == ' ' || field[flen - 1] == '\t'))
				flen--;
			dot = memrchr(field, '.', flen);
			if (dot && dot > field) {
				/* The top-level package of module.Class or pkg.sub.Class runs first. */
				const char *first = memchr(field, '.', flen);
				char *module = strndup(field, (size_t)(first - field));
				int rc;

				if (!module)
					return -ENOMEM;
				rc = strcmp(module, "builtins") && strcmp(module, "warnings")
					? strlist_add(modules, module) : 0;
				free(module);
				if (rc < 0)
					return rc;
			}
		}
		entry = next ? next + 1 : NULL;
	}
	return 0;
}

/*
 * Looks for a module that PYTHONWARNINGS imports in the PYTHONPATH
 * directories set on the system: it is imported before site runs, so only
 * those and the standard library can provide it.
 */
static int
follow_warnings_module(struct scanner *s, const struct env_setting *set, const char *module,
		       bool *found)
{
	static const char *const suffixes[] = { ".py", "/__init__.py" };
	size_t i, k;
	int rc = 0;

	*found = false;
	for (i = 0; s->env_path_dirs && i < s->env_path_dirs->count && rc == 0 && !*found; i++) {
		for (k = 0; k < 2 && !*found; k++) {
			char *path = NULL;

			if (asprintf(&path, "%s/%s%s", s->env_path_dirs->items[i], module,
				     suffixes[k]) < 0)
				return -ENOMEM;
			if (is_regular(s, path)) {
				*found = true;
				rc = report_followed_file(s, set, path, "env-warnings-module", "module",
							  "a warnings category imports this module at "
							  "every start, before site runs", true);
			}
			free(path);
		}
	}
	return rc;
}

/* Follows the value to code where the variable names code; notes collect reasons for the setting's finding. */
static int
follow_value(struct scanner *s, const struct env_setting *set, const struct variable *v,
	     struct strlist *notes, enum severity *sev)
{
	struct strlist modules;
	size_t i;
	int rc = 0;

	if (strcmp(v->name, "PYTHONSTARTUP") == 0) {
		if (set->value[0] != '/')
			return strlist_add(notes, "a relative file name is resolved against the "
				       "working directory of each session, so it was not followed");
		if (!fsroot_exists(&s->root, set->value))
			return strlist_add(notes, "the named file does not exist on this system");
		if (!is_regular(s, set->value))
			return strlist_add(notes, "the named path is not a regular file, so it was not read");
		return report_followed_file(s, set, set->value, "pythonstartup-file",
					    "startup-file",
					    "interactive sessions run this file at start", true);
	}
	if (strcmp(v->name, "PYTHONPATH") == 0)
		return follow_pythonpath(s, set, notes);
	if (strcmp(v->name, "PYTHONUSERBASE") == 0 || strcmp(v->name, "PYTHONHOME") == 0) {
		if (set->value[0] != '/')
			return strlist_add(notes, "a relative directory depends on each process's "
				       "working directory, so it was not followed");
		return follow_lib_dirs(s, set, set->value, strcmp(v->name, "PYTHONHOME") == 0);
	}
	if (strcmp(v->name, "PYTHONWARNINGS") == 0) {
		memset(&modules, 0, sizeof(modules));
		rc = warnings_modules(set->value, &modules);
		for (i = 0; i < modules.count && rc == 0; i++) {
			char *note = NULL;
			bool found = false;

			*sev = max_severity(*sev, SEV_MEDIUM);
			rc = follow_warnings_module(s, set, modules.items[i], &found);
			if (rc == 0 && asprintf(&note, "the category imports module '%s' at every start, "
						"before site runs%s", modules.items[i],
						found ? "" : "; no PYTHONPATH directory set on this "
						"system holds it, so it was not read") < 0)
				rc = -ENOMEM;
			else if (rc == 0)
				rc = strlist_add(notes, note);
			free(note);
		}
		strlist_free(&modules);
		return rc;
	}
	if (strcmp(v->name, "PYTHON_FROZEN_MODULES") == 0 && strcmp(set->value, "off") == 0)
		*sev = max_severity(*sev, SEV_MEDIUM);
	return 0;
}

/*
 * Sets *why when a directory or file the value names (each entry of a
 * path list, normalised as the kernel would read it) is temporary or
 * writable by every user. Returns 0 or -ENOMEM.
 */
static int
check_unsafe_value(struct scanner *s, const struct env_setting *set, char **why)
{
	const char *p = set->value, *end;

	*why = NULL;
	for (; p && !*why; p = end ? end + 1 : NULL) {
		char *entry, *norm;

		end = strchr(p, ':');
		if (p[0] != '/')
			continue;
		entry = end ? strndup(p, (size_t)(end - p)) : strdup(p);
		norm = entry ? path_normalize("/", entry) : NULL;
		free(entry);
		if (!norm)
			return -ENOMEM;
		if (scanner_path_is_unsafe(s, norm, why) && !*why) {
			free(norm);
			return -ENOMEM;
		}
		free(norm);
	}
	return 0;
}

/* Whether the raw text already starts with NAME=, optionally after a quote, as systemd words do. */
static bool
raw_has_name(const struct env_setting *set)
{
	const char *raw = set->raw;
	size_t n = strlen(set->name);

	if (!raw)
		return false;
	if (*raw == '"' || *raw == '\'')
		raw++;
	return strncmp(raw, set->name, n) == 0 && raw[n] == '=';
}

/* Lowers the severity of settings that cannot reach Python as written, with the reason. */
static int
apply_scope(const struct env_setting *set, struct finding *f)
{
	int rc = 0;

	if ((set->flags & ENV_IN_FUNCTION) && !(set->flags & ENV_FUNCTION_CALLED)) {
		f->severity = SEV_LOW < f->severity ? SEV_LOW : f->severity;
		rc = finding_add_reason(f, "inside function %s, which the file never calls",
					set->function ? set->function : "(unnamed)");
	} else if (set->flags & (ENV_SUBSHELL | ENV_LOCAL)) {
		f->severity = SEV_LOW < f->severity ? SEV_LOW : f->severity;
		rc = finding_add_reason(f, "set only in a subshell or as a local variable, so it "
					"does not reach later commands");
	} else if (set->flags & ENV_CONDITIONAL) {
		rc = finding_add_reason(f, "set only when a condition in the file holds");
	}
	if (rc == 0 && !(set->flags & (ENV_EXPORTED | ENV_COMMAND_SCOPED)) && !set->process) {
		f->severity = SEV_LOW < f->severity ? SEV_LOW : f->severity;
		rc = finding_add_reason(f, "not exported in this file, so Python sees it only if "
					"another file exports it");
	}
	if (rc == 0 && (set->flags & ENV_COMMAND_SCOPED))
		rc = finding_add_reason(f, "set for one command only");
	return rc;
}

int
scan_env_setting(struct scanner *s, const struct env_setting *set)
{
	const struct variable *v = find_variable(set->name);
	enum severity sev, followed;
	struct strlist notes;
	struct finding f;
	char *evidence = NULL, *why = NULL;
	size_t i;
	int rc = 0;

	if (!v)
		return 0;
	memset(&notes, 0, sizeof(notes));
	sev = v->severity;
	followed = SEV_INFO;
	if (set->value && set->value[0] != '\0') {
		s->follow.active = true;
		s->follow.max = SEV_INFO;
		rc = follow_value(s, set, v, &notes, &sev);
		followed = s->follow.max;
		s->follow.active = false;
		if (rc == 0 && set->value[0] == '/')
			rc = check_unsafe_value(s, set, &why);
		if (rc == 0 && why)
			sev = SEV_HIGH;
	}
	if (rc < 0) {
		strlist_free(&notes);
		return rc;
	}
	finding_init(&f, v->rule, "env", max_severity(sev, followed), CONF_MEDIUM);
	f.line = set->line;
	if (raw_has_name(set))
		evidence = strdup(set->raw); /* a systemd word such as "NAME=value" */
	else if (asprintf(&evidence, "%s=%s", set->name, set->raw ? set->raw : "") < 0)
		evidence = NULL;
	if (!evidence)
		rc = -ENOMEM;
	if (rc == 0)
		rc = finding_set_path(&f, set->file);
	if (rc == 0)
		rc = finding_set_evidence(&f, evidence, strlen(evidence));
	if (rc == 0)
		rc = finding_set_text(&f.variable, set->name, strlen(set->name));
	if (rc == 0 && set->value)
		rc = finding_set_text(&f.value, set->value, strlen(set->value));
	if (rc == 0)
		rc = finding_add_reason(&f, "%s %s", set->name, v->effect);
	if (rc == 0 && set->process)
		rc = finding_add_reason(&f, "in the environment of the running process %s, so the "
					"hook is active now", set->process);
	if (rc == 0 && set->account)
		rc = finding_add_reason(&f, "applies to the sessions of account %s", set->account);
	if (rc == 0 && set->value && set->raw && strcmp(set->value, set->raw) != 0 &&
	    strpbrk(set->raw, "$~@`") != NULL)
		rc = finding_add_reason(&f, "value after expansion: %s", set->value);
	if (rc == 0 && !set->value)
		rc = finding_add_reason(&f, "the value cannot be resolved without running the "
					"shell (%s), so it was not followed",
					set->unresolved ? set->unresolved : "unknown");
	if (rc == 0 && why)
		rc = finding_add_reason(&f, "other users can plant code where it points (%s)", why);
	for (i = 0; i < notes.count && rc == 0; i++)
		rc = finding_add_reason(&f, "%s", notes.items[i]);
	if (rc == 0 && followed >= SEV_MEDIUM)
		rc = finding_add_reason(&f, "leads to code reported as %s", severity_name(followed));
	if (rc == 0)
		rc = apply_scope(set, &f);
	if (rc == -E2BIG)
		rc = 0;
	free(evidence);
	free(why);
	strlist_free(&notes);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

/* Reports IPython start-up code: exec_lines entries, exec_files and startup-directory files. */
static int
scan_ipython_record(struct scanner *s, const struct envconf_record *r)
{
	struct hook_facts facts;
	struct env_setting set;
	struct finding f;
	const char *target;
	int rc;

	if (r->kind == ENV_EXEC_LINE) {
		finding_init(&f, "ipython-exec-line", "startup-file", SEV_MEDIUM, CONF_MEDIUM);
		f.line = (long)r->line;
		rc = finding_set_path(&f, r->path);
		if (rc == 0 && r->value)
			rc = finding_set_evidence(&f, r->value, strlen(r->value));
		if (rc == 0)
			rc = finding_add_reason(&f, "IPython runs this %s entry in every session of the "
						"profile", r->name);
		if (rc == 0 && r->value) {
			memset(&facts, 0, sizeof(facts));
			facts.prov.verdict = PROV_NOT_LISTED;
			facts.prov.how = "";
			facts.complete = true;
			rc = scanner_assess(s, &facts, CONTENT_PTH_LINE, (const uint8_t *)r->value,
					    strlen(r->value), &f);
		} else if (rc == 0) {
			rc = finding_add_reason(&f, "the entry is not a literal (%s), so its code was "
						"not read", r->unresolved ? r->unresolved : "unknown");
		}
		if (rc < 0 && rc != -E2BIG) {
			finding_free(&f);
			return rc;
		}
		return scanner_emit(s, &f);
	}
	target = r->value ? r->value : r->path;
	if (!target || target[0] != '/')
		return 0;
	memset(&set, 0, sizeof(set));
	set.file = r->path;
	set.line = (long)r->line;
	set.name = r->kind == ENV_EXEC_FILE ? r->name : NULL;
	set.account = r->account;
	if (!is_regular(s, target)) {
		scanner_diag(s, r->path, (long)r->line, 0, "an IPython start-up file it names does not exist");
		return 0;
	}
	return report_followed_file(s, &set, target,
				    r->kind == ENV_EXEC_FILE ? "ipython-exec-file" : "ipython-startup",
				    "startup-file",
				    r->kind == ENV_EXEC_FILE
				    ? "IPython runs this file in every session of the profile"
				    : "IPython runs every file in a profile's startup directory in each "
				      "session of that profile",
				    true);
}

/* Gathers the absolute directories of every PYTHONPATH value the collection found. */
static int
collect_path_dirs(const struct envconf_result *result, struct strlist *dirs)
{
	size_t i;

	for (i = 0; i < result->count; i++) {
		const struct envconf_record *r = &result->records[i];
		const char *p = r->value, *end;

		if (r->kind != ENV_ASSIGN || strcmp(r->name, "PYTHONPATH") != 0 || !p)
			continue;
		for (; p; p = end ? end + 1 : NULL) {
			char *dir;
			int rc;

			end = strchr(p, ':');
			if (p[0] != '/')
				continue;
			dir = end ? strndup(p, (size_t)(end - p)) : strdup(p);
			if (!dir)
				return -ENOMEM;
			rc = strlist_add(dirs, dir);
			free(dir);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/*
 * Whether r is the `. $i` of the loop over the /etc/profile.d scripts that system
 * profiles run: its value is a loop variable, and the collection reads
 * every /etc/profile.d script itself.
 */
static bool
is_profile_d_loop(const struct envconf_record *r)
{
	const char *raw = r->raw;

	if (r->value || !raw || strncmp(r->path, "/etc/", 5) != 0 || strchr(r->path + 5, '/'))
		return false;
	if (*raw == '"')
		raw++;
	if (*raw++ != '$')
		return false;
	if (*raw == '{')
		raw++;
	while ((*raw >= 'a' && *raw <= 'z') || (*raw >= 'A' && *raw <= 'Z') || *raw == '_' ||
	       (*raw >= '0' && *raw <= '9'))
		raw++;
	return *raw == '\0' || strcmp(raw, "\"") == 0 || strcmp(raw, "}") == 0 ||
	       strcmp(raw, "}\"") == 0;
}

/* The warning for a sourced file or EnvironmentFile= that was not read. */
static int
describe_unread(const struct envconf_record *r, char **message)
{
	const char *what = r->kind == ENV_FILE_REF ? "EnvironmentFile" : "sourced file";
	int n;

	if (r->value)
		n = asprintf(message, "%s '%s' was not read, so start-up variables it may set are "
			     "not known", what, r->value);
	else
		n = asprintf(message, "%s '%s' was not read, so start-up variables it may set are "
			     "not known: %s", what, r->raw ? r->raw : "",
			     r->unresolved ? r->unresolved : "its path cannot be resolved");
	return n < 0 ? -ENOMEM : 0;
}

int
scan_environment(struct scanner *s)
{
	struct scan_callbacks quiet = { 0 };
	struct envconf_result result;
	struct accounts accts = { NULL, 0 };
	struct strlist path_dirs;
	size_t i;
	int rc;

	/* Discovery already reported problems with the passwd file. */
	rc = accounts_load(&s->root, &quiet, &accts);
	if (rc < 0)
		return rc;
	envconf_result_init(&result);
	memset(&path_dirs, 0, sizeof(path_dirs));
	rc = envconf_collect(&s->root, &accts, &result);
	if ((rc == 0 || rc == -E2BIG) && collect_path_dirs(&result, &path_dirs) < 0)
		rc = -ENOMEM;
	s->env_path_dirs = &path_dirs;
	if (rc == -E2BIG) {
		scanner_incomplete(s, "/", "too many start-up variable settings; the rest were not reported");
		rc = 0;
	}
	for (i = 0; i < result.ndiags; i++)
		scanner_diag(s, result.diags[i].path, (long)result.diags[i].line, result.diags[i].err,
			     result.diags[i].message);
	if (result.diags_dropped > 0)
		scanner_diag(s, "/", 0, 0, "more problems with start-up files than are reported one by one");
	for (i = 0; i < result.count && rc == 0; i++) {
		const struct envconf_record *r = &result.records[i];
		struct env_setting set;

		if (s->opts->env_file && strcmp(r->path, s->opts->env_file) != 0)
			continue;

		if (r->flags & ENV_NOT_READ) {
			char *message = NULL;

			/* A missing file sets nothing; shells skip a guarded `. FILE` the same way. */
			if (r->value && r->value[0] == '/' && !fsroot_exists(&s->root, r->value))
				continue;
			if (is_profile_d_loop(r))
				continue;

			rc = describe_unread(r, &message);
			if (rc < 0)
				break;
			scanner_diag(s, r->path, (long)r->line, 0, message);
			free(message);
			continue;
		}
		if (r->kind == ENV_EXEC_LINE || r->kind == ENV_EXEC_FILE || r->kind == ENV_STARTUP_FILE) {
			rc = scan_ipython_record(s, r);
			continue;
		}
		if (r->kind != ENV_ASSIGN)
			continue;
		memset(&set, 0, sizeof(set));
		set.file = r->path;
		set.line = (long)r->line;
		set.name = r->name;
		set.raw = r->raw;
		set.value = r->value;
		set.unresolved = r->unresolved;
		set.function = r->function;
		set.flags = r->flags;
		set.account = r->account;
		rc = scan_env_setting(s, &set);
	}
	s->env_path_dirs = NULL;
	strlist_free(&path_dirs);
	envconf_result_free(&result);
	accounts_free(&accts);
	return rc;
}
