/*
 * seedrows: render the published query's result rows exactly as the query
 * projects them, as JSON Lines, CSV or text.
 *
 * Columns, in the order that `union` of the two projected legs gives:
 * FileTime, DeviceName, AccountName, ActionType, FileName, FolderPath,
 * IsSitePackages, IsSitecustomize, IsPthFile, InitiatingProcessFileName,
 * InitiatingProcessCommandLine, EventType, RegTime, RegistryKey,
 * RegistryValueName, RegistryValueData. Datetimes print as Kusto prints
 * them; a datetime or boolean the row's leg does not project is JSON null
 * (an empty CSV cell), and such a string is "".
 * JSON and CSV carry values exactly; a value that is not valid UTF-8 is
 * written in the escaped form of core/escape.h. Text output escapes every
 * value. Functions return 0, -EIO or -ENOMEM.
 */
#ifndef SITEHOUND_OUT_SEEDROWS_H
#define SITEHOUND_OUT_SEEDROWS_H

#include <stdio.h>

#include "hunt/hunt.h"

enum seedrows_format { SEEDROWS_TEXT, SEEDROWS_JSONL, SEEDROWS_CSV };

/* Writes the CSV header; the other formats have none. */
__attribute__((warn_unused_result))
int seedrows_begin(FILE *fp, enum seedrows_format format);
__attribute__((warn_unused_result))
int seedrows_write(FILE *fp, enum seedrows_format format, const struct seed_hit *hit);

#endif
