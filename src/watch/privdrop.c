#include "watch/privdrop.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The capabilities a running watcher still needs. */
static const int kept[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE };

static bool
is_kept(int cap)
{
	size_t i;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (kept[i] == cap)
			return true;
	}
	return false;
}

int
watch_drop_privileges(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	size_t i;
	int cap;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &header, data) < 0)
		return -errno;
	if (data[0].effective == 0 && data[1].effective == 0)
		return 1;
	/* The bounding set first: dropping from it needs CAP_SETPCAP, which goes next. */
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (!is_kept(cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	memset(data, 0, sizeof(data));
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		data[kept[i] / 32].effective |= 1u << (kept[i] % 32);
		data[kept[i] / 32].permitted |= 1u << (kept[i] % 32);
	}
	if (syscall(SYS_capset, &header, data) < 0)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}
