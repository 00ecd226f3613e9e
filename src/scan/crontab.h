/*
 * crontab: a static reader of the environment that cron gives its jobs.
 *
 * Environment lines (`NAME = value`, spaces around '=' allowed, one pair
 * of matching quotes around the value removed, no expansion) become
 * ENV_EXPORTED items, as crontab(5) describes them. The command of each
 * job is read with shellenv_parse(). It starts after five time fields or
 * an @keyword, and after the user field in a system crontab, and ends at
 * the first unescaped '%'. So `PYTHONPATH=/x python3 job.py` and
 * `export X=..;` inside a command are reported, each ENV_COMMAND_SCOPED
 * because it lasts only for that job. Earlier environment lines are known to the
 * expansion of later commands. Return values are those listed in envitem.h.
 */
#ifndef SITEHOUND_SCAN_CRONTAB_H
#define SITEHOUND_SCAN_CRONTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/envitem.h"

/*
 * Reads a crontab. system is true for /etc/crontab and /etc/cron.d files,
 * whose jobs name a user after the time fields. ctx may be NULL.
 */
__attribute__((warn_unused_result))
int crontab_parse(const char *data, size_t len, bool system, const struct env_context *ctx,
		  struct env_list *out);

#endif
