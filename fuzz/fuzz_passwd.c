/* libFuzzer target: the passwd reader behind account discovery. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "scan/accounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct accounts list = { NULL, 0 };
	size_t i;

	if (accounts_parse_passwd((const char *)data, size, "fuzz", NULL, &list) == 0) {
		for (i = 0; i < list.count; i++) {
			if (list.items[i].home[0] != '/')
				abort();
		}
	}
	accounts_free(&list);
	return 0;
}
