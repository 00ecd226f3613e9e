/*
 * Tests for watch/fswatch against the running kernel: a child process
 * creates, writes, moves in and deletes hooks in a temporary tree, and the
 * events must name each path, and for fanotify the child's pid. fanotify
 * needs root; without it those tests are skipped with a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
#include <sys/fanotify.h>

#include "watch/fswatch.h"

/* How long a test waits for an event before failing. */
#define WAIT_MS 3000

static char base[] = "/tmp/sitehound-fswatch-XXXXXX";
static char tree[512];    /* the watched directory */
static char outside[512]; /* a sibling directory, for moves into the tree */

static void
make_dirs(void)
{
	assert_non_null(mkdtemp(base));
	snprintf(tree, sizeof(tree), "%s/site-packages", base);
	snprintf(outside, sizeof(outside), "%s/staging", base);
	assert_int_equal(mkdir(tree, 0755), 0);
	assert_int_equal(mkdir(outside, 0755), 0);
}

static void
remove_dirs(void)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
	strcpy(base, "/tmp/sitehound-fswatch-XXXXXX");
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Runs fn in a child process and returns its pid after it exits. */
static pid_t
run_child(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return pid;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static const struct fsev *
find_event(const struct fsev_batch *b, enum fsev_kind kind, const char *path)
{
	size_t i;

	for (i = 0; i < b->count; i++) {
		if (b->items[i].kind == kind &&
		    ((!path && !b->items[i].path) ||
		     (path && b->items[i].path && strcmp(b->items[i].path, path) == 0)))
			return &b->items[i];
	}
	return NULL;
}

/* Reads events into b until one of kind for path arrives or WAIT_MS passes. */
static const struct fsev *
wait_event(struct fswatch *w, struct fsev_batch *b, enum fsev_kind kind, const char *path)
{
	long deadline = now_ms() + WAIT_MS;
	const struct fsev *ev;

	while ((ev = find_event(b, kind, path)) == NULL && now_ms() < deadline) {
		struct pollfd p = { fswatch_fd(w), POLLIN, 0 };

		if (poll(&p, 1, 100) > 0)
			assert_int_equal(fswatch_read(w, b), 0);
	}
	if (!ev)
		print_error("no '%s' event for %s\n", fsev_kind_name(kind), path ? path : "(none)");
	return ev;
}

static void
child_plants_hooks(void)
{
	char path[1024], from[1024], to[1024];

	snprintf(path, sizeof(path), "%s/evil.pth", tree);
	write_file(path, "import os\n");
	snprintf(from, sizeof(from), "%s/staged.pth", outside);
	write_file(from, "import sys\n");
	snprintf(to, sizeof(to), "%s/moved.pth", tree);
	if (rename(from, to) < 0)
		_exit(1);
	if (chmod(to, 0600) < 0 || unlink(path) < 0)
		_exit(1);
}

static void
child_makes_venv(void)
{
	char dir[1024], path[1024];

	snprintf(dir, sizeof(dir), "%s/newvenv", tree);
	if (mkdir(dir, 0755) < 0)
		_exit(1);
	snprintf(path, sizeof(path), "%s/newvenv/hook.pth", tree);
	write_file(path, "import os\n");
}

static void
expect_planting(struct fswatch *w, pid_t want_pid)
{
	struct fsev_batch b;
	char path[1024], moved[1024];
	const struct fsev *ev;

	fsev_batch_init(&b);
	snprintf(path, sizeof(path), "%s/evil.pth", tree);
	snprintf(moved, sizeof(moved), "%s/moved.pth", tree);
	ev = wait_event(w, &b, FSEV_CREATE, path);
	assert_non_null(ev);
	if (want_pid)
		assert_int_equal(ev->pid, want_pid);
	ev = wait_event(w, &b, FSEV_CLOSE_WRITE, path);
	assert_non_null(ev);
	if (want_pid)
		assert_int_equal(ev->pid, want_pid);
	assert_non_null(wait_event(w, &b, FSEV_MOVED_TO, moved));
	assert_non_null(wait_event(w, &b, FSEV_ATTRIB, moved));
	assert_non_null(wait_event(w, &b, FSEV_DELETE, path));
	fsev_batch_free(&b);
}

static void
test_fanotify_planting(void **state)
{
	struct fswatch w;
	pid_t child;
	int rc;

	(void)state;
	rc = fswatch_open(&w, FSWATCH_FANOTIFY);
	if (rc == -EPERM) {
		print_message("skipped: fanotify needs root\n");
		skip();
	}
	assert_int_equal(rc, 0);
	make_dirs();
	assert_int_equal(fswatch_add(&w, tree), 0);
	child = run_child(child_plants_hooks);
	expect_planting(&w, child);
	fswatch_close(&w);
	remove_dirs();
}

static void
test_inotify_planting(void **state)
{
	struct fswatch w;

	(void)state;
	assert_int_equal(fswatch_open(&w, FSWATCH_INOTIFY), 0);
	make_dirs();
	assert_int_equal(fswatch_add(&w, tree), 0);
	run_child(child_plants_hooks);
	expect_planting(&w, 0);
	fswatch_close(&w);
	remove_dirs();
}

/* A directory made after the watch started is covered: at once by fanotify, once read by inotify. */
static void
check_new_directory(enum fswatch_mode mode)
{
	struct fsev_batch b;
	struct fswatch w;
	char dir[1024], path[1024], later[1024];
	const struct fsev *ev;
	int rc;

	rc = fswatch_open(&w, mode);
	if (rc == -EPERM) {
		print_message("skipped: fanotify needs root\n");
		skip();
	}
	assert_int_equal(rc, 0);
	make_dirs();
	assert_int_equal(fswatch_add(&w, tree), 0);
	fsev_batch_init(&b);
	snprintf(dir, sizeof(dir), "%s/newvenv", tree);
	snprintf(path, sizeof(path), "%s/newvenv/hook.pth", tree);
	snprintf(later, sizeof(later), "%s/newvenv/later.pth", tree);
	run_child(child_makes_venv);
	ev = wait_event(&w, &b, FSEV_CREATE, dir);
	assert_non_null(ev);
	assert_true(ev->is_dir);
	if (mode == FSWATCH_FANOTIFY)
		assert_non_null(wait_event(&w, &b, FSEV_CREATE, path));
	/* inotify watches the new directory from now on. */
	write_file(later, "import os\n");
	assert_non_null(wait_event(&w, &b, FSEV_CLOSE_WRITE, later));
	fsev_batch_free(&b);
	fswatch_close(&w);
	remove_dirs();
}

static void
test_fanotify_new_directory(void **state)
{
	(void)state;
	check_new_directory(FSWATCH_FANOTIFY);
}

static void
test_inotify_new_directory(void **state)
{
	(void)state;
	check_new_directory(FSWATCH_INOTIFY);
}

/* Reading nothing while more files appear than the kernel queues gives an overflow event. */
static void
check_overflow(enum fswatch_mode mode)
{
	struct fsev_batch b;
	struct fswatch w;
	char path[1024];
	int i, rc, count = 20000;
	FILE *fp;

	rc = fswatch_open(&w, mode);
	if (rc == -EPERM) {
		print_message("skipped: fanotify needs root\n");
		skip();
	}
	assert_int_equal(rc, 0);
	fp = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
	if (mode == FSWATCH_INOTIFY && fp) {
		int queued = 0;

		if (fscanf(fp, "%d", &queued) == 1 && queued + 1000 > count)
			count = queued + 1000;
	}
	if (fp)
		fclose(fp);
	make_dirs();
	assert_int_equal(fswatch_add(&w, tree), 0);
	for (i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s/f%05d.pth", tree, i);
		write_file(path, "");
	}
	fsev_batch_init(&b);
	assert_non_null(wait_event(&w, &b, FSEV_OVERFLOW, NULL));
	fsev_batch_free(&b);
	fswatch_close(&w);
	remove_dirs();
}

static void
test_fanotify_overflow(void **state)
{
	(void)state;
	check_overflow(FSWATCH_FANOTIFY);
}

static void
test_inotify_overflow(void **state)
{
	(void)state;
	check_overflow(FSWATCH_INOTIFY);
}

/* Malformed fanotify buffers are rejected without reading past them. */
static void
test_parse_fanotify_rejects(void **state)
{
	unsigned char buf[256] = { 0 };
	struct fanotify_record r;
	size_t at;

	(void)state;
	at = 0;
	assert_int_equal(fswatch_parse_fanotify(buf, 0, &at, &r), 0);
	memset(buf, 0, sizeof(buf));
	at = 0;
	assert_int_equal(fswatch_parse_fanotify(buf, 10, &at, &r), -EINVAL);
	/* A record that claims more bytes than the buffer holds. */
	{
		struct fanotify_event_metadata m = { 0 };

		m.event_len = 200;
		m.vers = FANOTIFY_METADATA_VERSION;
		m.metadata_len = sizeof(m);
		memcpy(buf, &m, sizeof(m));
		at = 0;
		assert_int_equal(fswatch_parse_fanotify(buf, 100, &at, &r), -EINVAL);
		/* A whole record with no info records parses, with no handle. */
		m.event_len = sizeof(m);
		m.mask = FAN_Q_OVERFLOW;
		memcpy(buf, &m, sizeof(m));
		at = 0;
		assert_int_equal(fswatch_parse_fanotify(buf, sizeof(m), &at, &r), 1);
		assert_int_equal(at, sizeof(m));
		assert_null(r.handle);
		assert_int_equal(r.pidfd, -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fanotify_rejects),
		cmocka_unit_test(test_fanotify_planting),
		cmocka_unit_test(test_inotify_planting),
		cmocka_unit_test(test_fanotify_new_directory),
		cmocka_unit_test(test_inotify_new_directory),
		cmocka_unit_test(test_fanotify_overflow),
		cmocka_unit_test(test_inotify_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
