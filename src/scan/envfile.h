/*
 * envfile: static readers of the KEY=VALUE environment files that PAM and
 * systemd load at login or service start.
 *
 * - envfile_parse_systemd(): a systemd EnvironmentFile= target, in the
 *   format systemd.exec(5) describes: lines starting with '#' or ';' are
 *   comments, a value may be in single or double quotes (double quotes
 *   take backslash escapes of " \ ` $ and newline), an unquoted backslash
 *   escapes the next byte and a trailing backslash continues the line,
 *   and unquoted surrounding whitespace is dropped. No variables expand.
 * - envfile_parse_envd(): environment.d(5) files, the same format with
 *   `$X`, `${X}`, `${X:-default}` and `${X:+alternate}` expanded from
 *   earlier assignments and the context.
 * - envfile_parse_pam_env(): /etc/environment, which pam_env(8) reads as
 *   plain KEY=VAL lines (an `export ` prefix is dropped), without
 *   expansion.
 * - envfile_parse_pam_conf(): /etc/security/pam_env.conf and
 *   ~/.pam_environment, lines `VARIABLE [DEFAULT=value] [OVERRIDE=value]`
 *   with `${X}` and `@{HOME}`/`@{SHELL}` expansion, as pam_env.conf(5)
 *   describes. A plain KEY=VAL line there is read as /etc/environment
 *   reads it.
 *
 * Every item is ENV_EXPORTED, because these files only ever set the
 * environment. Return values are those listed in envitem.h.
 */
#ifndef SITEHOUND_SCAN_ENVFILE_H
#define SITEHOUND_SCAN_ENVFILE_H

#include <stddef.h>

#include "scan/envitem.h"

__attribute__((warn_unused_result))
int envfile_parse_systemd(const char *data, size_t len, struct env_list *out);

/* ctx may be NULL; its seed gives variables set by earlier files. */
__attribute__((warn_unused_result))
int envfile_parse_envd(const char *data, size_t len, const struct env_context *ctx,
		       struct env_list *out);

__attribute__((warn_unused_result))
int envfile_parse_pam_env(const char *data, size_t len, struct env_list *out);

/* ctx may be NULL; its home and shell expand @{HOME} and @{SHELL}. */
__attribute__((warn_unused_result))
int envfile_parse_pam_conf(const char *data, size_t len, const struct env_context *ctx,
			   struct env_list *out);

#endif
