/* libFuzzer target: comment stripping and line splitting of Python text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "python/pytext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out = malloc(size ? size : 1);
	size_t n, pos = 0, next = 0;

	if (!out)
		return 0;
	n = py_strip_comments(data, size, out);
	if (n > size)
		abort();
	while (pos < size) {
		size_t line = py_splitlines_next(data + pos, size - pos, &next);

		if (line > size - pos || next == 0 || next > size - pos)
			abort();
		pos += next;
	}
	free(out);
	return 0;
}
