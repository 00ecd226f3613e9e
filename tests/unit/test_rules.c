/*
 * Unit tests for hunt/rules and hunt/writer: the published Sentinel query
 * clause by clause (seed_match), and the default rule's findings, severity
 * and confidence (default_match) on events built by hand. The expected
 * operator results follow Microsoft's Kusto reference for in~, in, has_any
 * and endswith, where case folding covers ASCII letters only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hunt/rules.h"
#include "hunt/writer.h"
#include "provenance/allowlist.h"

#define HOUR (INT64_C(3600) * KQL_TICKS_PER_SECOND)
/* 2024-05-03T12:30:00Z in ticks from the Unix epoch. */
#define NOW (INT64_C(1714739400) * KQL_TICKS_PER_SECOND)

static const struct hunt_window no_window = { .enabled = false };

static void
set_column(struct event *ev, enum event_column col, const char *text)
{
	ev->col[col].data = text;
	ev->col[col].len = text ? strlen(text) : 0;
}

static struct event
file_event(const char *action, const char *folder, const char *name, const char *process,
	   const char *command_line)
{
	struct event ev;

	event_reset(&ev);
	ev.table = TABLE_FILE;
	ev.has_timestamp = true;
	set_column(&ev, COL_ACTION_TYPE, action);
	set_column(&ev, COL_FOLDER_PATH, folder);
	set_column(&ev, COL_FILE_NAME, name);
	set_column(&ev, COL_PROCESS_FILE_NAME, process);
	set_column(&ev, COL_PROCESS_COMMAND_LINE, command_line);
	set_column(&ev, COL_DEVICE_NAME, "host-01");
	set_column(&ev, COL_ACCOUNT_NAME, "bob");
	return ev;
}

static struct event
registry_event(const char *action, const char *key, const char *value_name, const char *data)
{
	struct event ev;

	event_reset(&ev);
	ev.table = TABLE_REGISTRY;
	ev.has_timestamp = true;
	set_column(&ev, COL_ACTION_TYPE, action);
	set_column(&ev, COL_REGISTRY_KEY, key);
	set_column(&ev, COL_REGISTRY_VALUE_NAME, value_name);
	set_column(&ev, COL_REGISTRY_VALUE_DATA, data);
	set_column(&ev, COL_PROCESS_FILE_NAME, "setx.exe");
	return ev;
}

static bool
seed(const struct event *ev, struct seed_row *row)
{
	memset(row, 0, sizeof(*row));
	return seed_match(ev, NOW, true, &no_window, row);
}

static bool
has_reason(const struct finding *f, const char *part)
{
	size_t i;

	for (i = 0; i < f->nreasons; i++) {
		if (strstr(f->reasons[i], part))
			return true;
	}
	return false;
}

/* ---- the seed rule ---- */

struct name_case {
	const char *name;
	bool match;
};

/* `FileName in~ (...)`: whole-name equality, folding ASCII letters only. */
static void
test_seed_file_name_in_ci(void **state)
{
	static const struct name_case cases[] = {
		{ "sitecustomize.py", true },
		{ "SiteCustomize.PY", true },
		{ "USERCUSTOMIZE.PY", true },
		{ "site.py", true },
		{ "SITE.py", true },
		{ "sitecustomize.pyc", true },
		{ "usercustomize.pyc", false },
		{ "site.pyc", false },
		{ "site.py.bak", false },
		{ "mysite.py", false },
		{ " site.py", false },
		{ "\xc5\xbfitecustomize.py", false },  /* U+017F folds to s only in Unicode */
		{ "sitecustom\xc4\xb1ze.py", false },  /* U+0131, a Turkish dotless i */
		{ "SITECUSTOM\xc4\xb0ZE.PY", false },  /* U+0130, a Turkish dotted capital I */
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = file_event("FileCreated", "/tmp/work", cases[i].name, "bash", "");
		struct seed_row row;
		bool match = seed(&ev, &row);

		if (match != cases[i].match)
			print_error("FileName '%s'\n", cases[i].name);
		assert_int_equal(match, cases[i].match);
		if (!match)
			continue;
		assert_true(row.file);
		assert_false(row.is_pth);
		assert_false(row.is_site_packages);
	}
}

/* `FolderPath has_any (...)` matches whole terms, so python3 is not python. */
static void
test_seed_folder_has_any(void **state)
{
	static const struct name_case cases[] = {
		{ "/usr/lib/python3.11/site-packages", true },
		{ "/usr/lib/python3/dist-packages", true },
		{ "/USR/LIB/PYTHON3.11/SITE-PACKAGES", true },
		{ "/usr/lib/python", true },
		{ "/usr/lib/python/x", true },
		{ "/usr/Lib/Python/x", true },
		{ "C:\\Python311\\Lib\\site-packages", true },
		{ "C:\\Python311\\lib\\python", true },
		{ "/opt/dist-packages-old", true },
		{ "/usr/lib/python3.11", false },
		{ "/usr/lib/python3/x", false },
		{ "/usr/lib/python3.11/mysite-packages", false },
		{ "/usr/lib/python3.11/site-packages2", false },
		{ "/usr/mylib/python/x", false },
		{ "C:\\Python311\\Lib", false },
		{ "C:\\Python311\\Lib\\Python311", false },
		{ "/home/bob/site_packages", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = file_event("FileModified", cases[i].name, "x.pth", "bash", "");
		struct seed_row row;
		bool match = seed(&ev, &row);

		if (match != cases[i].match)
			print_error("FolderPath '%s'\n", cases[i].name);
		assert_int_equal(match, cases[i].match);
		if (!match)
			continue;
		assert_true(row.file);
		assert_true(row.is_pth);
		assert_true(row.is_site_packages);
		assert_false(row.is_sitecustomize);
	}
}

/* `FileName endswith ".pth"`: a case-insensitive suffix, no term logic. */
static void
test_seed_pth_endswith(void **state)
{
	static const struct name_case cases[] = {
		{ "evil.pth", true },
		{ "EVIL.PTH", true },
		{ ".pth", true },
		{ "a.b.Pth", true },
		{ "evil.pth.txt", false },
		{ "evil.pth ", false },
		{ "evilpth", false },
		{ "python311._pth", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = file_event("FileCreated", "/usr/lib/python3/dist-packages",
					     cases[i].name, "bash", "");
		struct seed_row row;
		bool match = seed(&ev, &row);

		if (match != cases[i].match)
			print_error("FileName '%s'\n", cases[i].name);
		assert_int_equal(match, cases[i].match);
	}
}

/* The .pth leg needs both the suffix and a Python directory. */
static void
test_seed_pth_needs_python_dir(void **state)
{
	struct event ev = file_event("FileCreated", "/tmp/work", "evil.pth", "bash", "");
	struct seed_row row;

	(void)state;
	assert_false(seed(&ev, &row));
}

/* The computed columns of a sitecustomize row in site-packages. */
static void
test_seed_row_columns(void **state)
{
	struct event ev = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
				     "sitecustomize.py", "bash", "");
	struct seed_row row;

	(void)state;
	assert_true(seed(&ev, &row));
	assert_true(row.file);
	assert_true(row.is_site_packages);
	assert_true(row.is_sitecustomize);
	assert_false(row.is_pth);
}

/* `ActionType in (...)` compares with case. */
static void
test_seed_file_action_in(void **state)
{
	static const struct name_case cases[] = {
		{ "FileCreated", true },
		{ "FileModified", true },
		{ "filecreated", false },
		{ "FILEMODIFIED", false },
		{ "FileRenamed", false },
		{ "FileDeleted", false },
		{ "FileCreatedAggregatedReport", false },
		{ "FileModifiedAggregatedReport", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = file_event(cases[i].name, "/usr/lib/python3.11/site-packages",
					     "sitecustomize.py", "bash", "");
		struct seed_row row;
		bool match = seed(&ev, &row);

		if (match != cases[i].match)
			print_error("ActionType '%s'\n", cases[i].name);
		assert_int_equal(match, cases[i].match);
	}
}

static void
test_seed_registry_value_name(void **state)
{
	static const struct name_case cases[] = {
		{ "PYTHONPATH", true },
		{ "PYTHONSTARTUP", true },
		{ "pythonpath", true },
		{ "PythonStartup", true },
		{ "PYTHONHOME", false },
		{ "PYTHONUSERBASE", false },
		{ "PYTHONPATH2", false },
		{ "PYTHONPATH ", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = registry_event("RegistryValueSet", "HKEY_CURRENT_USER\\S-1-5-21-1\\Environment",
						 cases[i].name, "C:\\x");
		struct seed_row row;
		bool match = seed(&ev, &row);

		if (match != cases[i].match)
			print_error("RegistryValueName '%s'\n", cases[i].name);
		assert_int_equal(match, cases[i].match);
		if (match)
			assert_false(row.file);
	}
}

static void
test_seed_registry_action_in(void **state)
{
	static const struct name_case cases[] = {
		{ "RegistryValueSet", true },
		{ "RegistryKeyCreated", true },
		{ "registryvalueset", false },
		{ "RegistryValueDeleted", false },
		{ "RegistryKeyDeleted", false },
		{ "RegistryKeyRenamed", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = registry_event(cases[i].name, "HKCU\\Environment", "PYTHONPATH", "");
		struct seed_row row;

		assert_int_equal(seed(&ev, &row), cases[i].match);
	}
}

/* `RegistryKey has_any ("Environment", "System\\CurrentControlSet")` */
static void
test_seed_registry_key_has_any(void **state)
{
	static const struct name_case cases[] = {
		{ "HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Environment", true },
		{ "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment", true },
		{ "HKEY_CURRENT_USER\\S-1-5-21-1\\Volatile Environment", true },
		{ "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\Foo", true },
		{ "hklm\\system\\currentcontrolset\\services\\foo", true },
		{ "HKCU\\Software\\Environment\\x", true },
		{ "HKLM\\SYSTEM\\ControlSet001\\Services\\Foo", false },
		{ "HKCU\\Software\\EnvironmentVars", false },
		{ "HKCU\\Software\\MyEnvironment", false },
		{ "HKLM\\MySystem\\CurrentControlSet", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = registry_event("RegistryValueSet", cases[i].name, "PYTHONPATH", "C:\\x");
		struct seed_row row;
		bool match = seed(&ev, &row);

		if (match != cases[i].match)
			print_error("RegistryKey '%s'\n", cases[i].name);
		assert_int_equal(match, cases[i].match);
	}
}

/* `Timestamp > ago(24h)` is strict, and a null time fails it. */
static void
test_seed_window(void **state)
{
	const struct hunt_window window = { .enabled = true, .now = NOW, .span = 24 * HOUR };
	struct event ev = file_event("FileCreated", "/tmp", "site.py", "bash", "");
	struct seed_row row;

	(void)state;
	assert_false(seed_match(&ev, NOW - 24 * HOUR, true, &window, &row));
	assert_true(seed_match(&ev, NOW - 24 * HOUR + 1, true, &window, &row));
	assert_true(seed_match(&ev, NOW, true, &window, &row));
	assert_true(seed_match(&ev, NOW + HOUR, true, &window, &row));
	assert_false(seed_match(&ev, NOW - 48 * HOUR, true, &window, &row));
	assert_false(seed_match(&ev, 0, false, &window, &row));
	assert_true(seed_match(&ev, 0, false, &no_window, &row));
	assert_true(seed_match(&ev, NOW - 48 * HOUR, true, &no_window, &row));
}

/* Rows of other tables never match, whatever their columns hold. */
static void
test_seed_other_tables(void **state)
{
	struct event ev = file_event("FileCreated", "/tmp", "site.py", "bash", "");
	struct seed_row row;

	(void)state;
	ev.table = TABLE_OTHER;
	assert_false(seed(&ev, &row));
	ev.table = TABLE_UNKNOWN;
	assert_false(seed(&ev, &row));
}

/* ---- writer classes ---- */

static void
test_writer_classify_table(void **state)
{
	static const struct {
		const char *name;
		const char *cmd;
		enum writer_class want;
	} cases[] = {
		{ "pip", "pip install evil", WRITER_PACKAGE_MANAGER },
		{ "pip3.12", "pip3.12 install evil", WRITER_PACKAGE_MANAGER },
		{ "PIP3.exe", "", WRITER_PACKAGE_MANAGER },
		{ "pipx", "", WRITER_PACKAGE_MANAGER },
		{ "dpkg", "", WRITER_PACKAGE_MANAGER },
		{ "msiexec.exe", "", WRITER_PACKAGE_MANAGER },
		{ "python", "python -m pip install evil", WRITER_PACKAGE_MANAGER },
		{ "python3.11", "/usr/bin/python3.11 -m venv .venv", WRITER_PACKAGE_MANAGER },
		{ "python.exe", "python.exe setup.py install", WRITER_PACKAGE_MANAGER },
		{ "python", "python -c \"open('x.pth','w')\"", WRITER_INLINE_CODE },
		{ "python3", "python3 -c 'import os'", WRITER_INLINE_CODE },
		{ "pythonw.exe", "pythonw.exe -c\"import os\"", WRITER_INLINE_CODE },
		{ "python", "python script.py", WRITER_PYTHON },
		{ "python3.12", "python3.12 /opt/tool/run.py --pip", WRITER_PYTHON },
		{ "py.exe", "py.exe install.py", WRITER_PYTHON },
		{ "powershell.exe", "powershell.exe -enc AAAA", WRITER_SHELL },
		{ "pwsh", "", WRITER_SHELL },
		{ "bash", "bash -c 'echo x > y.pth'", WRITER_SHELL },
		{ "curl", "curl -o x.pth http://127.0.0.1/x", WRITER_SHELL },
		{ "cmd.exe", "", WRITER_SHELL },
		{ "setx.exe", "setx PYTHONPATH C:\\x", WRITER_ADMIN_CLI },
		{ "reg.exe", "", WRITER_ADMIN_CLI },
		{ "SystemPropertiesAdvanced.exe", "", WRITER_ADMIN_GUI },
		{ "explorer.exe", "", WRITER_ADMIN_GUI },
		{ "jupyter-lab", "", WRITER_DEV_TOOL },
		{ "Code.exe", "", WRITER_DEV_TOOL },
		{ "notepad.exe", "", WRITER_OTHER },
		{ "pip3.12x", "", WRITER_OTHER },
		{ "pythonista", "", WRITER_OTHER },
		{ "bashful", "", WRITER_OTHER },
		{ "", "python -m pip install x", WRITER_UNKNOWN },
		{ "", "", WRITER_UNKNOWN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum writer_class got = writer_classify(cases[i].name, strlen(cases[i].name),
							cases[i].cmd, strlen(cases[i].cmd));

		if (got != cases[i].want)
			print_error("writer '%s' '%s'\n", cases[i].name, cases[i].cmd);
		assert_int_equal(got, cases[i].want);
		assert_non_null(writer_class_text(got));
	}
}

/* A name longer than any compared one is of no known kind. */
static void
test_writer_long_name(void **state)
{
	char name[200];

	(void)state;
	memset(name, 'a', sizeof(name));
	memcpy(name, "pip", 3);
	assert_int_equal(writer_classify(name, sizeof(name), "", 0), WRITER_OTHER);
}

/* ---- the default rule ---- */

static int
run_default(const struct event *ev, struct finding *f)
{
	memset(f, 0, sizeof(*f));
	return default_match(ev, NOW, true, &no_window, f);
}

/* A .pth in site-packages (medium) scored by who wrote it. */
static void
test_default_pth_by_writer(void **state)
{
	static const struct {
		const char *process;
		const char *cmd;
		enum severity severity;
		enum confidence confidence;
	} cases[] = {
		{ "pip", "pip install evil", SEV_MEDIUM, CONF_LOW },
		{ "pip3.12", "pip3.12 install evil", SEV_MEDIUM, CONF_LOW },
		{ "python", "python -m pip install evil", SEV_MEDIUM, CONF_LOW },
		{ "python", "python -c \"open('evil.pth','w')\"", SEV_HIGH, CONF_HIGH },
		{ "python", "python script.py", SEV_MEDIUM, CONF_MEDIUM },
		{ "powershell.exe", "powershell.exe -c x", SEV_HIGH, CONF_HIGH },
		{ "bash", "bash", SEV_HIGH, CONF_HIGH },
		{ "curl", "curl -o evil.pth", SEV_HIGH, CONF_HIGH },
		{ "setx.exe", "", SEV_MEDIUM, CONF_MEDIUM },
		{ "SystemPropertiesAdvanced.exe", "", SEV_MEDIUM, CONF_LOW },
		{ "jupyter", "", SEV_MEDIUM, CONF_LOW },
		{ "notepad.exe", "", SEV_MEDIUM, CONF_MEDIUM },
		{ "", "", SEV_MEDIUM, CONF_MEDIUM },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
					     "evil.pth", cases[i].process, cases[i].cmd);
		struct finding f;

		assert_int_equal(run_default(&ev, &f), 1);
		if (f.severity != cases[i].severity || f.confidence != cases[i].confidence)
			print_error("writer '%s'\n", cases[i].process);
		assert_string_equal(f.rule, "pth-write");
		assert_string_equal(f.kind, "pth");
		assert_string_equal(f.path, "/usr/lib/python3.11/site-packages/evil.pth");
		assert_int_equal(f.severity, cases[i].severity);
		assert_int_equal(f.confidence, cases[i].confidence);
		assert_true(f.nreasons >= 2);
		assert_true(f.event.present);
		assert_string_equal(f.event.action, "FileCreated");
		assert_string_equal(f.event.host, "host-01");
		finding_free(&f);
	}
}

/* The SHA-256 of setuptools' distutils-precedence.pth (with its final newline). */
static const char distutils_sha256[] =
	"2638ce9e2500e572a5e0de7faed6661eb569d1b696fcba07b0dd223da5f5d224";

/* An event's SHA256 column: the site allowlist makes it info, a known benign file at most low. */
static void
test_default_hash_checks(void **state)
{
	struct event ev = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
				     "evil.pth", "bash", "bash");
	struct allowlist allow;
	const char *list_text;
	char text[200];
	struct finding f;

	(void)state;
	/* No hash: the writer decides. */
	assert_int_equal(run_default(&ev, &f), 1);
	assert_int_equal(default_check_hash(&ev, NULL, &f), 0);
	assert_int_equal(f.severity, SEV_HIGH);
	finding_free(&f);

	/* The exact file setuptools writes stays high when a shell writes it. */
	set_column(&ev, COL_SHA256, distutils_sha256);
	assert_int_equal(run_default(&ev, &f), 1);
	assert_int_equal(default_check_hash(&ev, NULL, &f), 0);
	assert_int_equal(f.severity, SEV_HIGH);
	assert_non_null(strstr(f.reasons[f.nreasons - 1], "setuptools-distutils-precedence-local"));
	finding_free(&f);

	/* Written by pip it is at most low. */
	{
		struct event pip = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
					      "distutils-precedence.pth", "pip", "pip install setuptools");

		set_column(&pip, COL_SHA256, distutils_sha256);
		assert_int_equal(run_default(&pip, &f), 1);
		assert_int_equal(default_check_hash(&pip, NULL, &f), 0);
		assert_int_equal(f.severity, SEV_LOW);
		finding_free(&f);

		/* A customize module with the hash of a .pth shape is not lowered. */
		pip = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
				 "sitecustomize.py", "pip", "pip install x");
		set_column(&pip, COL_SHA256, distutils_sha256);
		assert_int_equal(run_default(&pip, &f), 1);
		assert_int_equal(default_check_hash(&pip, NULL, &f), 0);
		assert_true(f.severity >= SEV_MEDIUM);
		finding_free(&f);
	}

	/* A hash the site allows is info with the site's comment. */
	set_column(&ev, COL_SHA256,
		   "B51149E8B35ED9AC7D1A3892382AC0D2C42E89A12E65679D8CF895323FFC7934");
	list_text = "b51149e8b35ed9ac7d1a3892382ac0d2c42e89a12e65679d8cf895323ffc7934 CA bundle hook\n";
	assert_int_equal(allowlist_parse(list_text, strlen(list_text), &allow), 0);
	assert_int_equal(run_default(&ev, &f), 1);
	assert_int_equal(default_check_hash(&ev, &allow, &f), 0);
	assert_int_equal(f.severity, SEV_INFO);
	assert_int_equal(f.confidence, CONF_HIGH);
	snprintf(text, sizeof(text), "allowed by the site list: CA bundle hook");
	assert_string_equal(f.reasons[f.nreasons - 1], text);
	finding_free(&f);

	/* An unknown hash and a malformed column change nothing. */
	set_column(&ev, COL_SHA256,
		   "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(run_default(&ev, &f), 1);
	assert_int_equal(default_check_hash(&ev, &allow, &f), 0);
	assert_int_equal(f.severity, SEV_HIGH);
	finding_free(&f);
	set_column(&ev, COL_SHA256, "not a digest");
	assert_int_equal(run_default(&ev, &f), 1);
	assert_int_equal(default_check_hash(&ev, &allow, &f), 0);
	assert_int_equal(f.severity, SEV_HIGH);
	finding_free(&f);
	allowlist_free(&allow);
}

/* A high hook stays high when a shell writes it. */
static void
test_default_high_stays_high(void **state)
{
	struct event ev = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
				     "sitecustomize.py", "bash", "bash");
	struct finding f;

	(void)state;
	assert_int_equal(run_default(&ev, &f), 1);
	assert_string_equal(f.rule, "customize-write");
	assert_int_equal(f.severity, SEV_HIGH);
	assert_int_equal(f.confidence, CONF_HIGH);
	finding_free(&f);
}

/* Installer file names are lowered only when a package manager wrote them. */
static void
test_default_benign_name(void **state)
{
	struct event by_pip = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
					 "distutils-precedence.pth", "pip", "pip install setuptools");
	struct event by_bash = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
					  "distutils-precedence.pth", "bash", "bash");
	struct finding f;

	(void)state;
	assert_int_equal(run_default(&by_pip, &f), 1);
	assert_int_equal(f.severity, SEV_LOW);
	assert_int_equal(f.confidence, CONF_LOW);
	assert_true(has_reason(&f, "installers use this file name"));
	finding_free(&f);

	assert_int_equal(run_default(&by_bash, &f), 1);
	assert_int_equal(f.severity, SEV_HIGH);
	assert_int_equal(f.confidence, CONF_HIGH);
	assert_true(has_reason(&f, "bash is not a package manager"));
	finding_free(&f);
}

/* FolderPath may hold the whole path, with the file name, or the folder only. */
static void
test_default_full_path_forms(void **state)
{
	struct event full = file_event("FileCreated", "/usr/lib/python3.11/site-packages/evil.pth",
				       "evil.pth", "bash", "");
	struct event windows = file_event("FileCreated", "C:\\Python311\\Lib\\site-packages",
					  "evil.pth", "bash", "");
	struct event slash = file_event("FileCreated", "/usr/lib/python3.11/site-packages/",
					"evil.pth", "bash", "");
	struct finding f;

	(void)state;
	assert_int_equal(run_default(&full, &f), 1);
	assert_string_equal(f.path, "/usr/lib/python3.11/site-packages/evil.pth");
	finding_free(&f);
	assert_int_equal(run_default(&windows, &f), 1);
	assert_string_equal(f.path, "C:\\Python311\\Lib\\site-packages\\evil.pth");
	finding_free(&f);
	assert_int_equal(run_default(&slash, &f), 1);
	assert_string_equal(f.path, "/usr/lib/python3.11/site-packages/evil.pth");
	finding_free(&f);
}

/* Actions the published query leaves out: renames, aggregated reports, deletes. */
static void
test_default_actions(void **state)
{
	struct event renamed = file_event("FileRenamed", "/usr/lib/python3.11/site-packages",
					  "evil.pth", "bash", "");
	struct event aggregated = file_event("FileCreatedAggregatedReport",
					     "/usr/lib/python3.11/site-packages", "evil.pth", "bash", "");
	struct event deleted = file_event("FileDeleted", "/usr/lib/python3.11/site-packages",
					  "sitecustomize.py", "bash", "");
	struct event other = file_event("FileOpened", "/usr/lib/python3.11/site-packages",
					"evil.pth", "bash", "");
	struct seed_row row;
	struct finding f;

	(void)state;
	set_column(&renamed, COL_PREVIOUS_FILE_NAME, "evil.tmp");
	assert_false(seed(&renamed, &row));
	assert_int_equal(run_default(&renamed, &f), 1);
	assert_string_equal(f.rule, "pth-write");
	assert_true(has_reason(&f, "renamed into place from /usr/lib/python3.11/site-packages/evil.tmp"));
	finding_free(&f);

	assert_false(seed(&aggregated, &row));
	assert_int_equal(run_default(&aggregated, &f), 1);
	assert_string_equal(f.rule, "pth-write");
	finding_free(&f);

	assert_int_equal(run_default(&deleted, &f), 1);
	assert_string_equal(f.rule, "hook-removed");
	assert_int_equal(f.severity, SEV_INFO);
	finding_free(&f);

	assert_int_equal(run_default(&other, &f), 0);
}

/* A look-alike is reported, as info, only when the published query returns it. */
static void
test_default_lookalikes(void **state)
{
	struct event seed_lookalike = file_event("FileCreated", "/home/bob/proj", "site.py", "bash", "");
	struct event plain_lookalike = file_event("FileCreated", "C:\\Users\\bob\\Documents",
						  "evil.pth", "bash", "");
	struct event unrelated = file_event("FileCreated", "/usr/lib/python3.11/site-packages",
					    "notes.txt", "bash", "");
	struct finding f;

	(void)state;
	assert_int_equal(run_default(&seed_lookalike, &f), 1);
	assert_int_equal(f.severity, SEV_INFO);
	assert_string_equal(f.rule, "site-module-write");
	finding_free(&f);
	assert_int_equal(run_default(&plain_lookalike, &f), 0);
	assert_int_equal(run_default(&unrelated, &f), 0);
}

static void
test_default_window(void **state)
{
	const struct hunt_window window = { .enabled = true, .now = NOW, .span = 24 * HOUR };
	struct event ev = file_event("FileCreated", "/usr/lib/python3.11/site-packages", "evil.pth",
				     "bash", "");
	struct finding f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(default_match(&ev, NOW - 24 * HOUR, true, &window, &f), 0);
	assert_int_equal(default_match(&ev, 0, false, &window, &f), 0);
	assert_int_equal(default_match(&ev, NOW - 24 * HOUR + 1, true, &window, &f), 1);
	finding_free(&f);
	assert_int_equal(default_match(&ev, 0, false, &no_window, &f), 1);
	finding_free(&f);
}

struct key_case {
	const char *key;
	const char *value_name;
	const char *rule;       /* NULL: not reported */
	enum severity severity;
};

static void
test_default_registry_keys(void **state)
{
	static const struct key_case cases[] = {
		{ "HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Environment", "PYTHONPATH", "env-var-set", SEV_HIGH },
		{ "HKCU\\Environment", "PYTHONPATH", "env-var-set", SEV_HIGH },
		{ "HKEY_USERS\\S-1-5-21-1-2-3-1001\\Environment", "PYTHONSTARTUP", "env-var-set", SEV_HIGH },
		{ "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment",
		  "PYTHONHOME", "env-var-set", SEV_HIGH },
		{ "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment",
		  "pythonpath", "env-var-set", SEV_HIGH },
		{ "HKLM\\SYSTEM\\ControlSet002\\Control\\Session Manager\\Environment", "PYTHONUSERBASE",
		  "env-var-set", SEV_HIGH },
		{ "HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Volatile Environment", "PYTHONPATH",
		  "env-var-set", SEV_HIGH },
		/* The published query returns these, but Windows reads no variables there. */
		{ "HKEY_CURRENT_USER\\S-1-5-21-1\\Software\\Vendor\\Environment", "PYTHONPATH",
		  "seed-match", SEV_INFO },
		{ "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Foo", "PYTHONPATH",
		  "seed-match", SEV_INFO },
		{ "HKLM\\SYSTEM\\ControlSet001\\Services\\Foo", "PYTHONPATH", NULL, SEV_INFO },
		{ "HKCU\\Environment", "PATH", NULL, SEV_INFO },
		{ "HKCU\\Environment", "PYTHONHASHSEED", NULL, SEV_INFO },
		/* CPython's Modules/getpath.py (3.12) adds default values under PythonPath to sys.path. */
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Python\\PythonCore\\3.11\\PythonPath", "",
		  "registry-pythonpath", SEV_HIGH },
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Python\\PythonCore\\3.11\\PythonPath", "(Default)",
		  "registry-pythonpath", SEV_HIGH },
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Python\\PythonCore\\3.11\\PythonPath\\Evil", "",
		  "registry-pythonpath", SEV_HIGH },
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Python\\PythonCore\\3.11\\PythonPath", "Extra",
		  "registry-pythonpath", SEV_LOW },
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Python\\PythonCore\\3.11-32\\PythonPath", "",
		  "registry-pythonpath", SEV_HIGH },
		{ "HKEY_CURRENT_USER\\S-1-5-21-1\\Software\\Python\\PythonCore\\3.12\\PythonPath", "",
		  "registry-pythonpath", SEV_HIGH },
		{ "HKCU\\Software\\Python\\PythonCore\\3.12\\PythonPath", "", "registry-pythonpath",
		  SEV_HIGH },
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Python\\PythonCore\\3.11\\InstallPath", "", NULL,
		  SEV_INFO },
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Python\\PythonCore\\3.11\\PythonPath\\A\\B", "", NULL,
		  SEV_INFO },
		{ "HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Python\\PythonCore\\3.11\\PythonPath", "", NULL,
		  SEV_INFO },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct key_case *c = &cases[i];
		struct event ev = registry_event("RegistryValueSet", c->key, c->value_name, "C:\\evil");
		struct finding f;
		int rc = run_default(&ev, &f);

		if (rc != (c->rule ? 1 : 0) || (rc == 1 && (strcmp(f.rule, c->rule) != 0 ||
							     f.severity != c->severity)))
			print_error("key '%s' value '%s'\n", c->key, c->value_name);
		assert_int_equal(rc, c->rule ? 1 : 0);
		if (!c->rule)
			continue;
		assert_string_equal(f.rule, c->rule);
		assert_int_equal(f.severity, c->severity);
		assert_string_equal(f.path, c->key);
		assert_true(f.nreasons >= 1);
		assert_int_equal(f.evidence_len, strlen("C:\\evil"));
		assert_memory_equal(f.evidence, "C:\\evil", f.evidence_len);
		finding_free(&f);
	}
}

/*
 * A registry row without a key (a null RegistryKey in stream JSON) names
 * no environment key, so nothing is reported. Under the sanitizer build
 * this also checks that splitting the empty key does no pointer
 * arithmetic on its NULL data.
 */
static void
test_default_registry_no_key(void **state)
{
	struct event ev = registry_event("RegistryValueSet", NULL, "PYTHONPATH", "C:\\evil");
	struct seed_row row;
	struct finding f;

	(void)state;
	assert_false(seed(&ev, &row));
	assert_int_equal(run_default(&ev, &f), 0);
}

/* Deleting a start-up variable is reported as a removed hook. */
static void
test_default_registry_deleted(void **state)
{
	struct event ev = registry_event("RegistryValueDeleted", "HKCU\\Environment", "PYTHONPATH", "");
	struct finding f;

	(void)state;
	assert_int_equal(run_default(&ev, &f), 1);
	assert_string_equal(f.rule, "hook-removed");
	assert_int_equal(f.severity, SEV_INFO);
	finding_free(&f);
}

struct value_case {
	const char *name;
	const char *data;
	enum severity severity;
};

/* The value decides the severity of some variables. */
static void
test_default_variable_values(void **state)
{
	static const struct value_case cases[] = {
		{ "PYTHONWARNINGS", "ignore::DeprecationWarning", SEV_LOW },
		{ "PYTHONWARNINGS", "ignore::evil.Warning", SEV_HIGH },
		{ "PYTHONWARNINGS", "default,ignore::pkg.mod.Warning", SEV_HIGH },
		{ "PYTHONWARNINGS", "error:some.message.text", SEV_LOW },
		{ "PYTHONWARNINGS", "ignore:::module.name", SEV_LOW },
		{ "PYTHONWARNINGS", "", SEV_LOW },
		{ "PYTHONBREAKPOINT", "0", SEV_INFO },
		{ "PYTHONBREAKPOINT", "evil.hook", SEV_MEDIUM },
		{ "PYTHON_FROZEN_MODULES", "off", SEV_MEDIUM },
		{ "PYTHON_FROZEN_MODULES", "OFF", SEV_MEDIUM },
		{ "PYTHON_FROZEN_MODULES", "on", SEV_LOW },
		{ "PYTHONSTARTUP", "C:\\evil.py", SEV_HIGH },
		{ "PYTHONSTARTUP", "", SEV_LOW },
		{ "PYTHONPYCACHEPREFIX", "C:\\cache", SEV_MEDIUM },
		{ "PYTHONINSPECT", "1", SEV_LOW },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct value_case *c = &cases[i];
		struct event ev = registry_event("RegistryValueSet", "HKCU\\Environment", c->name, c->data);
		struct finding f;

		assert_int_equal(run_default(&ev, &f), 1);
		if (f.severity != c->severity)
			print_error("%s=%s\n", c->name, c->data);
		assert_string_equal(f.rule, "env-var-set");
		assert_string_equal(f.kind, "env");
		assert_int_equal(f.severity, c->severity);
		finding_free(&f);
	}
}

/* A shell that sets a variable raises its severity, which setx in the table above does not. */
static void
test_default_variable_by_shell(void **state)
{
	struct event ev = registry_event("RegistryValueSet", "HKCU\\Environment", "PYTHONBREAKPOINT",
					 "evil.hook");
	struct finding f;

	(void)state;
	set_column(&ev, COL_PROCESS_FILE_NAME, "powershell.exe");
	assert_int_equal(run_default(&ev, &f), 1);
	assert_int_equal(f.severity, SEV_HIGH);
	assert_int_equal(f.confidence, CONF_HIGH);
	finding_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_file_name_in_ci),
		cmocka_unit_test(test_seed_folder_has_any),
		cmocka_unit_test(test_seed_pth_endswith),
		cmocka_unit_test(test_seed_pth_needs_python_dir),
		cmocka_unit_test(test_seed_row_columns),
		cmocka_unit_test(test_seed_file_action_in),
		cmocka_unit_test(test_seed_registry_value_name),
		cmocka_unit_test(test_seed_registry_action_in),
		cmocka_unit_test(test_seed_registry_key_has_any),
		cmocka_unit_test(test_seed_window),
		cmocka_unit_test(test_seed_other_tables),
		cmocka_unit_test(test_writer_classify_table),
		cmocka_unit_test(test_writer_long_name),
		cmocka_unit_test(test_default_pth_by_writer),
		cmocka_unit_test(test_default_high_stays_high),
		cmocka_unit_test(test_default_hash_checks),
		cmocka_unit_test(test_default_benign_name),
		cmocka_unit_test(test_default_full_path_forms),
		cmocka_unit_test(test_default_actions),
		cmocka_unit_test(test_default_lookalikes),
		cmocka_unit_test(test_default_window),
		cmocka_unit_test(test_default_registry_keys),
		cmocka_unit_test(test_default_registry_no_key),
		cmocka_unit_test(test_default_registry_deleted),
		cmocka_unit_test(test_default_variable_values),
		cmocka_unit_test(test_default_variable_by_shell),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
