/*
 * Helpers shared by the sitehound commands: exit codes, escaped printing
 * and opening the output file. Like the rest of src/cli, these print.
 */
#ifndef SITEHOUND_CLI_COMMON_H
#define SITEHOUND_CLI_COMMON_H

#include <stdio.h>

#define EXIT_CLEAN 0
#define EXIT_FINDINGS 1
#define EXIT_ERROR 2

/* Prints s with hostile bytes escaped (see core/escape.h). */
void fput_escaped(const char *s, FILE *fp);
/* Opens FILE for the output, refusing to write through a symbolic link. */
FILE *open_output(const char *path);

struct allowlist;

/* Largest --allow file read; a site lists its own few hooks. */
#define ALLOW_FILE_MAX (4u << 20)

/*
 * Reads and parses the --allow file at path into *out. Each bad line is
 * printed as "sitehound: FILE:LINE: reason" and skipped. Returns 0, or -1
 * after printing why the file could not be read.
 */
int load_allowlist(const char *path, struct allowlist *out);

int cmd_hunt(int argc, char **argv);
extern const char hunt_usage[];
int cmd_watch(int argc, char **argv);
extern const char watch_usage[];
int cmd_emulate(int argc, char **argv);
extern const char emulate_usage[];

#endif
