/*
 * Files beside an interpreter that change what it runs at start-up:
 * ._pth files, pythonXY.zip, pyvenv.cfg and PEP 829 .start files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "python/dotpth.h"
#include "python/pyvenv.h"
#include "python/startfile.h"
#include "scan/scanner.h"

/* ._pth, pyvenv.cfg and .start files are a few lines long. */
#define CONFIG_READ_MAX (1024u * 1024)

static int
emit_simple(struct scanner *s, const char *rule, const char *kind, enum severity sev,
	    const char *path, long line, const char *evidence, const char *label,
	    const char *reason1, const char *reason2)
{
	struct finding f;
	int rc;

	finding_init(&f, rule, kind, sev, CONF_MEDIUM);
	f.line = line;
	rc = finding_set_path(&f, path);
	if (rc == 0 && evidence)
		rc = finding_set_evidence(&f, evidence, strlen(evidence));
	if (rc == 0 && label)
		rc = finding_set_interpreter(&f, label);
	if (rc == 0 && reason1)
		rc = finding_add_reason(&f, "%s", reason1);
	if (rc == 0 && reason2)
		rc = finding_add_reason(&f, "%s", reason2);
	if (rc < 0) {
		finding_free(&f);
		return rc;
	}
	return scanner_emit(s, &f);
}

static int
read_config(struct scanner *s, const char *path, uint8_t **buf, size_t *len)
{
	bool truncated;
	int rc = fsroot_read_file(&s->root, path, CONFIG_READ_MAX, buf, len, &truncated);

	if (rc < 0) {
		scanner_diag(s, path, 0, -rc, NULL);
		return rc == -ENOMEM ? rc : 1;
	}
	if (truncated)
		scanner_diag(s, path, 0, 0, "file larger than the read limit; only its start was read");
	return 0;
}

int
scan_dotpth_file(struct scanner *s, const char *path, const struct ranges *r)
{
	struct strlist entries = STRLIST_INIT;
	const char *label = r->label;
	struct dotpth p;
	uint8_t *buf;
	size_t len, i;
	char *dir, *reason = NULL;
	int rc;

	rc = read_config(s, path, &buf, &len);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = dotpth_parse(buf, len, &p);
	free(buf);
	if (rc < 0)
		return rc;
	dir = path_dirname(path);
	if (!dir) {
		dotpth_free(&p);
		return -ENOMEM;
	}
	rc = emit_simple(s, "dotpth", "_pth", SEV_MEDIUM, path, 0, NULL, label,
			 "._pth file: the interpreter of the same name takes sys.path from it and runs isolated (CPython 3.11 and later on every platform, Windows from 3.6)",
			 p.import_site ? "it contains 'import site', so the site module runs: .pth files of the installation's site directories, and sitecustomize found on the listed paths"
				       : "no 'import site' line: the site module and its hooks are off");
	for (i = 0; i < p.count && rc == 0; i++) {
		const struct dotpth_entry *e = &p.entries[i];
		char *target, *why = NULL;

		if (e->kind == DOTPTH_IMPORT_OTHER) {
			rc = emit_simple(s, "dotpth-import", "_pth", SEV_MEDIUM, path, e->line, e->text, label,
					 "import line in a ._pth file: CPython 3.11 and later ignore it with a warning, 3.10 and earlier refuse to start", NULL);
			continue;
		}
		if (e->kind != DOTPTH_PATH)
			continue;
		target = path_normalize(dir, e->text);
		if (!target) {
			rc = -ENOMEM;
			break;
		}
		if (!strlist_has(&entries, target))
			rc = strlist_add(&entries, target);
		if (rc == 0 && scanner_path_is_unsafe(s, target, &why)) {
			char *quoted = quoted_path(target), *quoted_why = quoted_path(why ? why : "a writable place");

			if (!quoted || !quoted_why ||
			    asprintf(&reason, "names %s for sys.path: %s", quoted, quoted_why) < 0)
				rc = -ENOMEM;
			else
				rc = emit_simple(s, "pth-path-writable", "pth-path", SEV_MEDIUM, path, e->line,
						 e->text, label, reason, NULL);
			free(reason);
			free(quoted);
			free(quoted_why);
			reason = NULL;
		}
		free(why);
		free(target);
	}
	/* With "import site", sitecustomize is looked up over exactly these entries. */
	if (rc == 0 && p.import_site)
		rc = scan_customize(s, &entries, r, true);
	strlist_free(&entries);
	free(dir);
	dotpth_free(&p);
	return rc;
}

int
scan_start_file(struct scanner *s, const char *path, const struct ranges *r)
{
	struct startfile sf;
	bool modern = false;
	uint8_t *buf;
	size_t len, i;
	int rc;

	for (i = 0; i < r->count; i++) {
		if (r->hi[i] >= PYVER_PRE(3, 15, 0, 0xA, 0))
			modern = true;
	}
	rc = read_config(s, path, &buf, &len);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = startfile_parse(buf, len, &sf);
	free(buf);
	if (rc < 0)
		return rc;
	for (i = 0; i < sf.count && rc == 0; i++) {
		const struct start_entry *e = &sf.entries[i];

		rc = emit_simple(s, modern ? "start-entry" : "start-entry-latent", "start",
				 modern ? SEV_MEDIUM : SEV_LOW, path, e->line, e->text, r->label,
				 "PEP 829 .start file: CPython 3.15 and later import this module and call the callable at every start",
				 e->valid ? NULL : "entry is not of the form module:callable; CPython reports an error and goes on");
	}
	startfile_free(&sf);
	return rc;
}

static bool
home_is_known(const char *home, const struct installs *all)
{
	size_t i, n;

	for (i = 0; i < all->count; i++) {
		const struct install *in = &all->items[i];

		if (in->kind == INSTALL_VENV || in->kind == INSTALL_USER_SITE)
			continue;
		n = strlen(in->prefix);
		if (strncmp(home, in->prefix, n) == 0 &&
		    (strcmp(home + n, "/bin") == 0 || home[n] == '\0'))
			return true;
	}
	return false;
}

static int
check_venv_home(struct scanner *s, const char *cfgpath, const char *home, long line,
		const struct installs *all)
{
	char *norm, *why = NULL, *reason = NULL;
	int rc = 0;

	if (home[0] != '/')
		return emit_simple(s, "venv-home", "venv-config", SEV_MEDIUM, cfgpath, line, home, NULL,
				   "home is not an absolute path: the base interpreter is looked up relative to the working directory", NULL);
	norm = path_normalize("/", home);
	if (!norm)
		return -ENOMEM;
	if (scanner_path_is_unsafe(s, norm, &why)) {
		char *quoted = quoted_path(norm), *quoted_why = quoted_path(why ? why : "a writable place");

		if (!quoted || !quoted_why ||
		    asprintf(&reason, "home points to %s: %s, so any user can replace the standard library this environment runs",
			     quoted, quoted_why) < 0)
			rc = -ENOMEM;
		else
			rc = emit_simple(s, "venv-home", "venv-config", SEV_HIGH, cfgpath, line, home, NULL, reason, NULL);
		free(quoted);
		free(quoted_why);
	} else if (!fsroot_is_dir(&s->root, norm)) {
		rc = emit_simple(s, "venv-home", "venv-config", SEV_LOW, cfgpath, line, home, NULL,
				 "home points to a directory that does not exist: whoever creates it chooses the standard library", NULL);
	} else if (all && !home_is_known(norm, all)) {
		rc = emit_simple(s, "venv-home", "venv-config", SEV_LOW, cfgpath, line, home, NULL,
				 "home points to a directory that holds no Python installation found by this scan", NULL);
	}
	free(reason);
	free(why);
	free(norm);
	return rc;
}

int
scan_pyvenv_file(struct scanner *s, const char *path, const struct installs *all)
{
	struct pyvenv_cfg cfg;
	uint8_t *buf;
	size_t len;
	int rc;

	rc = read_config(s, path, &buf, &len);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = pyvenv_parse(buf, len, &cfg);
	free(buf);
	if (rc < 0)
		return rc;
	if (cfg.home)
		rc = check_venv_home(s, path, cfg.home, cfg.home_line, all);
	pyvenv_cfg_free(&cfg);
	return rc;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

/* Every ._pth in the directories that hold the interpreter and libpython. */
static int
scan_dotpth_dirs(struct scanner *s, const struct install *in)
{
	static const char *const subdirs[] = { "/bin", "/lib", "/lib64", "" };
	struct ranges own;
	size_t d, i;
	int rc = 0;

	memset(&own, 0, sizeof(own));
	own.lo[0] = in->ver_lo;
	own.hi[0] = in->ver_hi;
	own.count = 1;
	own.label = in->label;

	for (d = 0; d < sizeof(subdirs) / sizeof(subdirs[0]) && rc == 0; d++) {
		struct dirlist names;
		char *dir = NULL;

		if (asprintf(&dir, "%s%s", strcmp(in->prefix, "/") ? in->prefix : "", subdirs[d]) < 0)
			return -ENOMEM;
		if (dir[0] == '\0' || fsroot_listdir(&s->root, dir, &names) < 0) {
			free(dir);
			continue;
		}
		dirlist_sort_python(&names);
		for (i = 0; i < names.count && rc == 0; i++) {
			char *path;

			if (!ends_with(names.names[i], "._pth"))
				continue;
			path = path_join(dir, names.names[i]);
			if (!path) {
				rc = -ENOMEM;
				break;
			}
			if (!scanner_seen(s, "dotpth-file", path))
				rc = scan_dotpth_file(s, path, &own);
			free(path);
		}
		dirlist_free(&names);
		free(dir);
	}
	return rc;
}

int
scan_install_files(struct scanner *s, const struct install *in, const struct installs *all)
{
	int rc = scan_dotpth_dirs(s, in);

	if (rc == 0 && in->nsyspath > 0 && ends_with(in->syspath[0], ".zip") &&
	    fsroot_exists(&s->root, in->syspath[0]) && !scanner_seen(s, "stdlib-zip", in->syspath[0]))
		rc = emit_simple(s, "stdlib-zip", "zip", SEV_MEDIUM, in->syspath[0], 0, NULL, in->label,
				 "this zip file is on sys.path before the standard library: modules in it (encodings, sitecustomize, os) replace the real ones",
				 "CPython installs do not ship it; its contents were not inspected");
	if (rc == 0 && in->kind == INSTALL_VENV && in->venv_home) {
		char *cfg = path_join(in->prefix, "pyvenv.cfg");

		if (!cfg)
			return -ENOMEM;
		rc = check_venv_home(s, cfg, in->venv_home, in->venv_home_line, all);
		free(cfg);
	}
	return rc;
}
