/*
 * procfs: see procfs.h. Field positions follow proc(5): in /proc/PID/stat
 * the parent pid is field 4 and the start time field 22, counted from 1,
 * and the comm in field 2 may itself contain spaces and parentheses.
 */
#include "watch/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Fields after the comm, counted from the state field (field 3). */
#define STAT_PPID_INDEX 1      /* field 4 */
#define STAT_STARTTIME_INDEX 19 /* field 22 */

/* Parses the decimal text[0..len) into *out, rejecting signs, overflow and
 * values above max. */
static bool
parse_decimal(const char *text, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t value = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned digit;

		if (text[i] < '0' || text[i] > '9')
			return false;
		digit = (unsigned)(text[i] - '0');
		if (value > (max - digit) / 10)
			return false;
		value = value * 10 + digit;
	}
	*out = value;
	return true;
}

int
procfs_parse_stat(const char *text, size_t len, char *comm, size_t comm_size, pid_t *ppid,
                  uint64_t *start_ticks)
{
	const char *open = memchr(text, '(', len);
	const char *close = NULL;
	size_t pos, index = 0, comm_len;
	uint64_t value;
	bool have_ppid = false, have_start = false;

	for (size_t i = len; i > 0; i--) {
		if (text[i - 1] == ')') {
			close = text + i - 1;
			break;
		}
	}
	if (!open || !close || close < open || comm_size == 0)
		return -EINVAL;

	comm_len = (size_t)(close - open - 1);
	if (comm_len >= comm_size)
		comm_len = comm_size - 1;
	memcpy(comm, open + 1, comm_len);
	comm[comm_len] = '\0';

	pos = (size_t)(close - text) + 1;
	while (pos < len && !(have_ppid && have_start)) {
		size_t start;

		while (pos < len && text[pos] == ' ')
			pos++;
		start = pos;
		while (pos < len && text[pos] != ' ' && text[pos] != '\n')
			pos++;
		if (pos == start)
			break;

		if (index == STAT_PPID_INDEX) {
			if (!parse_decimal(text + start, pos - start, INT32_MAX, &value))
				return -EINVAL;
			*ppid = (pid_t)value;
			have_ppid = true;
		} else if (index == STAT_STARTTIME_INDEX) {
			if (!parse_decimal(text + start, pos - start, UINT64_MAX, &value))
				return -EINVAL;
			*start_ticks = value;
			have_start = true;
		}
		index++;
	}
	return have_ppid && have_start ? 0 : -EINVAL;
}

/* Parses the next tab-separated decimal id at text[*pos..len). */
static bool
next_id(const char *text, size_t len, size_t *pos, uint32_t *out)
{
	size_t start;
	uint64_t value;

	while (*pos < len && (text[*pos] == '\t' || text[*pos] == ' '))
		(*pos)++;
	start = *pos;
	while (*pos < len && text[*pos] >= '0' && text[*pos] <= '9')
		(*pos)++;
	if (!parse_decimal(text + start, *pos - start, UINT32_MAX, &value))
		return false;
	*out = (uint32_t)value;
	return true;
}

int
procfs_parse_ids(const char *text, size_t len, const char *key, uint32_t *real,
                 uint32_t *effective)
{
	size_t key_len = strlen(key);
	size_t line = 0;

	while (line < len) {
		const char *end = memchr(text + line, '\n', len - line);
		size_t line_end = end ? (size_t)(end - text) : len;

		if (line_end - line > key_len && memcmp(text + line, key, key_len) == 0) {
			size_t pos = line + key_len;

			if (!next_id(text, line_end, &pos, real) ||
			    !next_id(text, line_end, &pos, effective))
				return -ENOENT;
			return 0;
		}
		line = line_end + 1;
	}
	return -ENOENT;
}

/*
 * Reads the file name in dir into buf[0..cap), setting *truncated when the
 * file has more. Returns the bytes read or a negative errno.
 */
static ssize_t
read_capped(int dir, const char *name, void *buf, size_t cap, bool *truncated)
{
	char probe;
	size_t len = 0;
	ssize_t n;
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	*truncated = false;
	while (len < cap) {
		n = read(fd, (char *)buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == cap) {
		do
			n = read(fd, &probe, 1);
		while (n < 0 && errno == EINTR);
		*truncated = n > 0;
	}
	close(fd);
	return (ssize_t)len;
}

/*
 * Converts a start time in clock ticks after boot to CLOCK_MONOTONIC ns.
 * Linux 5.5 and later count the start time on the boot-time clock, which
 * also runs during suspend, so the offset between the two clocks is removed.
 */
static uint64_t
ticks_to_monotonic_ns(uint64_t ticks)
{
	struct timespec boot, mono;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t ns, offset;

	if (hz <= 0 || ticks > UINT64_MAX / 1000000000u)
		return 0;
	ns = ticks * (1000000000u / (uint64_t)hz);
	if (clock_gettime(CLOCK_BOOTTIME, &boot) != 0 || clock_gettime(CLOCK_MONOTONIC, &mono) != 0)
		return ns;
	offset = ((uint64_t)boot.tv_sec * 1000000000u + (uint64_t)boot.tv_nsec) -
	         ((uint64_t)mono.tv_sec * 1000000000u + (uint64_t)mono.tv_nsec);
	return ns > offset ? ns - offset : 0;
}

static int
read_stat(int dir, struct proc_record *rec)
{
	char text[PROCFS_TEXT_MAX];
	bool truncated;
	uint64_t ticks = 0;
	ssize_t n = read_capped(dir, "stat", text, sizeof(text), &truncated);

	if (n < 0)
		return (int)n;
	if (truncated)
		return -EINVAL;
	if (procfs_parse_stat(text, (size_t)n, rec->comm, sizeof(rec->comm), &rec->ppid, &ticks) < 0)
		return -EINVAL;
	rec->start_ns = ticks_to_monotonic_ns(ticks);
	return 0;
}

static void
read_ids(int dir, struct proc_record *rec)
{
	char text[PROCFS_TEXT_MAX];
	bool truncated;
	uint32_t ruid, euid, rgid, egid;
	ssize_t n = read_capped(dir, "status", text, sizeof(text), &truncated);

	rec->ids_known = false;
	if (n < 0)
		return;
	if (procfs_parse_ids(text, (size_t)n, "Uid:", &ruid, &euid) < 0 ||
	    procfs_parse_ids(text, (size_t)n, "Gid:", &rgid, &egid) < 0)
		return;
	rec->ruid = ruid;
	rec->euid = euid;
	rec->rgid = rgid;
	rec->egid = egid;
	rec->ids_known = true;
}

/* A deleted executable reads as "/path (deleted)"; the suffix is kept,
 * because a deleted writer is worth showing as such. */
static void
read_exe(int dir, struct proc_record *rec)
{
	ssize_t n = readlinkat(dir, "exe", rec->exe, sizeof(rec->exe) - 1);

	rec->exe_truncated = false;
	if (n < 0) {
		rec->exe[0] = '\0';
		return;
	}
	rec->exe[n] = '\0';
	rec->exe_truncated = (size_t)n == sizeof(rec->exe) - 1;
}

static void
read_cmdline(int dir, struct proc_record *rec)
{
	bool truncated = false;
	ssize_t n = read_capped(dir, "cmdline", rec->cmdline, sizeof(rec->cmdline), &truncated);

	rec->cmdline_len = n > 0 ? (size_t)n : 0;
	rec->cmdline_truncated = n > 0 && truncated;
}

int
procfs_read(pid_t pid, struct proc_record *rec)
{
	char path[32];
	int dir, rc;

	if (pid <= 0)
		return -EINVAL;
	if (snprintf(path, sizeof(path), "/proc/%d", (int)pid) >= (int)sizeof(path))
		return -EINVAL;
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir < 0)
		return -errno;

	rc = read_stat(dir, rec);
	if (rc < 0) {
		close(dir);
		return rc == -ESRCH ? -ENOENT : rc;
	}
	rec->pid = pid;
	read_ids(dir, rec);
	read_exe(dir, rec);
	read_cmdline(dir, rec);
	close(dir);
	return 0;
}
