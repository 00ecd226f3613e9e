/*
 * hookpath: what a file path from an event means to CPython start-up,
 * judged from the path alone (events carry no file content).
 *
 * Windows paths (a backslash or a drive letter) compare directory names
 * without case, as that file system does; POSIX paths compare exactly.
 * Module and .pth file names always compare exactly, because site.py
 * matches ".pth" and importlib matches module names case-sensitively on
 * every platform (it checks the case even on Windows and macOS).
 */
#ifndef SITEHOUND_HUNT_HOOKPATH_H
#define SITEHOUND_HUNT_HOOKPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/finding.h"

enum hook_kind {
	HOOK_NONE,
	HOOK_PTH,        /* a .pth file in a site directory */
	HOOK_CUSTOMIZE,  /* sitecustomize or usercustomize in any importable form */
	HOOK_SITE,       /* site.py or its byte code in the standard library */
	HOOK_DOTPTH,     /* a ._pth path configuration file */
	HOOK_LOOKALIKE,  /* resembles a hook but does not run at start-up */
};

struct hook {
	enum hook_kind kind;
	enum severity severity;
	const char *rule;     /* finding rule id, static */
	const char *kind_name; /* finding kind, static */
	const char *form;     /* such as "source", "byte code in __pycache__" */
	const char *where;    /* why the location matters, static */
	bool known_benign_name; /* a file name that installers write */
};

/*
 * Classifies path[0..len) (a full path including the file name). Returns
 * false when the path is no hook and resembles none.
 */
bool hookpath_classify(const char *path, size_t len, struct hook *hook);

/* True when path looks like a Windows path. */
bool hookpath_is_windows(const char *path, size_t len);

#endif
