/*
 * libFuzzer target: shellenv_parse() and fishenv_parse() must return 0,
 * -E2BIG or -ENOMEM and only well-formed items (see envcheck.h), for any
 * bytes, including unbalanced quotes, NUL bytes and deep nesting.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "envcheck.h"
#include "scan/fishenv.h"
#include "scan/shellenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
home_of(const char *user, const void *arg)
{
	(void)arg;
	return strcmp(user, "root") == 0 ? "/root" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct env_context ctx = { "/home/u", "u", "/bin/sh", home_of, NULL, NULL };
	struct env_list list;
	int rc;

	env_list_init(&list);
	rc = shellenv_parse((const char *)data, size, &ctx, 0, &list);
	env_fuzz_check(rc, &list, data, size);
	env_list_free(&list);

	env_list_init(&list);
	rc = shellenv_parse((const char *)data, size, NULL, 0, &list);
	env_fuzz_check(rc, &list, data, size);
	env_list_free(&list);

	env_list_init(&list);
	rc = fishenv_parse((const char *)data, size, &ctx, &list);
	env_fuzz_check(rc, &list, data, size);
	env_list_free(&list);
	return 0;
}
