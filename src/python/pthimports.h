/*
 * pthimports: the top-level modules that one executable .pth line imports,
 * so that the scan can look for them beside the .pth file.
 */
#ifndef SITEHOUND_PYTHON_PTHIMPORTS_H
#define SITEHOUND_PYTHON_PTHIMPORTS_H

#include <stddef.h>
#include <stdint.h>

/* Names returned per line at most; real lines import one to three. */
#define PTH_IMPORT_NAMES_MAX 8
/* Room for one name with its NUL; longer names are skipped. */
#define PTH_IMPORT_NAME_MAX 128

/*
 * Stores in names the top-level modules that line[0..len) imports: each
 * name of its leading "import a, b.c as d" statement (a and b), then the
 * first component of every __import__('x') or __import__("x") with a
 * literal name. A line that does not start with "import" and a space or
 * tab, as executable lines do, imports nothing. Other import forms are
 * not followed. Names are ASCII identifiers, NUL-terminated, in the order
 * found, repeats included. Returns how many were stored.
 */
size_t pth_imported_names(const uint8_t *line, size_t len,
			  char names[PTH_IMPORT_NAMES_MAX][PTH_IMPORT_NAME_MAX]);

#endif
