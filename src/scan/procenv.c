/*
 * procenv: Python start-up variables in the environment of running
 * processes (/proc/PID/environ), which show hooks that are active now.
 * Only a scan of the live system reads them; a --root tree has no
 * processes of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/envitem.h"
#include "scan/scanner.h"

/* Bytes read of one environ file. The kernel allows more (up to ARG_MAX);
 * variables past this cap are not seen, and the process is reported. */
#define PROC_ENVIRON_MAX (1024u * 1024)
/* Distinct variable settings kept across all processes. */
#define PROC_SETTINGS_MAX 1024

struct proc_setting {
	char *name;
	char *value;
	char *file;             /* /proc/PID/environ of the first process seen with it */
	char *process;          /* that process, as "pid 42 (/usr/bin/python3.11)" */
	unsigned long others;   /* further processes with the same setting */
};

struct proc_settings {
	struct proc_setting items[PROC_SETTINGS_MAX];
	size_t count;
	unsigned long dropped;
};

static bool
is_pid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++) {
		if (*name < '0' || *name > '9')
			return false;
	}
	return true;
}

/* The executable of a process, for naming it; NULL for kernel threads and gone processes. */
static char *
process_exe(struct scanner *s, const char *pid)
{
	char path[64], *exe = NULL;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	if (fsroot_readlink(&s->root, path, &exe) < 0)
		return NULL;
	return exe;
}

static int
remember(struct proc_settings *all, const char *name, const char *value, const char *file,
	 const char *process)
{
	struct proc_setting *p;
	size_t i;

	for (i = 0; i < all->count; i++) {
		if (strcmp(all->items[i].name, name) == 0 && strcmp(all->items[i].value, value) == 0) {
			all->items[i].others++;
			return 0;
		}
	}
	if (all->count == PROC_SETTINGS_MAX) {
		all->dropped++;
		return 0;
	}
	p = &all->items[all->count];
	p->name = strdup(name);
	p->value = strdup(value);
	p->file = strdup(file);
	p->process = strdup(process);
	p->others = 0;
	if (!p->name || !p->value || !p->file || !p->process) {
		free(p->name);
		free(p->value);
		free(p->file);
		free(p->process);
		return -ENOMEM;
	}
	all->count++;
	return 0;
}

/* Collects the Python start-up variables of one process. */
static int
read_process(struct scanner *s, const char *pid, struct proc_settings *all)
{
	char path[64], *exe = NULL, *process = NULL;
	uint8_t *buf = NULL;
	size_t len = 0, at = 0;
	bool truncated = false;
	int rc;

	/* Every process counts, not only those named python: a renamed or embedded
	 * interpreter reads the same variables, and a shell passes them to its children. */
	exe = process_exe(s, pid);
	if (!exe)
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/environ", pid);
	rc = fsroot_read_file(&s->root, path, PROC_ENVIRON_MAX, &buf, &len, &truncated);
	if (rc < 0) {
		free(exe);
		return rc == -ENOMEM ? rc : 0; /* the process exited, or belongs to another user */
	}
	if (truncated)
		scanner_diag(s, path, 0, 0, "environment larger than 1 MiB; only its start was read");
	if (asprintf(&process, "pid %s (%s)", pid, exe) < 0) {
		free(exe);
		free(buf);
		return -ENOMEM;
	}
	rc = 0;
	while (at < len && rc == 0) {
		const char *entry = (const char *)buf + at;
		size_t n = strnlen(entry, len - at);
		const char *eq = memchr(entry, '=', n);

		if (eq && n < len - at && env_is_python_var(entry, (size_t)(eq - entry))) {
			char *name = strndup(entry, (size_t)(eq - entry));

			rc = name ? remember(all, name, eq + 1, path, process) : -ENOMEM;
			free(name);
		}
		at += n + 1;
	}
	free(process);
	free(exe);
	free(buf);
	return rc;
}

int
scan_process_environments(struct scanner *s)
{
	struct proc_settings *all;
	struct dirlist pids;
	size_t i;
	int rc = 0;

	if (fsroot_listdir(&s->root, "/proc", &pids) < 0)
		return 0; /* no procfs: nothing is running that can be read */
	all = calloc(1, sizeof(*all));
	if (!all) {
		dirlist_free(&pids);
		return -ENOMEM;
	}
	for (i = 0; i < pids.count && rc == 0; i++) {
		if (is_pid(pids.names[i]))
			rc = read_process(s, pids.names[i], all);
	}
	for (i = 0; i < all->count && rc == 0; i++) {
		struct proc_setting *p = &all->items[i];
		struct env_setting set;
		char *process = NULL;

		if (p->others > 0 &&
		    asprintf(&process, "%s and %lu other processes", p->process, p->others) < 0) {
			rc = -ENOMEM;
			break;
		}
		memset(&set, 0, sizeof(set));
		set.file = p->file;
		set.name = p->name;
		set.raw = p->value;
		set.value = p->value;
		set.flags = ENV_EXPORTED;
		set.process = process ? process : p->process;
		rc = scan_env_setting(s, &set);
		free(process);
	}
	if (rc == 0 && all->dropped > 0)
		scanner_diag(s, "/proc", 0, 0, "too many distinct start-up variable settings in running processes; the rest were not reported");
	for (i = 0; i < all->count; i++) {
		free(all->items[i].name);
		free(all->items[i].value);
		free(all->items[i].file);
		free(all->items[i].process);
	}
	free(all);
	dirlist_free(&pids);
	return rc;
}
