/* libFuzzer target: patchlevel.h and dpkg status readers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/ondisk.h"
#include "python/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpkg_python found[DPKG_PYTHONS_MAX];
	uint32_t lo, hi;
	char text[40];
	size_t n, i;

	if (patchlevel_version(data, size, &lo, &hi, text, sizeof(text)) &&
	    (lo > hi || strlen(text) >= sizeof(text)))
		abort();
	n = dpkg_python_versions(data, size, found, DPKG_PYTHONS_MAX);
	if (n > DPKG_PYTHONS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (strlen(found[i].version) >= sizeof(found[i].version))
			abort();
		(void)debian_upstream_version(found[i].version, &lo, &hi);
	}
	return 0;
}
