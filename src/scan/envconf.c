#include "scan/envconf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strlist.h"
#include "scan/crontab.h"
#include "scan/envfile.h"
#include "scan/fishenv.h"
#include "scan/ipyconf.h"
#include "scan/shellenv.h"
#include "scan/unitfile.h"

enum format {
	FMT_SHELL,
	FMT_FISH,
	FMT_SYSTEMD_ENV, /* an EnvironmentFile= target */
	FMT_ENVD,
	FMT_PAM_ENV,
	FMT_PAM_CONF,
	FMT_UNIT,
	FMT_CRON_SYSTEM,
	FMT_CRON_USER,
	FMT_IPYCONF,
};

/* The owner of the files being read, and the facts their readers may use. */
struct owner {
	const char *account; /* NULL for system-wide files */
	struct env_context ctx;
};

struct collector {
	const struct fsroot *root;
	const struct accounts *accts;
	struct envconf_result *out;
	struct strlist seen; /* "device:inode" of each file read */
	size_t files;
	int rc;
};

static const char *const shell_system_files[] = {
	"/etc/profile",      "/etc/bash.bashrc", "/etc/bashrc",      "/etc/zsh/zshenv",
	"/etc/zsh/zprofile", "/etc/zsh/zshrc",   "/etc/zsh/zlogin",  "/etc/zshenv",
	"/etc/zprofile",     "/etc/zshrc",       "/etc/zlogin",
};

static const char *const shell_user_files[] = {
	".profile", ".bash_profile", ".bash_login", ".bashrc", ".zshenv", ".zprofile", ".zshrc",
	".zlogin",
};

/* Unit directories of the system manager. /run is runtime state, not persistence. */
static const char *const unit_dirs[] = {
	"/etc/systemd/system",
	"/lib/systemd/system",
	"/usr/lib/systemd/system",
};

/* Service manager configuration files, and their drop-in directories. */
static const char *const manager_confs[] = {
	"/etc/systemd/system.conf",
	"/etc/systemd/user.conf",
};
static const char *const manager_conf_dirs[] = {
	"/etc/systemd/system.conf.d",
	"/etc/systemd/user.conf.d",
	"/usr/lib/systemd/system.conf.d",
	"/usr/lib/systemd/user.conf.d",
};

/* Unit directories that every account's user manager reads. */
static const char *const user_unit_dirs[] = {
	"/etc/systemd/user",
	"/usr/lib/systemd/user",
};

static void
note_rc(struct collector *col, int rc)
{
	if (rc == -ENOMEM && col->rc == 0)
		col->rc = rc;
}

void
envconf_result_init(struct envconf_result *result)
{
	memset(result, 0, sizeof(*result));
}

void
envconf_result_free(struct envconf_result *result)
{
	size_t i;

	for (i = 0; i < result->count; i++) {
		struct envconf_record *r = &result->records[i];

		free(r->path);
		free(r->name);
		free(r->raw);
		free(r->value);
		free(r->function);
		free(r->account);
	}
	for (i = 0; i < result->ndiags; i++)
		free(result->diags[i].path);
	free(result->records);
	free(result->diags);
	envconf_result_init(result);
}

static void
add_diag(struct collector *col, const char *path, size_t line, int err, const char *message)
{
	struct envconf_result *out = col->out;
	struct envconf_diag *d;

	if (out->ndiags >= ENVCONF_DIAGS_MAX) {
		out->diags_dropped++;
		return;
	}
	if (out->ndiags == out->dcap) {
		size_t ncap = out->dcap ? out->dcap * 2 : 16;

		d = realloc(out->diags, ncap * sizeof(*d));
		if (!d) {
			note_rc(col, -ENOMEM);
			return;
		}
		out->diags = d;
		out->dcap = ncap;
	}
	d = &out->diags[out->ndiags];
	d->path = strdup(path);
	if (!d->path) {
		note_rc(col, -ENOMEM);
		return;
	}
	d->line = line;
	d->err = err;
	d->message = message;
	out->ndiags++;
}

static int
dup_or_null(char **to, const char *from)
{
	*to = NULL;
	if (!from)
		return 0;
	*to = strdup(from);
	return *to ? 0 : -ENOMEM;
}

static void
add_record(struct collector *col, const char *path, const struct env_item_in *it,
	   const struct owner *who, unsigned extra_flags)
{
	struct envconf_result *out = col->out;
	struct envconf_record *r;

	if (out->count >= ENVCONF_RECORDS_MAX) {
		out->truncated = true;
		return;
	}
	if (out->count == out->cap) {
		size_t ncap = out->cap ? out->cap * 2 : 32;

		r = realloc(out->records, ncap * sizeof(*r));
		if (!r) {
			note_rc(col, -ENOMEM);
			return;
		}
		out->records = r;
		out->cap = ncap;
	}
	r = &out->records[out->count];
	memset(r, 0, sizeof(*r));
	r->line = it->line;
	r->kind = it->kind;
	r->unresolved = it->unresolved;
	r->flags = it->flags | extra_flags;
	if (dup_or_null(&r->path, path) < 0 || dup_or_null(&r->name, it->name) < 0 ||
	    dup_or_null(&r->raw, it->raw) < 0 || dup_or_null(&r->value, it->value) < 0 ||
	    dup_or_null(&r->function, it->function) < 0 ||
	    dup_or_null(&r->account, who->account) < 0) {
		free(r->path);
		free(r->name);
		free(r->raw);
		free(r->value);
		free(r->function);
		free(r->account);
		note_rc(col, -ENOMEM);
		return;
	}
	out->count++;
}

static int
parse(enum format format, const char *buf, size_t len, const struct owner *who,
      struct env_list *list)
{
	switch (format) {
	case FMT_SHELL:
		return shellenv_parse(buf, len, &who->ctx, 0, list);
	case FMT_FISH:
		return fishenv_parse(buf, len, &who->ctx, list);
	case FMT_SYSTEMD_ENV:
		return envfile_parse_systemd(buf, len, list);
	case FMT_ENVD:
		return envfile_parse_envd(buf, len, &who->ctx, list);
	case FMT_PAM_ENV:
		return envfile_parse_pam_env(buf, len, list);
	case FMT_PAM_CONF:
		return envfile_parse_pam_conf(buf, len, &who->ctx, list);
	case FMT_UNIT:
		return unitfile_parse(buf, len, &who->ctx, list);
	case FMT_CRON_SYSTEM:
		return crontab_parse(buf, len, true, &who->ctx, list);
	case FMT_CRON_USER:
		return crontab_parse(buf, len, false, &who->ctx, list);
	case FMT_IPYCONF:
		return ipyconf_parse(buf, len, list);
	}
	return -EINVAL;
}

/*
 * Marks the file at path as read. Returns 1 when it is a regular file not
 * read before, 0 when it is missing, not regular, or already read.
 */
static int
claim_file(struct collector *col, const char *path)
{
	struct stat st;
	char key[64];
	int rc, n;

	rc = fsroot_stat(col->root, path, true, &st);
	if (rc == -ENOENT || rc == -ENOTDIR)
		return 0;
	if (rc < 0) {
		add_diag(col, path, 0, -rc, NULL);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	n = snprintf(key, sizeof(key), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	if (n < 0 || (size_t)n >= sizeof(key))
		return 0;
	if (strlist_has(&col->seen, key))
		return 0;
	if (col->files >= ENVCONF_FILES_MAX) {
		add_diag(col, path, 0, 0, "too many configuration files; this one was not read");
		return 0;
	}
	rc = strlist_add(&col->seen, key);
	if (rc < 0) {
		note_rc(col, rc);
		return 0;
	}
	col->files++;
	return 1;
}

static bool read_file(struct collector *col, const char *path, enum format format,
		      const struct owner *who, int depth);

static void
add_item_record(struct collector *col, const char *path, const struct env_item *it,
		const struct owner *who, unsigned extra_flags)
{
	struct env_item_in in = { it->kind, it->line, it->name, it->raw, it->value,
				  it->unresolved, it->function, it->flags };

	add_record(col, path, &in, who, extra_flags);
}

/* Follows a `source` or EnvironmentFile= item one level, or records it as not read. */
static void
follow(struct collector *col, const char *path, const struct env_item *it, enum format format,
       const struct owner *who, int depth)
{
	enum format target = it->kind == ENV_FILE_REF ? FMT_SYSTEMD_ENV : format;

	if (depth < ENVCONF_SOURCE_DEPTH_MAX && it->value && it->value[0] == '/' &&
	    read_file(col, it->value, target, who, depth + 1))
		return;
	if (it->kind == ENV_FILE_REF && (it->flags & ENV_OPTIONAL) && it->value &&
	    !fsroot_exists(col->root, it->value))
		return; /* "-PATH": systemd ignores a missing file */
	add_item_record(col, path, it, who, ENV_NOT_READ);
}

/* Turns one file's items and diagnostics into records. */
static void
take_items(struct collector *col, const char *path, const struct env_list *list,
	   enum format format, const struct owner *who, int depth)
{
	size_t i;

	for (i = 0; i < list->ndiags && i < ENV_DIAGS_MAX; i++)
		add_diag(col, path, list->diags[i].line, 0, list->diags[i].message);
	if (list->ndiags > ENV_DIAGS_MAX)
		add_diag(col, path, 0, 0, "more malformed lines than are reported one by one");

	for (i = 0; i < list->count && col->rc == 0; i++) {
		const struct env_item *it = &list->items[i];

		switch (it->kind) {
		case ENV_ASSIGN:
			if (env_is_python_var(it->name, strlen(it->name)))
				add_item_record(col, path, it, who, 0);
			break;
		case ENV_SOURCE:
		case ENV_FILE_REF:
			follow(col, path, it, format, who, depth);
			break;
		case ENV_EXEC_LINE:
		case ENV_EXEC_FILE:
		case ENV_STARTUP_FILE:
			add_item_record(col, path, it, who, 0);
			break;
		}
	}
}

/* Reads and parses one file. Returns true when the file was read now or before. */
static bool
read_file(struct collector *col, const char *path, enum format format, const struct owner *who,
	  int depth)
{
	struct env_list list;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated = false;
	int rc, claimed = claim_file(col, path);

	if (claimed == 0)
		return fsroot_exists(col->root, path);
	rc = fsroot_read_file(col->root, path, ENVCONF_FILE_MAX, &buf, &len, &truncated);
	if (rc < 0) {
		if (rc != -ENOENT)
			add_diag(col, path, 0, -rc, NULL);
		note_rc(col, rc);
		return false;
	}
	if (truncated)
		add_diag(col, path, 0, 0, "file larger than 1 MiB; the rest was not read");

	env_list_init(&list);
	rc = parse(format, (const char *)buf, len, who, &list);
	free(buf);
	if (rc == -E2BIG)
		add_diag(col, path, 0, 0, "more assignments than one file may hold; the rest were not read");
	else
		note_rc(col, rc);
	take_items(col, path, &list, format, who, depth);
	env_list_free(&list);
	return true;
}

static bool
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcmp(name + n - k, suffix) == 0;
}

/* Lists dir sorted; returns false when it is missing or unreadable (reported). */
static bool
list_dir(struct collector *col, const char *dir, struct dirlist *names)
{
	int rc = fsroot_listdir(col->root, dir, names);

	if (rc == -ENOENT || rc == -ENOTDIR)
		return false;
	if (rc < 0) {
		add_diag(col, dir, 0, -rc, NULL);
		note_rc(col, rc);
		return false;
	}
	if (names->truncated || names->count > ENVCONF_DIR_MAX)
		add_diag(col, dir, 0, 0, "directory has more entries than are read; later ones skipped");
	dirlist_sort_python(names);
	return true;
}

/* Reads every file in dir whose name ends in suffix. */
static void
read_dir(struct collector *col, const char *dir, const char *suffix, enum format format,
	 const struct owner *who)
{
	struct dirlist names;
	size_t i;

	if (!list_dir(col, dir, &names))
		return;
	for (i = 0; i < names.count && i < ENVCONF_DIR_MAX && col->rc == 0; i++) {
		char *path;

		if (suffix && !has_suffix(names.names[i], suffix))
			continue;
		path = path_join(dir, names.names[i]);
		if (!path) {
			note_rc(col, -ENOMEM);
			break;
		}
		(void)read_file(col, path, format, who, 0);
		free(path);
	}
	dirlist_free(&names);
}

static bool
is_unit_name(const char *name)
{
	return has_suffix(name, ".service") || has_suffix(name, ".socket") ||
	       has_suffix(name, ".mount") || has_suffix(name, ".swap");
}

/* Reads the units of dir and the .conf drop-ins in their NAME.d directories. */
static void
read_unit_dir(struct collector *col, const char *dir, const struct owner *who)
{
	struct dirlist names;
	size_t i;

	if (!list_dir(col, dir, &names))
		return;
	for (i = 0; i < names.count && i < ENVCONF_DIR_MAX && col->rc == 0; i++) {
		const char *name = names.names[i];
		char *path, *base;
		size_t n = strlen(name);

		if (!is_unit_name(name) && !has_suffix(name, ".d"))
			continue;
		path = path_join(dir, name);
		if (!path) {
			note_rc(col, -ENOMEM);
			break;
		}
		if (is_unit_name(name)) {
			(void)read_file(col, path, FMT_UNIT, who, 0);
		} else {
			base = strndup(name, n - 2);
			if (!base)
				note_rc(col, -ENOMEM);
			else if (is_unit_name(base))
				read_dir(col, path, ".conf", FMT_UNIT, who);
			free(base);
		}
		free(path);
	}
	dirlist_free(&names);
}

static const char *
home_of(const char *user, const void *arg)
{
	const struct accounts *accts = arg;
	size_t i;

	for (i = 0; accts && i < accts->count; i++) {
		if (strcmp(accts->items[i].name, user) == 0)
			return accts->items[i].home;
	}
	return NULL;
}

static void
collect_system(struct collector *col)
{
	struct owner sys = { NULL, { NULL, NULL, NULL, home_of, col->accts, NULL } };
	struct owner manager = { NULL, { "/root", "root", NULL, home_of, col->accts, NULL } };
	size_t i;

	/* NOTE: each file is expanded on its own, so a profile's reference to
	 * a variable that /etc/environment or an earlier environment.d file
	 * sets stays unresolved. */
	(void)read_file(col, "/etc/environment", FMT_PAM_ENV, &sys, 0);
	(void)read_file(col, "/etc/security/pam_env.conf", FMT_PAM_CONF, &sys, 0);
	/* Linux-PAM built with a vendor directory also reads
	 * VENDORDIR/security/pam_env.conf; openSUSE uses /usr/etc, and the
	 * man7.org rendering of pam_env.conf(5) shows /usr/share/pam. */
	(void)read_file(col, "/usr/etc/security/pam_env.conf", FMT_PAM_CONF, &sys, 0);
	(void)read_file(col, "/usr/share/pam/security/pam_env.conf", FMT_PAM_CONF, &sys, 0);
	read_dir(col, "/etc/environment.d", ".conf", FMT_ENVD, &sys);
	read_dir(col, "/usr/lib/environment.d", ".conf", FMT_ENVD, &sys);

	for (i = 0; i < sizeof(shell_system_files) / sizeof(shell_system_files[0]); i++)
		(void)read_file(col, shell_system_files[i], FMT_SHELL, &sys, 0);
	/* Debian's /etc/profile sources only the .sh files of /etc/profile.d. */
	read_dir(col, "/etc/profile.d", ".sh", FMT_SHELL, &sys);
	(void)read_file(col, "/etc/fish/config.fish", FMT_FISH, &sys, 0);
	read_dir(col, "/etc/fish/conf.d", ".fish", FMT_FISH, &sys);

	/* The system manager's %h is root's home directory. */
	for (i = 0; i < sizeof(unit_dirs) / sizeof(unit_dirs[0]); i++)
		read_unit_dir(col, unit_dirs[i], &manager);
	for (i = 0; i < sizeof(user_unit_dirs) / sizeof(user_unit_dirs[0]); i++)
		read_unit_dir(col, user_unit_dirs[i], &sys);
	/* DefaultEnvironment= there reaches every service of the manager. */
	for (i = 0; i < sizeof(manager_confs) / sizeof(manager_confs[0]); i++)
		(void)read_file(col, manager_confs[i], FMT_UNIT, &manager, 0);
	for (i = 0; i < sizeof(manager_conf_dirs) / sizeof(manager_conf_dirs[0]); i++)
		read_dir(col, manager_conf_dirs[i], ".conf", FMT_UNIT, &manager);

	(void)read_file(col, "/etc/crontab", FMT_CRON_SYSTEM, &sys, 0);
	read_dir(col, "/etc/cron.d", NULL, FMT_CRON_SYSTEM, &sys);
}

/* Reads the crontabs in a spool directory; each file is named for its account. */
static void
collect_spool(struct collector *col, const char *dir)
{
	struct dirlist names;
	size_t i;

	if (!list_dir(col, dir, &names))
		return;
	for (i = 0; i < names.count && i < ENVCONF_DIR_MAX && col->rc == 0; i++) {
		const char *name = names.names[i];
		struct owner who = { name, { home_of(name, col->accts), name, NULL, home_of,
					     col->accts, NULL } };
		char *path = path_join(dir, name);

		if (!path) {
			note_rc(col, -ENOMEM);
			break;
		}
		(void)read_file(col, path, FMT_CRON_USER, &who, 0);
		free(path);
	}
	dirlist_free(&names);
}

/* Records the IPython start-up files of one profile directory. */
static void
collect_ipython_startup(struct collector *col, const char *dir, const struct owner *who)
{
	struct dirlist names;
	size_t i;

	if (!list_dir(col, dir, &names))
		return;
	for (i = 0; i < names.count && i < ENVCONF_DIR_MAX && col->rc == 0; i++) {
		const char *name = names.names[i];
		struct env_item_in it = { ENV_STARTUP_FILE, 0, "IPython startup file", NULL, NULL,
					  NULL, NULL, 0 };
		struct stat st;
		char *path;

		if (!has_suffix(name, ".py") && !has_suffix(name, ".ipy"))
			continue;
		path = path_join(dir, name);
		if (!path) {
			note_rc(col, -ENOMEM);
			break;
		}
		if (fsroot_stat(col->root, path, true, &st) == 0 && S_ISREG(st.st_mode)) {
			it.raw = path;
			it.value = path;
			add_record(col, path, &it, who, 0);
		}
		free(path);
	}
	dirlist_free(&names);
}

static void
collect_ipython(struct collector *col, const char *home, const struct owner *who)
{
	static const char *const configs[] = { "ipython_config.py", "ipython_kernel_config.py" };
	struct dirlist names;
	char *base = path_join(home, ".ipython");
	size_t i, k;

	if (!base) {
		note_rc(col, -ENOMEM);
		return;
	}
	if (!list_dir(col, base, &names)) {
		free(base);
		return;
	}
	for (i = 0; i < names.count && i < ENVCONF_DIR_MAX && col->rc == 0; i++) {
		char *profile, *path;

		if (strncmp(names.names[i], "profile_", 8) != 0)
			continue;
		profile = path_join(base, names.names[i]);
		if (!profile) {
			note_rc(col, -ENOMEM);
			break;
		}
		path = path_join(profile, "startup");
		if (path)
			collect_ipython_startup(col, path, who);
		free(path);
		for (k = 0; k < sizeof(configs) / sizeof(configs[0]); k++) {
			path = path_join(profile, configs[k]);
			if (path)
				(void)read_file(col, path, FMT_IPYCONF, who, 0);
			else
				note_rc(col, -ENOMEM);
			free(path);
		}
		free(profile);
	}
	dirlist_free(&names);
	free(base);
}

/* Joins home and a relative path; NULL (and -ENOMEM noted) on failure. */
static char *
in_home(struct collector *col, const char *home, const char *rel)
{
	char *path = path_join(home, rel);

	if (!path)
		note_rc(col, -ENOMEM);
	return path;
}

static void
collect_account(struct collector *col, const struct account *acct)
{
	struct owner who = { acct->name, { acct->home, acct->name, NULL, home_of,
					   col->accts, NULL } };
	static const struct {
		const char *rel;
		const char *suffix; /* NULL for a single file */
		enum format format;
	} places[] = {
		{ ".config/fish/config.fish", NULL, FMT_FISH },
		{ ".config/fish/conf.d", ".fish", FMT_FISH },
		{ ".pam_environment", NULL, FMT_PAM_CONF },
		{ ".config/environment.d", ".conf", FMT_ENVD },
	};
	size_t i;
	char *path;

	for (i = 0; i < sizeof(shell_user_files) / sizeof(shell_user_files[0]); i++) {
		path = in_home(col, acct->home, shell_user_files[i]);
		if (path)
			(void)read_file(col, path, FMT_SHELL, &who, 0);
		free(path);
	}
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		path = in_home(col, acct->home, places[i].rel);
		if (path && places[i].suffix)
			read_dir(col, path, places[i].suffix, places[i].format, &who);
		else if (path)
			(void)read_file(col, path, places[i].format, &who, 0);
		free(path);
	}
	path = in_home(col, acct->home, ".config/systemd/user");
	if (path)
		read_unit_dir(col, path, &who);
	free(path);
	collect_ipython(col, acct->home, &who);
}

int
envconf_collect(const struct fsroot *root, const struct accounts *accts,
		struct envconf_result *result)
{
	struct collector col = { root, accts, result, STRLIST_INIT, 0, 0 };
	size_t i;

	collect_system(&col);
	collect_spool(&col, "/var/spool/cron/crontabs");
	collect_spool(&col, "/var/spool/cron");
	for (i = 0; accts && i < accts->count && col.rc == 0; i++)
		collect_account(&col, &accts->items[i]);

	strlist_free(&col.seen);
	if (col.rc < 0)
		return col.rc;
	return result->truncated ? -E2BIG : 0;
}
