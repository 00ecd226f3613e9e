/*
 * Unit tests for proccache: the process cache fed by the kernel's process
 * events connector. The kernel tests open a real connector socket, start
 * real processes (a copy of /bin/sleep under a distinct name, /bin/sh and
 * /usr/bin/python3) and read the events that the kernel sends about them.
 * They need root and skip with a printed reason otherwise. The parser,
 * /proc text and classifier tests build their input in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "watch/proccache.h"
#include "watch/procfs.h"

#define TREE_TEMPLATE "/tmp/sitehound-proccache-XXXXXX"
#define SLEEPER_NAME "sitehound-test-sleeper"
#define PYTHON "/usr/bin/python3"
/* Cache size for the eviction test, far below the records it creates. */
#define CAPACITY_SMALL 32
/* Time in ms that a test waits for the events of its processes. */
#define EVENT_TIMEOUT_MS 5000

/* ---- helpers ---- */

/* A temporary directory with a copy of /bin/sleep, refilled by each setup. */
static char tree[sizeof(TREE_TEMPLATE)];
static char sleeper[sizeof(TREE_TEMPLATE) + sizeof(SLEEPER_NAME)];

static bool
skip_unless_root(void)
{
	if (geteuid() == 0)
		return false;
	printf("skipped: the process events connector needs root (CAP_NET_ADMIN)\n");
	return true;
}

static uint64_t
now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static uint64_t
now_ms(void)
{
	return now_ns() / 1000000u;
}

static int
sleeper_setup(void **state)
{
	char cmd[256];

	memcpy(tree, TREE_TEMPLATE, sizeof(TREE_TEMPLATE));
	if (!mkdtemp(tree))
		return -1;
	if (snprintf(sleeper, sizeof(sleeper), "%s/%s", tree, SLEEPER_NAME) >= (int)sizeof(sleeper))
		return -1;
	if (snprintf(cmd, sizeof(cmd), "cp /bin/sleep '%s'", sleeper) >= (int)sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

static int
sleeper_teardown(void **state)
{
	unlink(sleeper);
	rmdir(tree);
	return 0;
}

/* Dispatches until done(cache, arg) returns true or EVENT_TIMEOUT_MS pass. */
static bool
dispatch_until(struct proccache *cache, bool (*done)(struct proccache *, pid_t), pid_t arg)
{
	uint64_t deadline = now_ms() + EVENT_TIMEOUT_MS;

	while (now_ms() < deadline) {
		struct pollfd pfd = {.fd = proccache_fd(cache), .events = POLLIN};

		assert_true(poll(&pfd, 1, 50) >= 0);
		assert_true(proccache_dispatch(cache) >= 0);
		if (done(cache, arg))
			return true;
	}
	return false;
}

/* Returns whether the cache has seen pid exit. */
static bool
exit_seen(struct proccache *cache, pid_t pid)
{
	struct proc_record *rec = malloc(sizeof(*rec));
	bool seen;

	assert_non_null(rec);
	seen = proccache_lookup(cache, pid, rec) == 0 && rec->exited;
	free(rec);
	return seen;
}

/* Reaps pid if it has exited and returns whether it was reaped. */
static bool
reaped(struct proccache *cache, pid_t pid)
{
	int status;

	return waitpid(pid, &status, WNOHANG) == pid;
}

/* Starts the sleeper copy as argv0 with its argument seconds. */
static pid_t
spawn_sleeper(const char *argv0, const char *seconds)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl(sleeper, argv0, seconds, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Runs python3 with the code given and dispatches until it exits. */
static pid_t
run_python(struct proccache *cache, const char *code)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl(PYTHON, "python3", "-c", code, (char *)NULL);
		_exit(127);
	}
	assert_true(dispatch_until(cache, reaped, pid));
	assert_true(dispatch_until(cache, exit_seen, pid));
	return pid;
}

/* ---- classifier ---- */

/* 115 bytes of Python code, longer than PROCCACHE_PYTHON_CODE_MIN. */
#define LONG_CODE \
	"import base64;exec(base64.b64decode('aW1wb3J0IG9zO29zLnN5c3RlbSgiaWQiKQ==aW1wb3J0IG9zO29zLnN5c3RlbSgiaWQiKQ=='))#xx"

struct classify_case {
	const char *exe;
	const char *argv; /* arguments separated by '|', turned into NULs */
	enum proc_child_kind expected;
};

static const struct classify_case classify_cases[] = {
	{"/usr/bin/sh", "sh|-c|true", PROC_CHILD_SHELL},
	{"/usr/bin/dash", "sh|-c|true", PROC_CHILD_SHELL},
	{"/usr/bin/bash", "bash", PROC_CHILD_SHELL},
	{"/usr/bin/zsh", "zsh|-c|id", PROC_CHILD_SHELL},
	{"sh", "", PROC_CHILD_SHELL}, /* a comm when the executable is unknown */
	{"/usr/bin/curl", "curl|-fsSL|http://127.0.0.1/x", PROC_CHILD_DOWNLOADER},
	{"/usr/bin/curl (deleted)", "curl", PROC_CHILD_DOWNLOADER},
	{"/usr/bin/wget", "wget|-q|-O-|http://127.0.0.1/x", PROC_CHILD_DOWNLOADER},
	{"/home/u/.bun/bin/bun", "bun|run|x.ts", PROC_CHILD_JS_RUNTIME},
	{"/usr/bin/node", "node|-e|1", PROC_CHILD_JS_RUNTIME},
	{"/usr/bin/nodejs", "nodejs", PROC_CHILD_JS_RUNTIME},
	{"/usr/bin/python3.11", "python3|-c|" LONG_CODE, PROC_CHILD_PYTHON_INLINE},
	{"/usr/bin/python3", "python3|-Ic|" LONG_CODE, PROC_CHILD_PYTHON_INLINE},
	{"/usr/bin/python3", "python3|-c" LONG_CODE, PROC_CHILD_PYTHON_INLINE},
	{"/usr/bin/python3", "python3|-W|ignore|-X|dev|-c|" LONG_CODE, PROC_CHILD_PYTHON_INLINE},
	{"/usr/bin/python3", "python3|--check-hash-based-pycs|always|-c|" LONG_CODE,
	 PROC_CHILD_PYTHON_INLINE},
	{"/usr/bin/python", "python|-c|" LONG_CODE, PROC_CHILD_PYTHON_INLINE},
	/* look-alikes */
	{"/usr/bin/bashbug", "bashbug", PROC_CHILD_OTHER},
	{"/usr/bin/fish", "fish|-c|id", PROC_CHILD_OTHER},
	{"/opt/sh/tool", "tool", PROC_CHILD_OTHER},
	{"/usr/bin/curl-config", "curl-config", PROC_CHILD_OTHER},
	{"/usr/bin/python3", "python3|-c|import sys; print(sys.path)", PROC_CHILD_OTHER},
	{"/usr/bin/python3", "python3|-c", PROC_CHILD_OTHER},
	{"/usr/bin/python3", "python3|script.py|-c|" LONG_CODE, PROC_CHILD_OTHER},
	{"/usr/bin/python3", "python3|-m|pip|-c|" LONG_CODE, PROC_CHILD_OTHER},
	{"/usr/bin/python3", "python3|--|-c|" LONG_CODE, PROC_CHILD_OTHER},
	{"/usr/bin/python3", "python3|-|-c|" LONG_CODE, PROC_CHILD_OTHER},
	{"/usr/bin/python3-config", "python3-config|-c|" LONG_CODE, PROC_CHILD_OTHER},
	{"/usr/bin/perl", "perl|-e|" LONG_CODE, PROC_CHILD_OTHER},
};

static void
test_classify_table(void **state)
{
	for (size_t i = 0; i < sizeof(classify_cases) / sizeof(classify_cases[0]); i++) {
		const struct classify_case *c = &classify_cases[i];
		uint8_t argv[512];
		size_t len = strlen(c->argv);
		enum proc_child_kind kind;

		assert_true(len + 1 < sizeof(argv));
		memcpy(argv, c->argv, len + 1);
		for (size_t j = 0; j < len; j++) {
			if (argv[j] == '|')
				argv[j] = '\0';
		}
		kind = proccache_classify(c->exe, strlen(c->exe), argv, len ? len + 1 : 0);
		if (kind != c->expected)
			printf("case %zu: %s %s\n", i, c->exe, c->argv);
		assert_int_equal(kind, c->expected);
	}
}

static void
test_classify_truncated_code(void **state)
{
	/* A command line cut at the cap has no NUL after its last argument. */
	static const char argv[] = "python3\0-c\0" LONG_CODE;

	assert_true(sizeof(LONG_CODE) - 1 >= PROCCACHE_PYTHON_CODE_MIN);
	assert_int_equal(proccache_classify("/usr/bin/python3", 16, (const uint8_t *)argv,
	                                    sizeof(argv) - 1),
	                 PROC_CHILD_PYTHON_INLINE);
}

static void
test_is_python_names(void **state)
{
	assert_true(proccache_is_python("/usr/bin/python3.11", 19));
	assert_true(proccache_is_python("/usr/bin/python", 15));
	assert_true(proccache_is_python("python3", 7));
	assert_false(proccache_is_python("/usr/bin/python3-config", 23));
	assert_false(proccache_is_python("/usr/bin/pythonw", 16));
	assert_false(proccache_is_python("/opt/python3/bin/pip", 20));
}

/* ---- /proc text ---- */

static void
test_parse_stat_hostile_comm(void **state)
{
	static const char stat[] = "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 100 0 0 0 "
	                           "1 2 0 0 20 0 1 0 123456 1000 100\n";
	char comm[PROCCACHE_COMM_MAX];
	pid_t ppid = 0;
	uint64_t ticks = 0;

	assert_int_equal(procfs_parse_stat(stat, sizeof(stat) - 1, comm, sizeof(comm), &ppid, &ticks), 0);
	assert_string_equal(comm, "a) b (c)");
	assert_int_equal(ppid, 17);
	assert_int_equal(ticks, 123456);
}

static void
test_parse_stat_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"4242 a) S 17",                      /* no '(' */
		"4242 (a S 17",                      /* no ')' */
		"4242 (a) S 17 4242",                /* no start time */
		"4242 (a) S -17 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5", /* signed ppid */
		"4242 (a) S 99999999999 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5", /* ppid overflow */
	};
	char comm[PROCCACHE_COMM_MAX];
	pid_t ppid;
	uint64_t ticks;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(procfs_parse_stat(bad[i], strlen(bad[i]), comm, sizeof(comm), &ppid,
		                                   &ticks),
		                 -EINVAL);
}

static void
test_parse_ids_lines(void **state)
{
	static const char status[] = "Name:\tsleep\nUid:\t1000\t0\t0\t0\nGid:\t100\t101\t101\t101\n";
	uint32_t real = 0, effective = 0;

	assert_int_equal(procfs_parse_ids(status, sizeof(status) - 1, "Uid:", &real, &effective), 0);
	assert_int_equal(real, 1000);
	assert_int_equal(effective, 0);
	assert_int_equal(procfs_parse_ids(status, sizeof(status) - 1, "Gid:", &real, &effective), 0);
	assert_int_equal(real, 100);
	assert_int_equal(effective, 101);
	assert_int_equal(procfs_parse_ids("Uid:\t12\n", 8, "Uid:", &real, &effective), -ENOENT);
	assert_int_equal(procfs_parse_ids("Uid:\tx\t1\n", 9, "Uid:", &real, &effective), -ENOENT);
	assert_int_equal(procfs_parse_ids("Name:\tx\n", 8, "Gid:", &real, &effective), -ENOENT);
}

/* ---- connector messages ---- */

/*
 * Writes one message with an event of type what, cut to event_len bytes.
 * The kernel packs the event right after the 20-byte cn_msg, without the
 * padding that a struct of both would get before the 8-aligned event.
 */
static size_t
build_message(uint8_t *buf, uint32_t what, uint16_t event_len)
{
	struct nlmsghdr nlh = {.nlmsg_type = NLMSG_DONE};
	struct cn_msg cn = {.id = {.idx = CN_IDX_PROC, .val = CN_VAL_PROC},
	                    .seq = 5,
	                    .ack = 9,
	                    .len = event_len};
	struct proc_event event;

	nlh.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + sizeof(cn) + event_len);
	memset(&event, 0, sizeof(event));
	event.what = what;
	event.timestamp_ns = 777;
	if (what == PROC_EVENT_FORK) {
		event.event_data.fork.parent_pid = 10;
		event.event_data.fork.parent_tgid = 10;
		event.event_data.fork.child_pid = 11;
		event.event_data.fork.child_tgid = 11;
	} else if (what == PROC_EVENT_EXIT) {
		event.event_data.exit.process_pid = 11;
		event.event_data.exit.process_tgid = 11;
		event.event_data.exit.exit_code = 3 << 8;
	} else if (what == PROC_EVENT_COMM) {
		event.event_data.comm.process_pid = 11;
		event.event_data.comm.process_tgid = 11;
		memset(event.event_data.comm.comm, 'x', sizeof(event.event_data.comm.comm));
	}
	memcpy(buf, &nlh, NLMSG_HDRLEN);
	memcpy(buf + NLMSG_HDRLEN, &cn, sizeof(cn));
	memcpy(buf + NLMSG_HDRLEN + sizeof(cn), &event, event_len);
	return nlh.nlmsg_len;
}

static void
test_parse_fork_and_exit(void **state)
{
	uint8_t buf[512];
	struct proccache_batch batch;
	size_t len = build_message(buf, PROC_EVENT_FORK, sizeof(struct proc_event));

	len = NLMSG_ALIGN(len);
	len += build_message(buf + len, PROC_EVENT_EXIT, sizeof(struct proc_event));
	assert_int_equal(proccache_parse(buf, len, &batch), 0);
	assert_int_equal(batch.count, 2);
	assert_int_equal(batch.events[0].type, PROCCACHE_EVENT_FORK);
	assert_int_equal(batch.events[0].parent_tgid, 10);
	assert_int_equal(batch.events[0].tgid, 11);
	assert_int_equal(batch.events[0].timestamp_ns, 777);
	assert_int_equal(batch.events[0].sequence, 5);
	assert_int_equal(batch.events[0].ack, 9);
	assert_int_equal(batch.events[1].type, PROCCACHE_EVENT_EXIT);
	assert_int_equal(batch.events[1].tgid, 11);
	assert_int_equal(batch.events[1].exit_code, 3 << 8);
}

static void
test_parse_comm_terminated(void **state)
{
	uint8_t buf[256];
	struct proccache_batch batch;
	size_t len = build_message(buf, PROC_EVENT_COMM, sizeof(struct proc_event));

	assert_int_equal(proccache_parse(buf, len, &batch), 0);
	assert_int_equal(batch.count, 1);
	assert_int_equal(strlen(batch.events[0].comm), 16);
}

static void
test_parse_short_event_rejected(void **state)
{
	uint8_t buf[256];
	struct proccache_batch batch;
	/* A fork event cut before child_tgid. */
	uint16_t cut = (uint16_t)offsetof(struct proc_event, event_data.fork.child_tgid);
	size_t len = build_message(buf, PROC_EVENT_FORK, cut);

	assert_int_equal(proccache_parse(buf, len, &batch), -EBADMSG);
	assert_int_equal(batch.count, 0);
	assert_int_equal(batch.malformed, 1);
}

static void
test_parse_framing_errors(void **state)
{
	uint8_t buf[256];
	struct proccache_batch batch;
	struct nlmsghdr nlh;
	struct cn_msg cn;
	size_t len = build_message(buf, PROC_EVENT_EXIT, sizeof(struct proc_event));

	/* nlmsg_len past the datagram */
	assert_int_equal(proccache_parse(buf, len - 1, &batch), -EBADMSG);
	assert_int_equal(batch.count, 0);

	/* cn_msg.len past the netlink message */
	memcpy(&cn, buf + NLMSG_HDRLEN, sizeof(cn));
	cn.len = (uint16_t)(cn.len + 1);
	memcpy(buf + NLMSG_HDRLEN, &cn, sizeof(cn));
	assert_int_equal(proccache_parse(buf, len, &batch), -EBADMSG);
	assert_int_equal(batch.count, 0);

	/* another connector */
	len = build_message(buf, PROC_EVENT_EXIT, sizeof(struct proc_event));
	memcpy(&cn, buf + NLMSG_HDRLEN, sizeof(cn));
	cn.id.idx = CN_IDX_PROC + 1;
	memcpy(buf + NLMSG_HDRLEN, &cn, sizeof(cn));
	assert_int_equal(proccache_parse(buf, len, &batch), -EBADMSG);
	assert_int_equal(batch.count, 0);

	/* another netlink message type */
	len = build_message(buf, PROC_EVENT_EXIT, sizeof(struct proc_event));
	memcpy(&nlh, buf, sizeof(nlh));
	nlh.nlmsg_type = NLMSG_ERROR;
	memcpy(buf, &nlh, sizeof(nlh));
	assert_int_equal(proccache_parse(buf, len, &batch), -EBADMSG);
	assert_int_equal(batch.count, 0);

	/* a header shorter than struct nlmsghdr */
	assert_int_equal(proccache_parse(buf, 7, &batch), -EBADMSG);
	assert_int_equal(proccache_parse(buf, 0, &batch), 0);
	assert_int_equal(batch.count, 0);
}

/* ---- against the kernel ---- */

static void
test_exec_record_after_exit(void **state)
{
	struct proccache *cache;
	struct proc_record *rec = malloc(sizeof(*rec));
	static const char argv[] = "sleeper-argv0\0" "0.2";
	struct stat st;
	char proc_path[32];
	pid_t pid;

	assert_non_null(rec);
	if (skip_unless_root()) {
		free(rec);
		skip();
	}
	assert_int_equal(proccache_open(&cache, NULL), 0);

	pid = spawn_sleeper("sleeper-argv0", "0.2");
	assert_true(dispatch_until(cache, reaped, pid));
	assert_true(dispatch_until(cache, exit_seen, pid));

	/* The process is reaped, so the record can only come from the cache. */
	snprintf(proc_path, sizeof(proc_path), "/proc/%d", (int)pid);
	assert_int_equal(stat(proc_path, &st), -1);
	assert_int_equal(proccache_lookup(cache, pid, rec), 0);
	assert_int_equal(rec->pid, pid);
	assert_int_equal(rec->ppid, getpid());
	assert_string_equal(rec->exe, sleeper);
	assert_false(rec->exe_truncated);
	assert_int_equal(rec->cmdline_len, sizeof(argv));
	assert_memory_equal(rec->cmdline, argv, sizeof(argv));
	assert_string_equal(rec->comm, "sitehound-test-"); /* the first 15 bytes of the name */
	assert_true(rec->ids_known);
	assert_int_equal(rec->euid, geteuid());
	assert_int_equal(rec->source, PROC_SOURCE_EVENTS);

	assert_true(rec->exited);
	assert_true(WIFEXITED(rec->wait_status));
	assert_int_equal(WEXITSTATUS(rec->wait_status), 0);
	assert_true(rec->start_ns > 0);
	assert_true(rec->exec_ns >= rec->start_ns);
	/* sleep 0.2 ran between exec and exit */
	assert_true(rec->exit_ns - rec->exec_ns >= 150000000u);
	/* Event times are on CLOCK_MONOTONIC: the exit was under a few seconds ago. */
	assert_true(rec->exit_ns <= now_ns());
	assert_true(now_ns() - rec->exit_ns < (uint64_t)EVENT_TIMEOUT_MS * 1000000u);

	proccache_close(cache);
	free(rec);
}

static void
test_exit_status_nonzero(void **state)
{
	struct proccache *cache;
	struct proc_record *rec = malloc(sizeof(*rec));
	pid_t pid;

	assert_non_null(rec);
	if (skip_unless_root()) {
		free(rec);
		skip();
	}
	assert_int_equal(proccache_open(&cache, NULL), 0);

	/* sleep rejects the argument "x" with status 1. */
	pid = spawn_sleeper("sleeper", "x");
	assert_true(dispatch_until(cache, reaped, pid));
	assert_true(dispatch_until(cache, exit_seen, pid));
	assert_int_equal(proccache_lookup(cache, pid, rec), 0);
	assert_true(WIFEXITED(rec->wait_status));
	assert_int_equal(WEXITSTATUS(rec->wait_status), 1);

	proccache_close(cache);
	free(rec);
}

static void
test_id_change_recorded(void **state)
{
	struct proccache *cache;
	struct proc_record *rec = malloc(sizeof(*rec));
	pid_t pid;

	assert_non_null(rec);
	if (skip_unless_root()) {
		free(rec);
		skip();
	}
	assert_int_equal(proccache_open(&cache, NULL), 0);

	/* Without an exec after the change, only uid and gid events report it. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
			_exit(2);
		usleep(100 * 1000);
		_exit(0);
	}
	assert_true(dispatch_until(cache, reaped, pid));
	assert_true(dispatch_until(cache, exit_seen, pid));
	assert_int_equal(proccache_lookup(cache, pid, rec), 0);
	assert_int_equal(WEXITSTATUS(rec->wait_status), 0);
	assert_int_equal(rec->exec_ns, 0);
	assert_true(rec->ids_known);
	assert_int_equal(rec->ruid, 65534);
	assert_int_equal(rec->euid, 65534);
	assert_int_equal(rec->rgid, 65534);
	assert_int_equal(rec->egid, 65534);

	proccache_close(cache);
	free(rec);
}

static void
test_exited_gone_after_grace(void **state)
{
	/* Long enough that a loaded machine still looks the record up in time. */
	struct proccache_options options = {.exit_grace_ms = 1000};
	struct proccache *cache;
	struct proc_record *rec = malloc(sizeof(*rec));
	pid_t pid;

	assert_non_null(rec);
	if (skip_unless_root()) {
		free(rec);
		skip();
	}
	assert_int_equal(proccache_open(&cache, &options), 0);

	pid = spawn_sleeper("sleeper", "0.05");
	assert_true(dispatch_until(cache, reaped, pid));
	assert_true(dispatch_until(cache, exit_seen, pid));
	assert_int_equal(proccache_lookup(cache, pid, rec), 0);

	usleep(1200 * 1000);
	assert_int_equal(proccache_lookup(cache, pid, rec), -ENOENT);

	proccache_close(cache);
	free(rec);
}

static void
test_live_lookup_from_proc(void **state)
{
	struct proccache *cache;
	struct proc_record *rec = malloc(sizeof(*rec));

	assert_non_null(rec);
	if (skip_unless_root()) {
		free(rec);
		skip();
	}
	assert_int_equal(proccache_open(&cache, NULL), 0);

	/* This test process started before the cache, so the lookup is served from /proc. */
	assert_int_equal(proccache_lookup(cache, getpid(), rec), 0);
	assert_int_equal(rec->source, PROC_SOURCE_PROCFS);
	assert_int_equal(rec->ppid, getppid());
	assert_non_null(strstr(rec->exe, "test_proccache"));
	assert_false(rec->exited);
	assert_int_equal(proccache_lookup(cache, 0, rec), -EINVAL);

	proccache_close(cache);
	free(rec);
}

static void
test_parent_chain_after_exit(void **state)
{
	struct proccache *cache;
	int fds[2];
	pid_t middle, leaf = 0, chain[8];
	size_t count;

	if (skip_unless_root())
		skip();
	assert_int_equal(proccache_open(&cache, NULL), 0);
	assert_int_equal(pipe(fds), 0);

	/* middle forks leaf, sends leaf's pid, waits for it and exits */
	middle = fork();
	assert_true(middle >= 0);
	if (middle == 0) {
		pid_t child = fork();

		if (child == 0) {
			execl(sleeper, "sleeper", "0.1", (char *)NULL);
			_exit(127);
		}
		if (write(fds[1], &child, sizeof(child)) != sizeof(child))
			_exit(1);
		waitpid(child, NULL, 0);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &leaf, sizeof(leaf)), sizeof(leaf));
	close(fds[0]);
	assert_true(dispatch_until(cache, reaped, middle));
	assert_true(dispatch_until(cache, exit_seen, leaf));
	assert_true(dispatch_until(cache, exit_seen, middle));

	assert_int_equal(proccache_parent_chain(cache, leaf, chain, 8, &count), 0);
	assert_true(count >= 3);
	assert_int_equal(chain[0], middle);
	assert_int_equal(chain[1], getpid());
	assert_int_equal(chain[2], getppid());

	assert_int_equal(proccache_parent_chain(cache, leaf, chain, 1, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(chain[0], middle);

	proccache_close(cache);
}

static void
test_python_early_shell_found(void **state)
{
	/* The children stay unreaped until Python exits, which keeps them for
	 * /proc as zombies if the exec event is read late. */
	static const char code[] =
		"import subprocess, time\n"
		"a = subprocess.Popen(['sh', '-c', 'true'])\n"
		"b = subprocess.Popen(['/bin/true'])\n"
		"c = subprocess.Popen(['" PYTHON "', '-c', \"import time; time.sleep(0.3)  # " LONG_CODE "\"])\n"
		"time.sleep(0.5)\n";
	struct proccache *cache;
	struct proc_early_child children[8];
	size_t count;
	bool shell = false, inline_code = false;
	pid_t python;

	if (skip_unless_root())
		skip();
	if (access(PYTHON, X_OK) != 0) {
		printf("skipped: %s is not installed\n", PYTHON);
		skip();
	}
	assert_int_equal(proccache_open(&cache, NULL), 0);

	python = run_python(cache, code);
	assert_int_equal(proccache_early_children(cache, python, 2000, children, 8, &count), 0);
	assert_int_equal(count, 2); /* /bin/true is not listed */
	for (size_t i = 0; i < count; i++) {
		assert_true(children[i].delay_ns < 2000000000u);
		if (children[i].kind == PROC_CHILD_SHELL)
			shell = true;
		if (children[i].kind == PROC_CHILD_PYTHON_INLINE)
			inline_code = true;
	}
	assert_true(shell);
	assert_true(inline_code);

	proccache_close(cache);
}

static void
test_python_late_shell_ignored(void **state)
{
	static const char code[] = "import subprocess, time\n"
	                           "time.sleep(0.4)\n"
	                           "a = subprocess.Popen(['sh', '-c', 'true'])\n"
	                           "time.sleep(0.2)\n";
	struct proccache *cache;
	struct proc_early_child children[4];
	size_t count;
	pid_t python;

	if (skip_unless_root())
		skip();
	if (access(PYTHON, X_OK) != 0) {
		printf("skipped: %s is not installed\n", PYTHON);
		skip();
	}
	assert_int_equal(proccache_open(&cache, NULL), 0);

	python = run_python(cache, code);
	assert_int_equal(proccache_early_children(cache, python, 200, children, 4, &count), 0);
	assert_int_equal(count, 0);
	/* The same child within a wider window shows that it was recorded. */
	assert_int_equal(proccache_early_children(cache, python, 5000, children, 4, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(children[0].kind, PROC_CHILD_SHELL);
	assert_true(children[0].delay_ns >= 300000000u);

	proccache_close(cache);
}

static void
test_capacity_evicts_oldest(void **state)
{
	struct proccache_options options = {.entries_max = CAPACITY_SMALL};
	struct proccache *cache;
	struct proccache_stats stats;
	struct proc_record *rec = malloc(sizeof(*rec));
	pid_t first = 0;

	assert_non_null(rec);
	if (skip_unless_root()) {
		free(rec);
		skip();
	}
	assert_int_equal(proccache_open(&cache, &options), 0);

	/* Other processes on the machine add records too, so only lower
	 * bounds are certain. */
	for (size_t i = 0; i < 2 * CAPACITY_SMALL; i++) {
		pid_t pid = spawn_sleeper("sleeper", "0");

		if (i == 0)
			first = pid;
		assert_true(dispatch_until(cache, reaped, pid));
	}
	assert_true(proccache_dispatch(cache) >= 0);
	proccache_stats(cache, &stats);
	assert_true(stats.evicted >= CAPACITY_SMALL);
	assert_int_equal(proccache_lookup(cache, first, rec), -ENOENT);

	proccache_close(cache);
	free(rec);
}

static bool
overrun_seen(struct proccache *cache, pid_t unused)
{
	struct proccache_stats stats;

	proccache_stats(cache, &stats);
	return stats.overruns > 0;
}

static void
test_overrun_counted(void **state)
{
	struct proccache_options options = {.receive_buffer_bytes = 4096};
	struct proccache *cache;
	struct proccache_stats stats;

	if (skip_unless_root())
		skip();
	assert_int_equal(proccache_open(&cache, &options), 0);
	proccache_stats(cache, &stats);
	assert_int_equal(stats.overruns, 0);

	/* Without reading, 200 processes produce far more than 4 KiB of events. */
	for (int i = 0; i < 200; i++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	assert_true(dispatch_until(cache, overrun_seen, 0));

	proccache_close(cache);
}

static void
test_open_without_root_rejected(void **state)
{
	pid_t pid;
	int status;

	if (skip_unless_root())
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct proccache *cache;
		int rc;

		if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
			_exit(2);
		rc = proccache_open(&cache, NULL);
		_exit(rc == -EPERM ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_table),
		cmocka_unit_test(test_classify_truncated_code),
		cmocka_unit_test(test_is_python_names),
		cmocka_unit_test(test_parse_stat_hostile_comm),
		cmocka_unit_test(test_parse_stat_malformed),
		cmocka_unit_test(test_parse_ids_lines),
		cmocka_unit_test(test_parse_fork_and_exit),
		cmocka_unit_test(test_parse_comm_terminated),
		cmocka_unit_test(test_parse_short_event_rejected),
		cmocka_unit_test(test_parse_framing_errors),
		cmocka_unit_test_setup_teardown(test_exec_record_after_exit, sleeper_setup,
		                                sleeper_teardown),
		cmocka_unit_test_setup_teardown(test_exit_status_nonzero, sleeper_setup,
		                                sleeper_teardown),
		cmocka_unit_test(test_id_change_recorded),
		cmocka_unit_test_setup_teardown(test_exited_gone_after_grace, sleeper_setup,
		                                sleeper_teardown),
		cmocka_unit_test(test_live_lookup_from_proc),
		cmocka_unit_test_setup_teardown(test_parent_chain_after_exit, sleeper_setup,
		                                sleeper_teardown),
		cmocka_unit_test(test_python_early_shell_found),
		cmocka_unit_test(test_python_late_shell_ignored),
		cmocka_unit_test_setup_teardown(test_capacity_evicts_oldest, sleeper_setup,
		                                sleeper_teardown),
		cmocka_unit_test(test_overrun_counted),
		cmocka_unit_test(test_open_without_root_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
