/* fsroot against real trees built in a temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scan/fsroot.h"

static char tree[] = "/tmp/sitehound-fsroot-XXXXXX";

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	assert_true(snprintf(path, sizeof(path), "%s/%s", tree, rel) < (int)sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
link_at(const char *target, const char *rel)
{
	char path[512];

	assert_true(snprintf(path, sizeof(path), "%s/%s", tree, rel) < (int)sizeof(path));
	assert_int_equal(symlink(target, path), 0);
}

static int
setup(void **state)
{
	char path[512];

	(void)state;
	if (!mkdtemp(tree))
		return -1;
	snprintf(path, sizeof(path), "%s/etc", tree);
	mkdir(path, 0755);
	put("etc/passwd", "inside:x:0:0::/root:/bin/sh\n");
	put("big", "0123456789");
	link_at("/etc/passwd", "abs");
	link_at("../../../../../../etc/passwd", "dotdot");
	link_at("/", "top");
	link_at("self", "self");
	snprintf(path, sizeof(path), "%s/fifo", tree);
	mkfifo(path, 0644);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	return system(cmd) == 0 ? 0 : -1;
}

static void
read_inside(struct fsroot *root, const char *path, const char *expected)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated;

	assert_int_equal(fsroot_read_file(root, path, 4096, &buf, &len, &truncated), 0);
	assert_int_equal(len, strlen(expected));
	assert_memory_equal(buf, expected, len);
	free(buf);
}

static void
symlinks_stay_in_root(void **state)
{
	struct fsroot root;

	(void)state;
	assert_int_equal(fsroot_open(&root, tree), 0);
	read_inside(&root, "/abs", "inside:x:0:0::/root:/bin/sh\n");
	read_inside(&root, "/dotdot", "inside:x:0:0::/root:/bin/sh\n");
	read_inside(&root, "/top/etc/passwd", "inside:x:0:0::/root:/bin/sh\n");
	read_inside(&root, "/../../etc/passwd", "inside:x:0:0::/root:/bin/sh\n");
	fsroot_close(&root);
}

static void
read_caps_and_rejects(void **state)
{
	struct fsroot root;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool truncated = false;

	(void)state;
	assert_int_equal(fsroot_open(&root, tree), 0);
	assert_int_equal(fsroot_read_file(&root, "/big", 4, &buf, &len, &truncated), 0);
	assert_int_equal(len, 4);
	assert_true(truncated);
	free(buf);
	assert_int_equal(fsroot_read_file(&root, "/fifo", 4, &buf, &len, &truncated), -EINVAL);
	assert_int_equal(fsroot_read_file(&root, "/etc", 4, &buf, &len, &truncated), -EISDIR);
	assert_int_equal(fsroot_read_file(&root, "/self", 4, &buf, &len, &truncated), -ELOOP);
	assert_int_equal(fsroot_read_file(&root, "/missing", 4, &buf, &len, &truncated), -ENOENT);
	fsroot_close(&root);
}

static void
normalize_table(void **state)
{
	static const char *const cases[][3] = {
		{ "/usr/lib", "x", "/usr/lib/x" },
		{ "/usr/lib", "/abs/./y/", "/abs/y" },
		{ "/usr/lib", "../../..", "/" },
		{ "/a/b", "c//d/../e", "/a/b/c/e" },
		{ "/", ".", "/" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = path_normalize(cases[i][0], cases[i][1]);

		assert_non_null(got);
		assert_string_equal(got, cases[i][2]);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(symlinks_stay_in_root),
		cmocka_unit_test(read_caps_and_rejects),
		cmocka_unit_test(normalize_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
