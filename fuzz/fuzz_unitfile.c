/*
 * libFuzzer target: unitfile_parse() must return 0, -E2BIG or -ENOMEM and
 * only well-formed items (see envcheck.h), for any bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "envcheck.h"
#include "scan/unitfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct env_context ctx = { "/root", "root", NULL, NULL, NULL, NULL };
	struct env_list list;
	int rc;

	env_list_init(&list);
	rc = unitfile_parse((const char *)data, size, &ctx, &list);
	env_fuzz_check(rc, &list, data, size);
	env_list_free(&list);

	env_list_init(&list);
	rc = unitfile_parse((const char *)data, size, NULL, &list);
	env_fuzz_check(rc, &list, data, size);
	env_list_free(&list);
	return 0;
}
