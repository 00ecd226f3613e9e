/*
 * libFuzzer target for the process cache's parsers of hostile input.
 * proccache_parse() must keep at most PROCCACHE_BATCH_MAX events of known
 * types with NUL-terminated comms, and return -EBADMSG exactly when it
 * counted a malformed message. The same bytes go to the /proc/PID/stat and
 * /proc/PID/status parsers, whose comm must stay NUL-terminated within its
 * buffer, and to the classifier as an executable path and a command line.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watch/proccache.h"
#include "watch/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_batch(const struct proccache_batch *batch, int rc)
{
	if (batch->count > PROCCACHE_BATCH_MAX)
		abort();
	if ((rc == -EBADMSG) != (batch->malformed > 0) || (rc != 0 && rc != -EBADMSG))
		abort();
	for (size_t i = 0; i < batch->count; i++) {
		const struct proccache_event *ev = &batch->events[i];

		if (ev->type > PROCCACHE_EVENT_IGNORED)
			abort();
		if (strnlen(ev->comm, sizeof(ev->comm)) == sizeof(ev->comm))
			abort();
	}
}

static void
check_proc_text(const uint8_t *data, size_t size)
{
	char comm[PROCCACHE_COMM_MAX];
	pid_t ppid = -1;
	uint64_t ticks;
	uint32_t real, effective;

	memset(comm, 'x', sizeof(comm));
	if (procfs_parse_stat((const char *)data, size, comm, sizeof(comm), &ppid, &ticks) == 0) {
		if (strnlen(comm, sizeof(comm)) == sizeof(comm) || ppid < 0)
			abort();
	}
	(void)procfs_parse_ids((const char *)data, size, "Uid:", &real, &effective);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proccache_batch *batch = malloc(sizeof(*batch));
	enum proc_child_kind kind;
	size_t split = size ? data[0] % (size + 1) : 0;

	if (!batch)
		return 0;
	check_batch(batch, proccache_parse(data, size, batch));
	free(batch);

	check_proc_text(data, size);

	kind = proccache_classify((const char *)data, split, data + split, size - split);
	if (kind > PROC_CHILD_PYTHON_INLINE)
		abort();
	return 0;
}
