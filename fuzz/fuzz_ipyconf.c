/*
 * libFuzzer target: ipyconf_parse() must return 0, -E2BIG or -ENOMEM and
 * only well-formed items (see envcheck.h), for any bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "envcheck.h"
#include "scan/ipyconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct env_list list;
	int rc;

	env_list_init(&list);
	rc = ipyconf_parse((const char *)data, size, &list);
	env_fuzz_check(rc, &list, data, size);
	env_list_free(&list);
	return 0;
}
