/*
 * The published Sentinel query for T1546.018, restated clause by clause.
 *
 * File leg, over DeviceFileEvents: the event is newer than the window; the
 * file name equals (in~) one of the four start-up file names, or it ends
 * with ".pth" and the folder path has any of the four Python directory
 * terms; and the action is exactly FileCreated or FileModified (in, case
 * sensitive). It projects three computed flags: the folder has a Python
 * directory term, the name is sitecustomize.py or usercustomize.py (in~),
 * and the name ends with ".pth".
 *
 * Registry leg, over DeviceRegistryEvents: the event is newer than the
 * window; the value name equals (in~) PYTHONSTARTUP or PYTHONPATH; the
 * action is exactly RegistryValueSet or RegistryKeyCreated; and the key has
 * the term Environment or System\CurrentControlSet.
 *
 * The query writes one directory term as the KQL literal "lib\\python",
 * which is the 10-byte string lib\python.
 */
#include "hunt/rules.h"

#include <string.h>

struct literal {
	const char *text;
	size_t len;
};

#define LIT(s) { s, sizeof(s) - 1 }

static const struct literal startup_files[] = {
	LIT("sitecustomize.py"), LIT("usercustomize.py"), LIT("site.py"), LIT("sitecustomize.pyc"),
};
static const struct literal python_dirs[] = {
	LIT("site-packages"), LIT("dist-packages"), LIT("lib\\python"), LIT("lib/python"),
};
static const struct literal customize_files[] = {
	LIT("sitecustomize.py"), LIT("usercustomize.py"),
};
static const struct literal file_actions[] = {
	LIT("FileCreated"), LIT("FileModified"),
};
static const struct literal env_names[] = {
	LIT("PYTHONSTARTUP"), LIT("PYTHONPATH"),
};
static const struct literal registry_actions[] = {
	LIT("RegistryValueSet"), LIT("RegistryKeyCreated"),
};
static const struct literal registry_terms[] = {
	LIT("Environment"), LIT("System\\CurrentControlSet"),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* `s in~ (list)` */
static bool
in_ci(struct event_str s, const struct literal *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (kql_equals_ci(s.data, s.len, list[i].text, list[i].len))
			return true;
	}
	return false;
}

/* `s in (list)`: case-sensitive equality. */
static bool
in_cs(struct event_str s, const struct literal *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s.len == list[i].len && memcmp(s.data, list[i].text, s.len) == 0)
			return true;
	}
	return false;
}

static bool
has_any(struct event_str s, const struct literal *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (kql_has(s.data, s.len, list[i].text, list[i].len))
			return true;
	}
	return false;
}

static bool
in_window(kql_ticks time, bool has_time, const struct hunt_window *window)
{
	if (!window->enabled)
		return true;
	return has_time && time > window->now - window->span;
}

static bool
file_leg(const struct event *ev, struct seed_row *row)
{
	struct event_str name = ev->col[COL_FILE_NAME];
	struct event_str folder = ev->col[COL_FOLDER_PATH];
	bool pth = kql_endswith(name.data, name.len, ".pth", 4);

	if (!in_ci(name, startup_files, COUNT(startup_files)) &&
	    !(pth && has_any(folder, python_dirs, COUNT(python_dirs))))
		return false;
	if (!in_cs(ev->col[COL_ACTION_TYPE], file_actions, COUNT(file_actions)))
		return false;
	row->file = true;
	row->is_site_packages = has_any(folder, python_dirs, COUNT(python_dirs));
	row->is_sitecustomize = in_ci(name, customize_files, COUNT(customize_files));
	row->is_pth = pth;
	return true;
}

static bool
registry_leg(const struct event *ev, struct seed_row *row)
{
	if (!in_ci(ev->col[COL_REGISTRY_VALUE_NAME], env_names, COUNT(env_names)))
		return false;
	if (!in_cs(ev->col[COL_ACTION_TYPE], registry_actions, COUNT(registry_actions)))
		return false;
	if (!has_any(ev->col[COL_REGISTRY_KEY], registry_terms, COUNT(registry_terms)))
		return false;
	memset(row, 0, sizeof(*row));
	row->file = false;
	return true;
}

bool
seed_match(const struct event *ev, kql_ticks time, bool has_time,
	   const struct hunt_window *window, struct seed_row *row)
{
	if (!in_window(time, has_time, window))
		return false;
	if (ev->table == TABLE_FILE)
		return file_leg(ev, row);
	if (ev->table == TABLE_REGISTRY)
		return registry_leg(ev, row);
	return false;
}
