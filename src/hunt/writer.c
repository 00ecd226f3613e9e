#include "hunt/writer.h"

#include <stdbool.h>
#include <string.h>

#include "hunt/kql.h"

/* Longest image name that is compared; longer ones are of no known kind. */
#define NAME_MAX_COMPARED 64

static const char *const package_managers[] = {
	"pip", "pip2", "pip3", "pipx", "uv", "uvx", "poetry", "pdm", "pipenv", "hatch",
	"conda", "mamba", "micromamba", "virtualenv", "easy_install", "dpkg", "apt",
	"apt-get", "aptitude", "unattended-upgrade", "rpm", "dnf", "yum", "zypper", "apk",
	"pacman", "brew", "msiexec", "choco", "winget",
};
static const char *const dev_tools[] = {
	"ipython", "ipython3", "jupyter", "jupyter-lab", "jupyter-notebook", "pytest",
	"py.test", "coverage", "tox", "nox", "code", "pycharm64", "pycharm", "idea64",
};
static const char *const admin_gui[] = {
	"systempropertiesadvanced", "explorer", "mmc", "svchost", "gpupdate", "regedit",
};
static const char *const admin_cli[] = { "setx", "reg" };
static const char *const shells[] = {
	"sh", "bash", "dash", "zsh", "ksh", "fish", "busybox", "powershell", "pwsh", "cmd",
	"wscript", "cscript", "mshta", "curl", "wget", "certutil", "bitsadmin", "nc", "ncat",
	"socat", "perl", "ruby", "node", "bun", "deno", "rundll32", "regsvr32", "osascript",
	"tee", "cp", "mv", "install", "dd", "xcopy", "robocopy",
};
static const char *const pythons[] = { "python", "python2", "python3", "pythonw", "py" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool
in_list(const char *name, size_t len, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(list[i]) == len && kql_equals_ci(name, len, list[i], len))
			return true;
	}
	return false;
}

/* Strips ".exe" and a version suffix such as "3.11" after a known stem. */
static size_t
stem_length(const char *name, size_t len)
{
	if (kql_endswith(name, len, ".exe", 4))
		len -= 4;
	return len;
}

/* "python3.11" and "pip3.12" are the stem followed by digits and dots. */
static bool
is_versioned(const char *name, size_t len, const char *stem)
{
	size_t n = strlen(stem), i;

	if (len <= n || !kql_equals_ci(name, n, stem, n))
		return false;
	for (i = n; i < len; i++) {
		if (!((name[i] >= '0' && name[i] <= '9') || name[i] == '.'))
			return false;
	}
	return true;
}

enum writer_class
writer_classify(const char *name, size_t name_len, const char *cmd, size_t cmd_len)
{
	size_t len;

	if (name_len == 0)
		return WRITER_UNKNOWN;
	len = stem_length(name, name_len);
	if (len > NAME_MAX_COMPARED)
		return WRITER_OTHER;
	if (in_list(name, len, package_managers, COUNT(package_managers)) ||
	    is_versioned(name, len, "pip"))
		return WRITER_PACKAGE_MANAGER;
	if (in_list(name, len, pythons, COUNT(pythons)) || is_versioned(name, len, "python")) {
		if (kql_contains(cmd, cmd_len, " -m pip", 7) || kql_contains(cmd, cmd_len, " -m ensurepip", 13) ||
		    kql_contains(cmd, cmd_len, " -m venv", 8) || kql_contains(cmd, cmd_len, " -m virtualenv", 14) ||
		    kql_contains(cmd, cmd_len, " -m uv", 6) || kql_contains(cmd, cmd_len, "setup.py install", 16) ||
		    kql_contains(cmd, cmd_len, "setup.py develop", 16) ||
		    kql_contains(cmd, cmd_len, "pip install", 11))
			return WRITER_PACKAGE_MANAGER;
		if (kql_contains(cmd, cmd_len, " -c ", 4) || kql_contains(cmd, cmd_len, " -c\"", 4) ||
		    kql_contains(cmd, cmd_len, " -c'", 4))
			return WRITER_INLINE_CODE;
		return WRITER_PYTHON;
	}
	if (in_list(name, len, dev_tools, COUNT(dev_tools)))
		return WRITER_DEV_TOOL;
	if (in_list(name, len, admin_gui, COUNT(admin_gui)))
		return WRITER_ADMIN_GUI;
	if (in_list(name, len, admin_cli, COUNT(admin_cli)))
		return WRITER_ADMIN_CLI;
	if (in_list(name, len, shells, COUNT(shells)))
		return WRITER_SHELL;
	return WRITER_OTHER;
}

const char *
writer_class_text(enum writer_class c)
{
	switch (c) {
	case WRITER_UNKNOWN:
		return "an unknown process";
	case WRITER_OTHER:
		return "a program of no known kind";
	case WRITER_PACKAGE_MANAGER:
		return "a package manager";
	case WRITER_DEV_TOOL:
		return "a development tool";
	case WRITER_ADMIN_GUI:
		return "a Windows administration tool";
	case WRITER_ADMIN_CLI:
		return "a command-line administration tool";
	case WRITER_PYTHON:
		return "a Python program";
	case WRITER_SHELL:
		return "a shell, script host, download or file-copy tool";
	case WRITER_INLINE_CODE:
		return "Python running code given on its command line";
	}
	return "an unknown process";
}
