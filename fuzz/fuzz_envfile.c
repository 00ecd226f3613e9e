/*
 * libFuzzer target: the four envfile readers and crontab_parse() must
 * return 0, -E2BIG or -ENOMEM and only well-formed items (see
 * envcheck.h), for any bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "envcheck.h"
#include "scan/crontab.h"
#include "scan/envfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct env_context ctx = { "/home/u", "u", "/bin/sh", NULL, NULL, NULL };
	const char *text = (const char *)data;
	struct env_list list;
	int rc, round;

	for (round = 0; round < 6; round++) {
		env_list_init(&list);
		switch (round) {
		case 0:
			rc = envfile_parse_systemd(text, size, &list);
			break;
		case 1:
			rc = envfile_parse_envd(text, size, &ctx, &list);
			break;
		case 2:
			rc = envfile_parse_pam_env(text, size, &list);
			break;
		case 3:
			rc = envfile_parse_pam_conf(text, size, &ctx, &list);
			break;
		case 4:
			rc = crontab_parse(text, size, true, &ctx, &list);
			break;
		default:
			rc = crontab_parse(text, size, false, NULL, &list);
			break;
		}
		env_fuzz_check(rc, &list, data, size);
		env_list_free(&list);
	}
	return 0;
}
