/*
 * libFuzzer target: pth_imported_names() stores at most
 * PTH_IMPORT_NAMES_MAX names, each a non-empty ASCII identifier shorter
 * than PTH_IMPORT_NAME_MAX that occurs in the line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/pthimports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char names[PTH_IMPORT_NAMES_MAX][PTH_IMPORT_NAME_MAX];
	size_t count = pth_imported_names(data, size, names), i, k, n;

	if (count > PTH_IMPORT_NAMES_MAX)
		abort();
	for (i = 0; i < count; i++) {
		n = strnlen(names[i], PTH_IMPORT_NAME_MAX);
		if (n == 0 || n >= PTH_IMPORT_NAME_MAX || (names[i][0] >= '0' && names[i][0] <= '9'))
			abort();
		for (k = 0; k < n; k++) {
			char c = names[i][k];

			if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9')))
				abort();
		}
		if (!memmem(data, size, names[i], n))
			abort();
	}
	return 0;
}
