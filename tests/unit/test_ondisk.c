#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "python/ondisk.h"
#include "python/version.h"
#include "scan/accounts.h"

static void
patchlevel_reads_py_version(void **state)
{
	static const char text[] =
		"#define PY_VERSION_HEX 0x030B07F0\n#define PY_VERSION      \"3.11.7\"\n";
	uint32_t lo, hi;
	char v[40];

	(void)state;
	assert_true(patchlevel_version((const uint8_t *)text, sizeof(text) - 1, &lo, &hi, v, sizeof(v)));
	assert_int_equal(lo, PYVER(3, 11, 7));
	assert_int_equal(hi, PYVER(3, 11, 7));
	assert_string_equal(v, "3.11.7");
	assert_false(patchlevel_version((const uint8_t *)"#define PY_VERSION 3", 20, &lo, &hi, v, sizeof(v)));
	assert_false(patchlevel_version((const uint8_t *)"", 0, &lo, &hi, v, sizeof(v)));
}

static void
dpkg_status_finds_minimal_packages(void **state)
{
	static const char text[] =
		"Package: libpython3.11-minimal\nStatus: install ok installed\nVersion: 3.11.2-6+deb12u6\n\n"
		"Package: libpython3.9-minimal\nStatus: deinstall ok config-files\nVersion: 3.9.2-1\n\n"
		"Package: libpython3.11-minimal-dbg\nStatus: install ok installed\nVersion: 9.9.9\n\n"
		"Package: libpython2.7-minimal\nStatus: install ok installed\nVersion: 2.7.18-8";
	struct dpkg_python found[4];
	uint32_t lo, hi;
	size_t n;

	(void)state;
	n = dpkg_python_versions((const uint8_t *)text, sizeof(text) - 1, found, 4);
	assert_int_equal(n, 2);
	assert_int_equal(found[0].major, 3);
	assert_int_equal(found[0].minor, 11);
	assert_string_equal(found[0].version, "3.11.2-6+deb12u6");
	assert_int_equal(found[1].minor, 7);
	assert_true(debian_upstream_version(found[0].version, &lo, &hi));
	assert_int_equal(lo, PYVER(3, 11, 2));
	assert_true(debian_upstream_version("1:2.7.18-8", &lo, &hi));
	assert_int_equal(lo, PYVER(2, 7, 18));
	assert_false(debian_upstream_version("abc", &lo, &hi));
}

static void
passwd_lines_and_errors(void **state)
{
	static const char text[] =
		"root:x:0:0:root:/root:/bin/bash\n"
		"# comment\n"
		"broken line\n"
		"alice:x:1000:1000:Alice:/home/alice/:/bin/sh\n"
		"rel:x:1:1::relative:/bin/sh\n"
		"dup:x:2:2::/root:/bin/sh\n";
	struct accounts list = { NULL, 0 };

	(void)state;
	assert_int_equal(accounts_parse_passwd(text, sizeof(text) - 1, "/etc/passwd", NULL, &list), 0);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].home, "/root");
	assert_string_equal(list.items[1].name, "alice");
	assert_string_equal(list.items[1].home, "/home/alice");
	accounts_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patchlevel_reads_py_version),
		cmocka_unit_test(dpkg_status_finds_minimal_packages),
		cmocka_unit_test(passwd_lines_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
