/*
 * The default rule. It reads file paths the way CPython start-up does
 * (hookpath.h), covers renames, aggregated reports and every start-up
 * environment variable and registry path, and scores each result:
 * severity from what the hook can do, confidence from who wrote it.
 * Everything the seed rule returns is reported too, at least as info.
 */
#include "hunt/rules.h"

#include <errno.h>
#include <string.h>

#include "core/hex.h"
#include "core/strbuf.h"
#include "hunt/hookpath.h"
#include "hunt/writer.h"
#include "provenance/allowlist.h"
#include "provenance/catalogue.h"

/* Windows paths reach 32767 UTF-16 units; UTF-8 may need 3 bytes each. */
#define FULL_PATH_MAX (32768 * 3)

enum action_kind { ACTION_NONE, ACTION_WRITE, ACTION_RENAME, ACTION_DELETE };

static bool
action_is(struct event_str a, const char *name)
{
	size_t n = strlen(name);

	return kql_equals_ci(a.data, a.len, name, n);
}

static enum action_kind
file_action(struct event_str a)
{
	if (action_is(a, "FileCreated") || action_is(a, "FileModified") ||
	    action_is(a, "FileCreatedAggregatedReport") ||
	    action_is(a, "FileModifiedAggregatedReport"))
		return ACTION_WRITE;
	if (action_is(a, "FileRenamed") || action_is(a, "FileRenamedAggregatedReport"))
		return ACTION_RENAME;
	if (action_is(a, "FileDeleted"))
		return ACTION_DELETE;
	return ACTION_NONE;
}

/*
 * Builds the full path of a file event. Defender documents FolderPath as
 * the folder, but real records often hold the full path with the name.
 */
static int
full_path(struct strbuf *out, struct event_str folder, struct event_str name)
{
	bool windows = folder.len > 0 && hookpath_is_windows(folder.data, folder.len);
	char sep = windows ? '\\' : '/';

	strbuf_reset(out);
	if (folder.len == 0)
		return strbuf_append(out, name.data, name.len);
	if (name.len == 0 || (folder.len > name.len &&
			      kql_endswith(folder.data, folder.len, name.data, name.len) &&
			      (folder.data[folder.len - name.len - 1] == '/' ||
			       folder.data[folder.len - name.len - 1] == '\\')))
		return strbuf_append(out, folder.data, folder.len);
	if (strbuf_append(out, folder.data, folder.len) < 0)
		return -ENOMEM;
	if (folder.data[folder.len - 1] != '/' && folder.data[folder.len - 1] != '\\' &&
	    strbuf_putc(out, sep) < 0)
		return -ENOMEM;
	return strbuf_append(out, name.data, name.len);
}

/* Copies the process, host and user columns into the finding. */
static int
set_event_fields(const struct event *ev, struct finding *f)
{
	struct finding_event *e = &f->event;
	struct event_str domain = ev->col[COL_ACCOUNT_DOMAIN], account = ev->col[COL_ACCOUNT_NAME];
	struct strbuf user;
	int rc;

	e->present = true;
	if (finding_set_text(&e->action, ev->col[COL_ACTION_TYPE].data, ev->col[COL_ACTION_TYPE].len) ||
	    finding_set_text(&e->host, ev->col[COL_DEVICE_NAME].data, ev->col[COL_DEVICE_NAME].len) ||
	    finding_set_text(&e->process, ev->col[COL_PROCESS_FILE_NAME].data,
			     ev->col[COL_PROCESS_FILE_NAME].len) ||
	    finding_set_text(&e->command_line, ev->col[COL_PROCESS_COMMAND_LINE].data,
			     ev->col[COL_PROCESS_COMMAND_LINE].len) ||
	    finding_set_text(&e->process_path, ev->col[COL_PROCESS_FOLDER_PATH].data,
			     ev->col[COL_PROCESS_FOLDER_PATH].len) ||
	    finding_set_text(&e->parent, ev->col[COL_PARENT_FILE_NAME].data,
			     ev->col[COL_PARENT_FILE_NAME].len))
		return -ENOMEM;
	if (ev->col[COL_PROCESS_ID].len > 0) {
		long long pid = 0;
		size_t i;

		for (i = 0; i < ev->col[COL_PROCESS_ID].len && i < 19; i++) {
			char c = ev->col[COL_PROCESS_ID].data[i];

			if (c < '0' || c > '9') {
				pid = 0;
				break;
			}
			pid = pid * 10 + (c - '0');
		}
		e->pid = pid;
	}
	if (account.len == 0)
		return 0;
	strbuf_init(&user, 4096);
	rc = 0;
	if (domain.len > 0 && (strbuf_append(&user, domain.data, domain.len) < 0 ||
			       strbuf_putc(&user, '\\') < 0))
		rc = -ENOMEM;
	if (rc == 0 && strbuf_append(&user, account.data, account.len) < 0)
		rc = -ENOMEM;
	if (rc == 0 && finding_set_text(&e->user, user.data, user.len) < 0)
		rc = -ENOMEM;
	strbuf_free(&user);
	return rc;
}

static enum severity
raise_one(enum severity s)
{
	return s < SEV_HIGH ? (enum severity)(s + 1) : s;
}

/*
 * Sets confidence from the writer and explains it. A shell or inline code
 * writing an executable hook raises its severity one step.
 */
static int
score_writer(const struct event *ev, struct finding *f, bool known_benign_name)
{
	struct event_str name = ev->col[COL_PROCESS_FILE_NAME];
	struct event_str cmd = ev->col[COL_PROCESS_COMMAND_LINE];
	enum writer_class wc = writer_classify(name.data, name.len, cmd.data, cmd.len);
	const char *text = writer_class_text(wc);
	int rc = 0;

	switch (wc) {
	case WRITER_PACKAGE_MANAGER:
		f->confidence = CONF_LOW;
		if (known_benign_name && f->severity == SEV_MEDIUM)
			f->severity = SEV_LOW;
		rc = finding_add_reason(f, "written by %.*s, %s; malicious packages are "
				        "installed the same way, so it stays reported",
					(int)name.len, name.data, text);
		break;
	case WRITER_DEV_TOOL:
	case WRITER_ADMIN_GUI:
		f->confidence = CONF_LOW;
		rc = finding_add_reason(f, "written by %.*s, %s", (int)name.len, name.data, text);
		break;
	case WRITER_SHELL:
	case WRITER_INLINE_CODE:
		f->confidence = CONF_HIGH;
		if (f->severity >= SEV_MEDIUM)
			f->severity = raise_one(f->severity);
		rc = finding_add_reason(f, "written by %.*s, %s, which installers do not use",
					(int)name.len, name.data, text);
		break;
	case WRITER_UNKNOWN:
		f->confidence = CONF_MEDIUM;
		rc = finding_add_reason(f, "the event does not name the writing process");
		break;
	case WRITER_ADMIN_CLI:
	case WRITER_PYTHON:
	case WRITER_OTHER:
		f->confidence = CONF_MEDIUM;
		rc = finding_add_reason(f, "written by %.*s, %s", (int)name.len, name.data, text);
		break;
	}
	if (rc == 0 && known_benign_name && wc != WRITER_PACKAGE_MANAGER)
		rc = finding_add_reason(f, "installers use this file name, but %.*s is not a "
					"package manager", (int)name.len, name.data);
	else if (rc == 0 && known_benign_name)
		rc = finding_add_reason(f, "installers use this file name; its content is not in "
					"the event, so it was not checked");
	return rc;
}

/*
 * seed_matched is true when the published query returns this event. A file
 * that only resembles a hook is reported, as info, only in that case.
 */
static int
file_finding(const struct event *ev, bool seed_matched, struct finding *f)
{
	enum action_kind action = file_action(ev->col[COL_ACTION_TYPE]);
	struct strbuf path, previous;
	struct hook hook, before;
	bool is_hook, was_hook = false;
	int rc = 0;

	if (action == ACTION_NONE)
		return 0;
	strbuf_init(&path, FULL_PATH_MAX);
	strbuf_init(&previous, FULL_PATH_MAX);
	if (full_path(&path, ev->col[COL_FOLDER_PATH], ev->col[COL_FILE_NAME]) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	is_hook = path.len > 0 && hookpath_classify(path.data, path.len, &hook);
	if (action == ACTION_RENAME &&
	    (ev->col[COL_PREVIOUS_FOLDER_PATH].len > 0 || ev->col[COL_PREVIOUS_FILE_NAME].len > 0)) {
		struct event_str pfolder = ev->col[COL_PREVIOUS_FOLDER_PATH];

		if (pfolder.len == 0)
			pfolder = ev->col[COL_FOLDER_PATH];
		if (full_path(&previous, pfolder, ev->col[COL_PREVIOUS_FILE_NAME]) < 0) {
			rc = -ENOMEM;
			goto out;
		}
		was_hook = hookpath_classify(previous.data, previous.len, &before) &&
			   before.kind != HOOK_LOOKALIKE;
	}

	if (action == ACTION_DELETE || (action == ACTION_RENAME && !is_hook && was_hook)) {
		const struct hook *gone = action == ACTION_DELETE ? &hook : &before;

		if (action == ACTION_DELETE && (!is_hook || hook.kind == HOOK_LOOKALIKE))
			goto out;
		finding_init(f, "hook-removed", gone->kind_name, SEV_INFO, CONF_MEDIUM);
		rc = 1;
		if (finding_set_path(f, action == ACTION_DELETE ? path.data : previous.data) < 0 ||
		    finding_add_reason(f, "a start-up hook (%s) was %s", gone->form,
				       action == ACTION_DELETE ? "deleted" : "renamed away") < 0 ||
		    (action == ACTION_RENAME &&
		     finding_add_reason(f, "new name: %s", path.data) < 0))
			rc = -ENOMEM;
		goto fields;
	}
	if (!is_hook || (hook.kind == HOOK_LOOKALIKE && !seed_matched))
		goto out;

	finding_init(f, hook.rule, hook.kind_name, hook.severity, CONF_MEDIUM);
	rc = 1;
	if (finding_set_path(f, path.data) < 0 ||
	    finding_add_reason(f, "%s (%s): %s", hook.kind_name, hook.form, hook.where) < 0) {
		rc = -ENOMEM;
		goto fields;
	}
	if (action == ACTION_RENAME && previous.len > 0 &&
	    finding_add_reason(f, "renamed into place from %s", previous.data) < 0) {
		rc = -ENOMEM;
		goto fields;
	}
	if (hook.kind != HOOK_LOOKALIKE && score_writer(ev, f, hook.known_benign_name) < 0)
		rc = -ENOMEM;
fields:
	if (rc == 1 && set_event_fields(ev, f) < 0)
		rc = -ENOMEM;
	if (rc < 0 && rc != -ENOMEM)
		rc = -ENOMEM;
out:
	if (rc < 0)
		finding_free(f);
	strbuf_free(&path);
	strbuf_free(&previous);
	return rc;
}

/* Start-up variables: what setting each one does, and its base severity. */
struct variable {
	const char *name;
	enum severity severity;
	const char *effect;
};

static const struct variable variables[] = {
	{ "PYTHONSTARTUP", SEV_HIGH, "runs the named file at the start of every interactive session" },
	{ "PYTHONPATH", SEV_HIGH,
	  "puts directories before the standard library on sys.path, where a sitecustomize "
	  "or a shadowed module runs at start-up" },
	{ "PYTHONHOME", SEV_HIGH, "moves the standard library and the site directories" },
	{ "PYTHONUSERBASE", SEV_HIGH,
	  "moves the user site, whose .pth files and usercustomize run at start-up, even "
	  "under -E" },
	{ "PYTHONWARNINGS", SEV_LOW, "sets warning filters" },
	{ "PYTHONBREAKPOINT", SEV_MEDIUM, "imports and calls the named function when breakpoint() runs" },
	{ "PYTHONPYCACHEPREFIX", SEV_MEDIUM,
	  "moves byte code to a tree where planted .pyc files are loaded in place of the source" },
	{ "PYTHON_FROZEN_MODULES", SEV_LOW, "chooses whether frozen modules are used" },
	{ "PYTHONINSPECT", SEV_LOW, "opens an interactive prompt after the program ends" },
	{ "PYTHONEXECUTABLE", SEV_LOW, "changes sys.executable (macOS framework builds)" },
};

static const struct variable *
find_variable(struct event_str name)
{
	size_t i;

	for (i = 0; i < sizeof(variables) / sizeof(variables[0]); i++) {
		size_t n = strlen(variables[i].name);

		if (kql_equals_ci(name.data, name.len, variables[i].name, n))
			return &variables[i];
	}
	return NULL;
}

struct key_parts {
	struct event_str part[16];
	size_t n;
};

/*
 * Splits a key into its parts. The kernel's spelling (\REGISTRY\MACHINE,
 * \REGISTRY\USER) becomes the root names that Defender writes.
 */
static void
split_key(struct event_str key, struct key_parts *k)
{
	static const char machine[] = "\\REGISTRY\\MACHINE";
	static const char user[] = "\\REGISTRY\\USER";
	size_t start = 0, i;

	k->n = 0;
	if (key.len == 0)
		return;
	if (key.len >= sizeof(machine) - 1 && kql_equals_ci(key.data, sizeof(machine) - 1, machine,
							    sizeof(machine) - 1)) {
		k->part[k->n++] = (struct event_str){ "HKEY_LOCAL_MACHINE", 18 };
		key.data += sizeof(machine) - 1;
		key.len -= sizeof(machine) - 1;
	} else if (key.len >= sizeof(user) - 1 &&
		   kql_equals_ci(key.data, sizeof(user) - 1, user, sizeof(user) - 1)) {
		k->part[k->n++] = (struct event_str){ "HKEY_USERS", 10 };
		key.data += sizeof(user) - 1;
		key.len -= sizeof(user) - 1;
	}
	if (k->n > 0 && key.len > 0 && key.data[0] == '\\') {
		key.data++;
		key.len--;
	} else if (k->n > 0) {
		return;
	}
	for (i = 0; i <= key.len && k->n < 16; i++) {
		if (i == key.len || key.data[i] == '\\') {
			k->part[k->n].data = key.data + start;
			k->part[k->n].len = i - start;
			k->n++;
			start = i + 1;
		}
	}
}

static bool
part_is(const struct key_parts *k, size_t i, const char *s)
{
	return i < k->n && kql_equals_ci(k->part[i].data, k->part[i].len, s, strlen(s));
}

static bool
is_user_root(const struct key_parts *k)
{
	return part_is(k, 0, "HKEY_CURRENT_USER") || part_is(k, 0, "HKCU") ||
	       part_is(k, 0, "HKEY_USERS") || part_is(k, 0, "HKU");
}

static bool
is_machine_root(const struct key_parts *k)
{
	return part_is(k, 0, "HKEY_LOCAL_MACHINE") || part_is(k, 0, "HKLM");
}

/* "ControlSet001" and the like, or "CurrentControlSet". */
static bool
is_control_set(struct event_str s)
{
	size_t i;

	if (kql_equals_ci(s.data, s.len, "CurrentControlSet", 17))
		return true;
	if (s.len != 13 || !kql_equals_ci(s.data, 10, "ControlSet", 10))
		return false;
	for (i = 10; i < 13; i++) {
		if (s.data[i] < '0' || s.data[i] > '9')
			return false;
	}
	return true;
}

/*
 * The keys Windows builds process environments from: the user's
 * HKCU\Environment (Defender writes HKEY_CURRENT_USER\<SID>\Environment)
 * and Volatile Environment, and the machine's
 * HKLM\SYSTEM\<control set>\Control\Session Manager\Environment.
 */
static const char *
environment_key(const struct key_parts *k)
{
	struct event_str last;

	if (k->n < 2)
		return NULL;
	last = k->part[k->n - 1];
	if (is_user_root(k) && (k->n == 2 || k->n == 3) &&
	    (kql_equals_ci(last.data, last.len, "Environment", 11) ||
	     kql_equals_ci(last.data, last.len, "Volatile Environment", 20)))
		return "the user's environment";
	if (is_machine_root(k) && k->n == 6 && part_is(k, 1, "SYSTEM") && is_control_set(k->part[2]) &&
	    part_is(k, 3, "Control") && part_is(k, 4, "Session Manager") &&
	    part_is(k, 5, "Environment"))
		return "the system environment";
	return NULL;
}

/*
 * Software\Python\PythonCore\<version>\PythonPath[\<name>] under a user or
 * machine root, possibly below Wow6432Node: getpath adds the default value
 * of that key and of each subkey to sys.path, before the standard library.
 * Returns the index of the PythonPath part, or 0.
 */
static size_t
pythonpath_key(const struct key_parts *k)
{
	size_t i = 1;

	if (!is_user_root(k) && !is_machine_root(k))
		return 0;
	if (is_user_root(k) && k->n > 1 && !part_is(k, 1, "Software"))
		i = 2; /* HKEY_CURRENT_USER\<SID>\... */
	if (!part_is(k, i, "Software"))
		return 0;
	i++;
	if (part_is(k, i, "Wow6432Node"))
		i++;
	if (!part_is(k, i, "Python") || !part_is(k, i + 1, "PythonCore") ||
	    !part_is(k, i + 3, "PythonPath") || k->n > i + 5)
		return 0;
	return i + 3;
}

/* PYTHONWARNINGS entries are action:message:category:module:lineno. */
static bool
warnings_import_module(struct event_str data)
{
	size_t i = 0;

	while (i < data.len) {
		size_t end = i, field = 0, start = i;

		while (end < data.len && data.data[end] != ',')
			end++;
		for (; i < end; i++) {
			if (data.data[i] == ':') {
				field++;
				start = i + 1;
				continue;
			}
			if (field == 2 && data.data[i] == '.')
				return true;
		}
		(void)start;
		i = end + 1;
	}
	return false;
}

static enum severity
variable_severity(const struct variable *v, struct event_str data)
{
	if (data.len == 0)
		return SEV_LOW;
	if (strcmp(v->name, "PYTHONWARNINGS") == 0)
		return warnings_import_module(data) ? SEV_HIGH : SEV_LOW;
	if (strcmp(v->name, "PYTHON_FROZEN_MODULES") == 0)
		return kql_equals_ci(data.data, data.len, "off", 3) ? SEV_MEDIUM : SEV_LOW;
	if (strcmp(v->name, "PYTHONBREAKPOINT") == 0 && data.len == 1 && data.data[0] == '0')
		return SEV_INFO;
	return v->severity;
}

/* What the value set means for variables whose effect depends on it, or NULL. */
static const char *
value_note(const struct variable *v, struct event_str data)
{
	if (data.len == 0)
		return "the value is empty, which CPython treats as not set";
	if (strcmp(v->name, "PYTHONWARNINGS") == 0)
		return warnings_import_module(data)
			? "a category names a module, which CPython imports before site runs"
			: "no category names a module, so nothing is imported";
	if (strcmp(v->name, "PYTHON_FROZEN_MODULES") == 0)
		return kql_equals_ci(data.data, data.len, "off", 3)
			? "off loads site.py and other frozen modules from disk, where they can be "
			  "shadowed"
			: "only off changes what is loaded at start-up";
	if (strcmp(v->name, "PYTHONBREAKPOINT") == 0 && data.len == 1 && data.data[0] == '0')
		return "0 turns breakpoint() off";
	return NULL;
}

static int
registry_finding(const struct event *ev, struct finding *f)
{
	struct event_str action = ev->col[COL_ACTION_TYPE], key = ev->col[COL_REGISTRY_KEY];
	struct event_str name = ev->col[COL_REGISTRY_VALUE_NAME], data = ev->col[COL_REGISTRY_VALUE_DATA];
	bool set = action_is(action, "RegistryValueSet") || action_is(action, "RegistryKeyCreated");
	bool deleted = action_is(action, "RegistryValueDeleted");
	const struct variable *var;
	const char *scope, *note;
	struct key_parts k;
	size_t at;
	int rc = 1;

	if (!set && !deleted)
		return 0;
	if (deleted && name.len == 0)
		name = ev->col[COL_PREVIOUS_REGISTRY_VALUE_NAME];
	if (deleted && key.len == 0)
		key = ev->col[COL_PREVIOUS_REGISTRY_KEY];
	split_key(key, &k);
	var = find_variable(name);
	scope = environment_key(&k);
	at = pythonpath_key(&k);

	if (var && scope) {
		enum severity sev = deleted ? SEV_INFO : variable_severity(var, data);

		finding_init(f, deleted ? "hook-removed" : "env-var-set", "env", sev, CONF_MEDIUM);
		if (finding_set_text(&f->path, key.data, key.len) < 0 ||
		    finding_add_reason(f, "%s in %s %s", var->name, scope,
				       deleted ? "was deleted" : var->effect) < 0)
			goto nomem;
		note = deleted ? NULL : value_note(var, data);
		if (note && finding_add_reason(f, "%s", note) < 0)
			goto nomem;
	} else if (at > 0) {
		bool default_value = name.len == 0 || kql_equals_ci(name.data, name.len, "(Default)", 9);
		enum severity sev = SEV_LOW;

		if (deleted)
			sev = SEV_INFO;
		else if (default_value)
			sev = SEV_HIGH;

		finding_init(f, deleted ? "hook-removed" : "registry-pythonpath", "registry-path", sev,
			     CONF_MEDIUM);
		if (finding_set_text(&f->path, key.data, key.len) < 0 ||
		    finding_add_reason(f, "%s", default_value
				       ? "the default value of a PythonCore PythonPath key is added "
					 "to sys.path before the standard library"
				       : "a named value under a PythonCore PythonPath key; only default "
					 "values are added to sys.path") < 0)
			goto nomem;
	} else {
		return 0;
	}
	if (data.len > 0 && finding_set_evidence(f, data.data, data.len) < 0)
		goto nomem;
	if (f->severity > SEV_INFO && score_writer(ev, f, false) < 0)
		goto nomem;
	if (set_event_fields(ev, f) < 0)
		goto nomem;
	return rc;
nomem:
	finding_free(f);
	return -ENOMEM;
}

/* Reports what only the published query matches, so no seed result is lost. */
static int
seed_only_finding(const struct event *ev, const struct seed_row *row, struct finding *f)
{
	struct strbuf path;
	int rc = 1;

	finding_init(f, "seed-match", row->file ? "file" : "env", SEV_INFO, CONF_LOW);
	strbuf_init(&path, FULL_PATH_MAX);
	if (row->file) {
		if (full_path(&path, ev->col[COL_FOLDER_PATH], ev->col[COL_FILE_NAME]) < 0)
			rc = -ENOMEM;
	} else if (strbuf_append(&path, ev->col[COL_REGISTRY_KEY].data,
				 ev->col[COL_REGISTRY_KEY].len) < 0) {
		rc = -ENOMEM;
	}
	if (rc == 1 && (finding_set_path(f, path.data ? path.data : "") < 0 ||
			finding_add_reason(f, "%s", row->file
					   ? "matched by the published query, but this file does "
					     "not run at start-up"
					   : "matched by the published query, but Windows does not "
					     "read environment variables from this key") < 0))
		rc = -ENOMEM;
	if (rc == 1 && !row->file && ev->col[COL_REGISTRY_VALUE_DATA].len > 0 &&
	    finding_set_evidence(f, ev->col[COL_REGISTRY_VALUE_DATA].data,
				 ev->col[COL_REGISTRY_VALUE_DATA].len) < 0)
		rc = -ENOMEM;
	if (rc == 1 && set_event_fields(ev, f) < 0)
		rc = -ENOMEM;
	strbuf_free(&path);
	if (rc < 0)
		finding_free(f);
	return rc;
}

int
default_match(const struct event *ev, kql_ticks time, bool has_time,
	      const struct hunt_window *window, struct finding *f)
{
	struct seed_row row;
	bool seed_matched;
	int rc = 0;

	if (window->enabled && (!has_time || time <= window->now - window->span))
		return 0;
	seed_matched = seed_match(ev, time, has_time, window, &row);
	if (ev->table == TABLE_FILE)
		rc = file_finding(ev, seed_matched, f);
	else if (ev->table == TABLE_REGISTRY)
		rc = registry_finding(ev, f);
	if (rc != 0)
		return rc;
	if (seed_matched)
		return seed_only_finding(ev, &row, f);
	return 0;
}

/* Reads a 64-digit hex SHA-256 column into digest; false when the column is anything else. */
static bool
parse_sha256(struct event_str col, unsigned char digest[32])
{
	return col.len == 64 && hex_decode(col.data, 32, digest);
}

int
default_check_hash(const struct event *ev, const struct allowlist *allow, struct finding *f)
{
	const struct allowlist_entry *allowed = NULL;
	const struct catalogue_entry *known;
	struct event_str name = ev->col[COL_PROCESS_FILE_NAME];
	struct event_str cmd = ev->col[COL_PROCESS_COMMAND_LINE];
	enum writer_class wc;
	unsigned char digest[32];
	int rc;

	if (ev->table != TABLE_FILE || strcmp(f->rule, "hook-removed") == 0 ||
	    !parse_sha256(ev->col[COL_SHA256], digest))
		return 0;
	if (allow)
		allowed = allowlist_find(allow, digest);
	if (allowed) {
		f->severity = SEV_INFO;
		f->confidence = CONF_HIGH;
		rc = finding_add_reason(f, "allowed by the site list: %s", allowed->comment);
		return rc == -E2BIG ? 0 : rc;
	}
	known = catalogue_match_sha256(digest);
	if (!known || (known->kind == CATALOGUE_PTH_LINE) != (strcmp(f->kind, "pth") == 0))
		return 0;
	wc = writer_classify(name.data, name.len, cmd.data, cmd.len);
	if (wc == WRITER_SHELL || wc == WRITER_INLINE_CODE) {
		/* The known line may load a planted module, and installers do not use shells. */
		rc = finding_add_reason(f, "its SHA-256 is that of a known benign file (%s, written "
					"by %s), but such a writer does not install it, and the "
					"module it loads is not in the event", known->id, known->owner);
		return rc == -E2BIG ? 0 : rc;
	}
	if (f->severity > SEV_LOW)
		f->severity = SEV_LOW;
	rc = finding_add_reason(f, "its SHA-256 is that of a known benign file (%s, written by %s)",
				known->id, known->owner);
	return rc == -E2BIG ? 0 : rc;
}
