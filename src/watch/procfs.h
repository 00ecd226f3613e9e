/*
 * procfs: reads one process from /proc/PID into a struct proc_record, for
 * the process cache. Every file is read through one descriptor of the
 * /proc/PID directory, so all fields come from the same process even if the
 * pid is reused meanwhile (reads then fail with ESRCH). Contents are capped
 * and parsed as hostile text: a process can put any bytes in its comm and
 * arguments.
 */
#ifndef SITEHOUND_WATCH_PROCFS_H
#define SITEHOUND_WATCH_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "watch/proccache.h"

/* Largest /proc/PID/stat and /proc/PID/status read. On Linux 6.18 status
 * is about 1.4 KiB and stat about 300 bytes. */
#define PROCFS_TEXT_MAX 8192

/*
 * Fills pid, ppid, comm, ids, start_ns (CLOCK_MONOTONIC, at the 10 ms
 * resolution of clock ticks), exe and cmdline of rec from /proc/PID; other
 * fields are left as they were. exe is
 * "" for a zombie or a kernel thread, and cmdline is empty for both.
 * Returns -ENOENT when the process is gone, -EINVAL for an unparsable stat
 * file, or another open error.
 */
__attribute__((warn_unused_result))
int procfs_read(pid_t pid, struct proc_record *rec);

/*
 * Parses the text of /proc/PID/stat, text[0..len): the comm between the
 * first '(' and the last ')', the parent pid and the start time in clock
 * ticks after boot. Returns 0 or -EINVAL.
 */
__attribute__((warn_unused_result))
int procfs_parse_stat(const char *text, size_t len, char *comm, size_t comm_size, pid_t *ppid,
                      uint64_t *start_ticks);

/*
 * Parses the real and effective ids of the "Uid:" or "Gid:" line (key) of
 * /proc/PID/status text[0..len). Returns 0, or -ENOENT when the line is
 * missing or malformed.
 */
__attribute__((warn_unused_result))
int procfs_parse_ids(const char *text, size_t len, const char *key, uint32_t *real,
                     uint32_t *effective);

#endif
