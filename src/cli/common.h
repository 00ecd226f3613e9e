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

int cmd_hunt(int argc, char **argv);
extern const char hunt_usage[];

#endif
