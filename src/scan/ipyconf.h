/*
 * ipyconf: a static reader of the start-up code that an IPython profile's
 * ipython_config.py configures.
 *
 * It looks for assignments to `c.CLASS.exec_lines` and `c.CLASS.exec_files`
 * with `=`, `+=`, `.append(...)` or `.extend(...)`, for any CLASS
 * (InteractiveShellApp, TerminalIPythonApp, IPKernelApp, ...). Each
 * element of a list or tuple literal becomes an ENV_EXEC_LINE or
 * ENV_EXEC_FILE item named "CLASS.exec_lines" or "CLASS.exec_files". An
 * element that is a Python string literal gets its value, with any
 * quotes and prefixes, and adjacent literals joined. Anything else, and
 * a value that is not a list literal, is reported unresolved with its
 * raw text.
 * An indented statement (inside if, def, with, ...) is ENV_CONDITIONAL.
 * The file is never run. Return values are those listed in envitem.h.
 */
#ifndef SITEHOUND_SCAN_IPYCONF_H
#define SITEHOUND_SCAN_IPYCONF_H

#include <stddef.h>

#include "scan/envitem.h"

__attribute__((warn_unused_result))
int ipyconf_parse(const char *data, size_t len, struct env_list *out);

#endif
