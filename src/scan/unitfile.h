/*
 * unitfile: a static reader of the environment settings in systemd unit
 * files and their drop-ins (unit.d/NAME.conf use the same syntax).
 *
 * In the [Service], [Socket], [Mount] and [Swap] sections it reports each
 * assignment of an `Environment=` line, and each `EnvironmentFile=` path
 * as an ENV_FILE_REF item (ENV_OPTIONAL with the '-' prefix). The
 * [Manager] section's DefaultEnvironment= and ManagerEnvironment= of
 * system.conf and user.conf (systemd-system.conf(5)) are read as
 * Environment= lines.
 *
 * The syntax follows systemd.exec(5) and systemd.syntax(7). '#' and ';'
 * start comment lines, and a trailing '\' joins the next line with a
 * space. One Environment= line contains several space-separated
 * assignments, which may be quoted with '"' or '\'' and use C escapes. An
 * empty Environment= drops the earlier ones of the file. The specifiers
 * `%%`, and `%h` and `%u` when the context gives them, expand. Other
 * specifiers leave the value unresolved. Items are ENV_EXPORTED. Return
 * values are those listed in envitem.h.
 */
#ifndef SITEHOUND_SCAN_UNITFILE_H
#define SITEHOUND_SCAN_UNITFILE_H

#include <stddef.h>

#include "scan/envitem.h"

/* ctx may be NULL; for a system unit its home is /root and user root. */
__attribute__((warn_unused_result))
int unitfile_parse(const char *data, size_t len, const struct env_context *ctx,
		   struct env_list *out);

#endif
