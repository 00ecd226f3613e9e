#include "hunt/writer.h"

#include <stdbool.h>
#include <string.h>

#include "hunt/kql.h"

/* Maximum length of a compared image name; longer names are of no known kind. */
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
	"tee", "cp", "mv", "install", "dd", "xcopy", "robocopy", "tar", "unzip", "7z", "scp",
	"rsync", "sftp", "ftp", "tftp",
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

/* Takes the next space-separated word of cmd from *pos, honouring double quotes. */
static bool
next_word(const char *cmd, size_t len, size_t *pos, const char **word, size_t *word_len)
{
	size_t i = *pos, start;
	bool quoted = false;

	while (i < len && cmd[i] == ' ')
		i++;
	if (i >= len)
		return false;
	start = i;
	for (; i < len && (quoted || cmd[i] != ' '); i++) {
		if (cmd[i] == '"')
			quoted = !quoted;
	}
	*word = cmd + start;
	*word_len = i - start;
	*pos = i;
	return true;
}

static bool
word_is(const char *word, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len >= 2 && (word[0] == '"' || word[0] == '\'') && word[len - 1] == word[0]) {
		word++;
		len -= 2;
	}
	return len == n && memcmp(word, s, n) == 0;
}

/*
 * Reads a Python command line the way the interpreter reads its options:
 * the first -c ends them (the code follows), the first -m names the module
 * to run, and anything else that is not an option is a script. Options
 * may be combined (-Ic, -Im) and -W and -X take a value.
 */
static enum writer_class
python_command(const char *cmd, size_t len)
{
	static const char *const installers[] = { "pip", "ensurepip", "venv", "virtualenv", "uv" };
	const char *word;
	size_t pos = 0, wlen, i, j;

	if (!next_word(cmd, len, &pos, &word, &wlen))
		return WRITER_PYTHON; /* the interpreter itself */
	while (next_word(cmd, len, &pos, &word, &wlen)) {
		if (wlen < 2 || word[0] != '-' || word[1] == '-')
			return WRITER_PYTHON; /* a script, or a long option */
		for (j = 1; j < wlen; j++) {
			if (word[j] == 'c')
				return WRITER_INLINE_CODE;
			if (word[j] == 'W' || word[j] == 'X') {
				if (j + 1 == wlen && !next_word(cmd, len, &pos, &word, &wlen))
					return WRITER_PYTHON;
				break;
			}
			if (word[j] != 'm')
				continue;
			if (j + 1 < wlen) {
				word += j + 1;
				wlen -= j + 1;
			} else if (!next_word(cmd, len, &pos, &word, &wlen)) {
				return WRITER_PYTHON;
			}
			for (i = 0; i < sizeof(installers) / sizeof(installers[0]); i++) {
				if (word_is(word, wlen, installers[i]))
					return WRITER_PACKAGE_MANAGER;
			}
			return WRITER_PYTHON;
		}
	}
	return WRITER_PYTHON;
}

enum writer_class
writer_classify(const char *name, size_t name_len, const char *cmd, size_t cmd_len)
{
	size_t len, i;

	/* Some sensors report the image path; its last component is the name. */
	for (i = name_len; i > 0; i--) {
		if (name[i - 1] == '/' || name[i - 1] == '\\') {
			name += i;
			name_len -= i;
			break;
		}
	}
	if (name_len == 0)
		return WRITER_UNKNOWN;
	len = stem_length(name, name_len);
	if (len > NAME_MAX_COMPARED)
		return WRITER_OTHER;
	if (in_list(name, len, package_managers, COUNT(package_managers)) ||
	    is_versioned(name, len, "pip"))
		return WRITER_PACKAGE_MANAGER;
	if (in_list(name, len, pythons, COUNT(pythons)) || is_versioned(name, len, "python")) {
		if (kql_contains(cmd, cmd_len, "setup.py install", 16) ||
		    kql_contains(cmd, cmd_len, "setup.py develop", 16))
			return WRITER_PACKAGE_MANAGER;
		return python_command(cmd, cmd_len);
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
