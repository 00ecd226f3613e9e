/*
 * proccache: a bounded cache of process records fed by the kernel's process
 * events connector (NETLINK_CONNECTOR, CN_IDX_PROC), so that the process that
 * wrote a file can be named after it has exited.
 *
 * Fork events give a record its parent and start time. At each exec event
 * the cache reads /proc/PID/exe, /proc/PID/cmdline, /proc/PID/stat and
 * /proc/PID/status, so the record describes the image that the process runs.
 * Exit events mark the record exited, and it stays retrievable for
 * PROCCACHE_EXIT_GRACE_MS. Beyond PROCCACHE_ENTRIES_MAX records the oldest
 * record is evicted and counted. Every message from the kernel and every byte
 * read from /proc is treated as hostile: lengths are checked before use and
 * the sender must be the kernel.
 *
 * Records are keyed by the thread-group id, which user space calls the
 * process id. Thread creation and thread exits are ignored. Pids are those
 * of the initial pid namespace, because the kernel reports them so.
 *
 * Opening needs CAP_NET_ADMIN in the initial user namespace; without it
 * proccache_open() returns -EPERM. Functions return 0 or a negative errno and
 * print nothing. The cache owns all its memory; proccache_close() releases
 * it. A struct proc_record filled by proccache_lookup() is a copy owned by
 * the caller.
 */
#ifndef SITEHOUND_WATCH_PROCCACHE_H
#define SITEHOUND_WATCH_PROCCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Records kept at one time. A desktop runs about 500 processes, and a build
 * host that forks 100 processes per second leaves about 6,000 exited records
 * within the grace period (an estimate). A record takes at most
 * PROCCACHE_EXE_MAX + PROCCACHE_CMDLINE_MAX bytes of text, so the cache
 * contains at most 64 MiB of text.
 */
#define PROCCACHE_ENTRIES_MAX 8192
/*
 * Time in ms that the record of an exited process stays in the cache. pip
 * exits within milliseconds of writing a file, and a file event can reach
 * the caller seconds later under load.
 */
#define PROCCACHE_EXIT_GRACE_MS 60000u
/* Maximum length in bytes of a kept executable path, matching Linux PATH_MAX. */
#define PROCCACHE_EXE_MAX 4096
/*
 * Maximum command-line bytes kept. Linux accepts arguments up to a quarter
 * of the stack limit (2 MiB by default), but 4 KiB keeps a python -c payload
 * long enough to recognise and the start of most other command lines.
 */
#define PROCCACHE_CMDLINE_MAX 4096
/* Size of a comm buffer: TASK_COMM_LEN (16) plus room for a NUL. */
#define PROCCACHE_COMM_MAX 17
/*
 * Socket receive buffer requested, in bytes. When it fills, the kernel drops
 * events and the next read fails with ENOBUFS. Each queued 76-byte event is
 * charged the size of its sk_buff, several hundred bytes, so 4 MiB has
 * room for several thousand events (an estimate).
 */
#define PROCCACHE_RCVBUF_BYTES (4u << 20)
/*
 * Minimum length in bytes of the code argument of python -c that counts as
 * a payload. A base64-encoded one-line reverse shell is longer than 100
 * bytes, and short inline scripts such as "import sys; print(sys.path)" are
 * not payloads (a judgement, not a measurement).
 */
#define PROCCACHE_PYTHON_CODE_MIN 100

/* Source of the fields of a record. */
enum proc_record_source {
	PROC_SOURCE_EVENTS, /* connector events, with /proc read at fork and exec */
	PROC_SOURCE_PROCFS, /* only /proc, read on a lookup that missed the cache */
};

/* A process as the cache last saw it. Times are CLOCK_MONOTONIC in ns. */
struct proc_record {
	pid_t pid;  /* thread-group id */
	pid_t ppid; /* parent at fork time, ignoring later reparenting, or 0 when unknown */
	bool ids_known;
	uid_t ruid, euid;
	gid_t rgid, egid;
	uint64_t start_ns; /* fork time, at 10 ms resolution when read from /proc, or 0 when unknown */
	uint64_t exec_ns;  /* time of the last exec seen, or 0 when none was seen */
	bool exited;
	uint64_t exit_ns;
	int wait_status; /* as from waitpid(): test with WIFEXITED() and WEXITSTATUS() */
	char comm[PROCCACHE_COMM_MAX];
	char exe[PROCCACHE_EXE_MAX]; /* "" when /proc/PID/exe could not be read */
	bool exe_truncated;
	uint8_t cmdline[PROCCACHE_CMDLINE_MAX]; /* arguments, each ended by a NUL */
	size_t cmdline_len;
	bool cmdline_truncated;
	enum proc_record_source source;
};

/* Tuning for proccache_open(). Zero fields take the defaults. */
struct proccache_options {
	uint32_t exit_grace_ms; /* default PROCCACHE_EXIT_GRACE_MS */
	size_t entries_max;     /* default and maximum PROCCACHE_ENTRIES_MAX */
	int receive_buffer_bytes; /* default PROCCACHE_RCVBUF_BYTES; tests shrink it to force overruns */
	/* Called from proccache_dispatch() after each exec is recorded, with the process's
	 * pid; may be NULL. It must not call back into the cache. */
	void (*on_exec)(pid_t pid, void *ctx);
	void *ctx;
};

/* Counters of events that the cache could not use, for loss records. */
struct proccache_stats {
	uint64_t events;    /* events applied to the cache */
	uint64_t overruns;  /* reads that failed with ENOBUFS: events were dropped */
	uint64_t malformed; /* messages rejected by proccache_parse() */
	uint64_t foreign;   /* messages from a sender other than the kernel */
	uint64_t evicted;   /* records evicted for room before their grace period ended */
};

/* The kind of program a child process of Python runs, from its executable and arguments. */
enum proc_child_kind {
	PROC_CHILD_OTHER,         /* none of the kinds below */
	PROC_CHILD_SHELL,         /* sh, bash, dash, zsh */
	PROC_CHILD_DOWNLOADER,    /* curl, wget */
	PROC_CHILD_JS_RUNTIME,    /* bun, node */
	PROC_CHILD_PYTHON_INLINE, /* python -c with at least PROCCACHE_PYTHON_CODE_MIN bytes */
};

/* A child that a process started soon after its own start. */
struct proc_early_child {
	pid_t pid;
	enum proc_child_kind kind;
	uint64_t delay_ns; /* from the parent's exec (or fork) to the child's fork */
};

/* One decoded connector event. */
enum proccache_event_type {
	PROCCACHE_EVENT_ACK,
	PROCCACHE_EVENT_FORK,
	PROCCACHE_EVENT_EXEC,
	PROCCACHE_EVENT_UID,
	PROCCACHE_EVENT_GID,
	PROCCACHE_EVENT_COMM,
	PROCCACHE_EVENT_EXIT,
	PROCCACHE_EVENT_IGNORED, /* a valid event of a type the cache does not use */
};

struct proccache_event {
	enum proccache_event_type type;
	uint64_t timestamp_ns;
	pid_t pid, tgid;               /* the child for fork events */
	pid_t parent_pid, parent_tgid; /* fork events only */
	uint32_t real_id, effective_id; /* uid or gid events */
	uint32_t exit_code;            /* the kernel's wait status, exit events only */
	uint32_t ack_error;            /* positive errno of a listen request, ack events only */
	uint32_t sequence, ack;        /* cn_msg sequence and acknowledgement numbers */
	char comm[PROCCACHE_COMM_MAX]; /* comm events only; NUL-terminated */
};

/* Events decoded from one datagram, which normally contains one. */
#define PROCCACHE_BATCH_MAX 16

struct proccache_batch {
	struct proccache_event events[PROCCACHE_BATCH_MAX];
	size_t count;
	size_t malformed; /* netlink or connector messages that failed a check */
};

struct proccache;

/*
 * Opens a connector socket, subscribes to process events and allocates the
 * cache in *out. options may be NULL. Returns -EPERM without CAP_NET_ADMIN,
 * -EINVAL for entries_max above PROCCACHE_ENTRIES_MAX, -ENOMEM, or another
 * socket error.
 */
__attribute__((warn_unused_result))
int proccache_open(struct proccache **out, const struct proccache_options *options);

/* Unsubscribes, closes the socket and frees the cache. Accepts NULL. */
void proccache_close(struct proccache *cache);

/* Returns the socket to poll for POLLIN; proccache_dispatch() reads it. */
int proccache_fd(const struct proccache *cache);

/*
 * Reads and applies every pending message without blocking, then drops
 * exited records older than the grace period. ENOBUFS is counted in the
 * stats and reading goes on. Returns the number of events applied, -ENOMEM,
 * or another receive error.
 */
__attribute__((warn_unused_result))
int proccache_dispatch(struct proccache *cache);

/*
 * Copies the record of pid into *out. A pid that is not cached is read from
 * /proc and added. Returns -ENOENT when the pid is neither cached nor alive,
 * -EINVAL for a pid below 1, or -ENOMEM.
 */
__attribute__((warn_unused_result))
int proccache_lookup(struct proccache *cache, pid_t pid, struct proc_record *out);

/*
 * Stores the ancestors of pid in out[0..*count), nearest first, ending at
 * pid 1, at an unknown parent, or after max entries. A loop in the recorded
 * parents ends the chain. Returns -ENOENT when pid itself is unknown.
 */
__attribute__((warn_unused_result))
int proccache_parent_chain(struct proccache *cache, pid_t pid, pid_t *out, size_t max,
                           size_t *count);

/*
 * Stores in out[0..*count) the recorded children of parent that were forked
 * within window_ms of the parent's last exec (or fork, when no exec was
 * seen), that executed a program themselves, and whose program is not
 * PROC_CHILD_OTHER. At most max are stored, and *count is the number that
 * matched in all. Returns -ENOENT when parent is unknown.
 */
__attribute__((warn_unused_result))
int proccache_early_children(struct proccache *cache, pid_t parent, uint32_t window_ms,
                             struct proc_early_child *out, size_t max, size_t *count);

/* Copies the loss and activity counters into *out. */
void proccache_stats(const struct proccache *cache, struct proccache_stats *out);

/*
 * Classifies a program from the basename of exe (exe[0..exe_len)) and its
 * arguments argv[0..argv_len), each ended by a NUL as in /proc/PID/cmdline.
 * exe may be only a comm when the executable path is unknown. Pure.
 */
enum proc_child_kind proccache_classify(const char *exe, size_t exe_len, const uint8_t *argv,
                                        size_t argv_len);

/* Returns whether the basename of exe names a CPython interpreter (python, python3.12). */
bool proccache_is_python(const char *exe, size_t exe_len);

/* Returns a static lowercase name for kind, such as "shell". */
const char *proc_child_kind_name(enum proc_child_kind kind);

/*
 * Decodes the netlink messages of one datagram buf[0..len) into batch.
 * Messages that fail a length or identity check are skipped and counted in
 * batch->malformed; at most PROCCACHE_BATCH_MAX events are kept. Returns 0,
 * or -EBADMSG when any message was skipped. Pure.
 */
__attribute__((warn_unused_result))
int proccache_parse(const uint8_t *buf, size_t len, struct proccache_batch *batch);

#endif
