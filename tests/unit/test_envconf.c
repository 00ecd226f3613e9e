/*
 * envconf_collect() against a real file tree built in a temporary
 * directory and opened as the scanned root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scan/accounts.h"
#include "scan/envconf.h"

static char top[] = "/tmp/sitehound-envconf-XXXXXX";
static char tree[600];

static void
make_parents(const char *path)
{
	char dir[600];
	char *slash;

	assert_true(snprintf(dir, sizeof(dir), "%s", path) < (int)sizeof(dir));
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
		*slash = '/';
	}
}

static void
put(const char *rel, const char *text)
{
	char path[600];
	FILE *fp;

	assert_true(snprintf(path, sizeof(path), "%s/%s", tree, rel) < (int)sizeof(path));
	make_parents(path);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
link_at(const char *target, const char *rel)
{
	char path[600];

	assert_true(snprintf(path, sizeof(path), "%s/%s", tree, rel) < (int)sizeof(path));
	make_parents(path);
	assert_int_equal(symlink(target, path), 0);
}

static int
setup(void **state)
{
	char path[700];

	(void)state;
	if (!mkdtemp(top))
		return -1;
	snprintf(tree, sizeof(tree), "%s/root", top);
	if (mkdir(tree, 0755) < 0)
		return -1;

	put("etc/passwd", "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n");
	put("etc/environment", "PYTHONPATH=/opt/envpath\nMYPYTHONPATH=/no\n#PYTHONHOME=/no\n");
	put("etc/security/pam_env.conf", "PYTHONUSERBASE DEFAULT=/opt/pam\n");
	put("etc/environment.d/50-py.conf", "PYTHONINSPECT=1\n");
	put("etc/profile",
	    "if [ -d /etc/profile.d ]; then\n"
	    "  for i in /etc/profile.d/*.sh; do . $i; done\n"
	    "fi\n"
	    ". /etc/extra.sh\n"
	    "[ -r /etc/missing.sh ] && . /etc/missing.sh\n");
	put("etc/extra.sh", "export PYTHONSTARTUP=/opt/start.py\n");
	put("etc/profile.d/py.sh", "export PYTHONHOME=/opt/home\n");
	put("etc/profile.d/skip.zsh", "export PYTHONHOME=/not-sourced\n");
	put("etc/fish/conf.d/py.fish", "set -gx PYTHON_FROZEN_MODULES off\n");
	put("etc/systemd/system/app.service",
	    "[Unit]\nDescription=app\n[Service]\n"
	    "Environment=PYTHONWARNINGS=ignore::evil.Warn\n"
	    "EnvironmentFile=-/etc/default/app\n"
	    "EnvironmentFile=-/etc/default/absent\n"
	    "EnvironmentFile=/etc/default/required-absent\n");
	put("etc/default/app", "PYTHONBREAKPOINT=evil.bp\n");
	put("etc/systemd/system.conf", "[Manager]\n#DefaultEnvironment=PYTHONPATH=/no\n");
	put("etc/systemd/system.conf.d/py.conf", "[Manager]\nDefaultEnvironment=PYTHONPATH=/manager\n");
	put("etc/systemd/system/app.service.d/override.conf",
	    "[Service]\nEnvironment=PYTHONPYCACHEPREFIX=/tmp/pyc\n");
	put("usr/lib/systemd/system/vendor.service", "[Service]\nEnvironment=PYTHONEXECUTABLE=/x\n");
	put("usr/lib/systemd/user/all.service", "[Service]\nEnvironment=PYTHONSTARTUP=%h/all.py\n");
	link_at("usr/lib", "lib");
	put("etc/crontab", "PYTHONPATH = /cronpath\n17 * * * * root cd / && run-parts /etc/cron.hourly\n");
	put("etc/cron.d/job", "* * * * * root PYTHONSTARTUP=/cron/s.py python3 x.py\n");
	put("var/spool/cron/crontabs/alice", "@daily PYTHONHOME=$HOME/ch python3\n");

	put("home/alice/.bashrc",
	    "# export PYTHONPATH=/commented\n"
	    "export PYTHONPATH=\"$HOME/lib\"\n"
	    "f() {\n"
	    "  export PYTHONSTARTUP=~/f.py\n"
	    "}\n"
	    ". ~/.bash_aliases\n");
	put("home/alice/.bash_aliases", "export PYTHONUSERBASE=~/ub\n");
	put("home/alice/.pam_environment", "PYTHONPATH DEFAULT=@{HOME}/pam\n");
	put("home/alice/.config/environment.d/py.conf", "PYTHONPATH=${HOME}/envd\n");
	put("home/alice/.config/systemd/user/u.service", "[Service]\nEnvironment=PYTHONSTARTUP=%h/u.py\n");
	put("home/alice/.ipython/profile_default/startup/00-x.py", "import os\n");
	put("home/alice/.ipython/profile_default/startup/10-y.ipy", "%env\n");
	put("home/alice/.ipython/profile_default/startup/README", "not run\n");
	put("home/alice/.ipython/profile_default/ipython_config.py",
	    "c = get_config()\nc.InteractiveShellApp.exec_lines = ['import evil']\n");

	/* A file outside the root, reached by a link that climbs above it. */
	snprintf(path, sizeof(path), "%s/outside.sh", top);
	{
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		fputs("export PYTHONPATH=/outside\n", fp);
		fclose(fp);
	}
	link_at("../../../outside.sh", "home/alice/.zshrc");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[700];

	(void)state;
	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top) >= (int)sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

/* Returns the record of name set in path, or NULL. */
static const struct envconf_record *
find(const struct envconf_result *r, const char *path, const char *name)
{
	size_t i;

	for (i = 0; i < r->count; i++) {
		if (strcmp(r->records[i].path, path) == 0 && strcmp(r->records[i].name, name) == 0)
			return &r->records[i];
	}
	return NULL;
}

static size_t
count_value(const struct envconf_result *r, const char *value)
{
	size_t i, n = 0;

	for (i = 0; i < r->count; i++)
		n += r->records[i].value && strcmp(r->records[i].value, value) == 0;
	return n;
}

static void
expect(const struct envconf_result *r, const char *path, const char *name, const char *value,
       const char *account)
{
	const struct envconf_record *rec = find(r, path, name);

	print_message("expect %s in %s\n", name, path);
	assert_non_null(rec);
	assert_non_null(rec->value);
	assert_string_equal(rec->value, value);
	if (account) {
		assert_non_null(rec->account);
		assert_string_equal(rec->account, account);
	} else {
		assert_null(rec->account);
	}
}

static void
collect(struct envconf_result *result)
{
	struct fsroot root;
	struct accounts accts;

	assert_int_equal(fsroot_open(&root, tree), 0);
	assert_int_equal(accounts_load(&root, NULL, &accts), 0);
	envconf_result_init(result);
	assert_int_equal(envconf_collect(&root, &accts, result), 0);
	accounts_free(&accts);
	fsroot_close(&root);
}

static void
test_system_files(void **state)
{
	struct envconf_result r;
	const struct envconf_record *rec;

	(void)state;
	collect(&r);
	expect(&r, "/etc/environment", "PYTHONPATH", "/opt/envpath", NULL);
	assert_null(find(&r, "/etc/environment", "MYPYTHONPATH"));
	assert_null(find(&r, "/etc/environment", "PYTHONHOME"));
	expect(&r, "/etc/security/pam_env.conf", "PYTHONUSERBASE", "/opt/pam", NULL);
	expect(&r, "/etc/environment.d/50-py.conf", "PYTHONINSPECT", "1", NULL);
	expect(&r, "/etc/extra.sh", "PYTHONSTARTUP", "/opt/start.py", NULL);
	expect(&r, "/etc/profile.d/py.sh", "PYTHONHOME", "/opt/home", NULL);
	assert_int_equal(count_value(&r, "/not-sourced"), 0);
	expect(&r, "/etc/fish/conf.d/py.fish", "PYTHON_FROZEN_MODULES", "off", NULL);

	rec = find(&r, "/etc/profile", ".");
	assert_non_null(rec);
	assert_true(rec->flags & ENV_NOT_READ);
	assert_int_equal(count_value(&r, "/etc/missing.sh"), 1);
	assert_int_equal(count_value(&r, "/etc/extra.sh"), 0);

	expect(&r, "/etc/systemd/system/app.service", "PYTHONWARNINGS", "ignore::evil.Warn", NULL);
	assert_int_equal(find(&r, "/etc/systemd/system/app.service", "PYTHONWARNINGS")->line, 4);
	expect(&r, "/etc/default/app", "PYTHONBREAKPOINT", "evil.bp", NULL);
	expect(&r, "/etc/systemd/system/app.service.d/override.conf", "PYTHONPYCACHEPREFIX",
	       "/tmp/pyc", NULL);
	assert_int_equal(count_value(&r, "/etc/default/absent"), 0);
	assert_int_equal(count_value(&r, "/etc/default/required-absent"), 1);
	/* /lib links to /usr/lib: the unit is read once. */
	assert_int_equal(count_value(&r, "/x"), 1);

	/* A user unit shipped for every account: %h depends on the account. */
	rec = find(&r, "/usr/lib/systemd/user/all.service", "PYTHONSTARTUP");
	assert_non_null(rec);
	assert_null(rec->value);
	assert_non_null(rec->unresolved);

	expect(&r, "/etc/systemd/system.conf.d/py.conf", "PYTHONPATH", "/manager", NULL);
	assert_null(find(&r, "/etc/systemd/system.conf", "PYTHONPATH"));

	expect(&r, "/etc/crontab", "PYTHONPATH", "/cronpath", NULL);
	expect(&r, "/etc/cron.d/job", "PYTHONSTARTUP", "/cron/s.py", NULL);
	assert_true(find(&r, "/etc/cron.d/job", "PYTHONSTARTUP")->flags & ENV_COMMAND_SCOPED);
	envconf_result_free(&r);
}

static void
test_account_files(void **state)
{
	struct envconf_result r;
	const struct envconf_record *rec;
	size_t i, startup = 0;

	(void)state;
	collect(&r);
	expect(&r, "/home/alice/.bashrc", "PYTHONPATH", "/home/alice/lib", "alice");
	assert_int_equal(find(&r, "/home/alice/.bashrc", "PYTHONPATH")->line, 2);
	rec = find(&r, "/home/alice/.bashrc", "PYTHONSTARTUP");
	assert_non_null(rec);
	assert_true(rec->flags & ENV_IN_FUNCTION);
	assert_false(rec->flags & ENV_FUNCTION_CALLED);
	assert_string_equal(rec->function, "f");
	expect(&r, "/home/alice/.bash_aliases", "PYTHONUSERBASE", "/home/alice/ub", "alice");
	expect(&r, "/home/alice/.pam_environment", "PYTHONPATH", "/home/alice/pam", "alice");
	expect(&r, "/home/alice/.config/environment.d/py.conf", "PYTHONPATH", "/home/alice/envd",
	       "alice");
	expect(&r, "/home/alice/.config/systemd/user/u.service", "PYTHONSTARTUP", "/home/alice/u.py",
	       "alice");
	expect(&r, "/var/spool/cron/crontabs/alice", "PYTHONHOME", "/home/alice/ch", "alice");
	assert_int_equal(count_value(&r, "/commented"), 0);
	assert_int_equal(count_value(&r, "/outside"), 0);

	rec = find(&r, "/home/alice/.ipython/profile_default/ipython_config.py",
		   "InteractiveShellApp.exec_lines");
	assert_non_null(rec);
	assert_int_equal(rec->kind, ENV_EXEC_LINE);
	assert_string_equal(rec->value, "import evil");
	for (i = 0; i < r.count; i++)
		startup += r.records[i].kind == ENV_STARTUP_FILE;
	assert_int_equal(startup, 2);
	assert_non_null(find(&r, "/home/alice/.ipython/profile_default/startup/10-y.ipy",
			     "IPython startup file"));
	envconf_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_files),
		cmocka_unit_test(test_account_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
