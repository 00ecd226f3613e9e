/*
 * writer: what kind of program wrote a hook, from the initiating process
 * columns of an event. It shapes confidence only: a package manager as
 * writer lowers confidence but never hides a finding, because malicious
 * packages are installed by the same package managers.
 */
#ifndef SITEHOUND_HUNT_WRITER_H
#define SITEHOUND_HUNT_WRITER_H

#include <stddef.h>

enum writer_class {
	WRITER_UNKNOWN,         /* no process name */
	WRITER_OTHER,           /* a program of no known kind */
	WRITER_PACKAGE_MANAGER, /* pip, conda, uv, dpkg, msiexec, virtualenv, ... */
	WRITER_DEV_TOOL,        /* IPython, Jupyter, pytest, coverage, IDEs */
	WRITER_ADMIN_GUI,       /* the Windows environment editor and Group Policy */
	WRITER_ADMIN_CLI,       /* setx, reg */
	WRITER_PYTHON,          /* a Python program */
	WRITER_SHELL,           /* shells, script hosts, downloaders, other runtimes */
	WRITER_INLINE_CODE,     /* python -c: code given on the command line */
};

/*
 * Classifies the process with image file name name[0..name_len) (such as
 * "pip3.11" or "powershell.exe") and command line cmd[0..cmd_len).
 */
enum writer_class writer_classify(const char *name, size_t name_len, const char *cmd,
				  size_t cmd_len);
/* A short description of the class for reasons, such as "a package manager". */
const char *writer_class_text(enum writer_class c);

#endif
