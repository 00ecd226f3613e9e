/*
 * Unit tests for scan/ipyconf: exec_lines and exec_files in
 * ipython_config.py, read without running it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan/ipyconf.h"
#include "envtest.h"

static void
parse(const char *text, size_t len, struct env_list *list)
{
	env_list_init(list);
	assert_int_equal(ipyconf_parse(text, len, list), 0);
}

static void
test_exec_lines_list(void **state)
{
	static const char text[] =
		"c = get_config()  #noqa\n"
		"# c.InteractiveShellApp.exec_lines = ['import commented']\n"
		"c.InteractiveShellApp.exec_lines = [\n"
		"    'import os',\n"
		"    \"print('hi')\",  # comment\n"
		"    r'\\d' 'joined',\n"
		"    '''triple''',\n"
		"    open('/x').read(),\n"
		"    'esc\\x41\\n',\n"
		"]\n"
		"c.TerminalIPythonApp.exec_files = ('/home/u/start.py',)\n";
	struct env_list list;

	(void)state;
	parse(text, sizeof(text) - 1, &list);
	assert_int_equal(list.count, 7);
	assert_int_equal(list.items[0].kind, ENV_EXEC_LINE);
	assert_string_equal(list.items[0].name, "InteractiveShellApp.exec_lines");
	assert_string_equal(list.items[0].value, "import os");
	assert_int_equal(list.items[0].line, 4);
	assert_string_equal(list.items[1].value, "print('hi')");
	assert_int_equal(list.items[1].line, 5);
	assert_string_equal(list.items[2].value, "\\djoined");
	assert_string_equal(list.items[3].value, "triple");
	assert_null(list.items[4].value);
	assert_non_null(list.items[4].unresolved);
	assert_string_equal(list.items[4].raw, "open('/x').read()");
	assert_string_equal(list.items[5].value, "escA\n");
	assert_int_equal(list.items[6].kind, ENV_EXEC_FILE);
	assert_string_equal(list.items[6].name, "TerminalIPythonApp.exec_files");
	assert_string_equal(list.items[6].value, "/home/u/start.py");
	assert_int_equal(list.items[6].line, 11);
	env_list_free(&list);
}

static void
test_other_statement_forms(void **state)
{
	static const char text[] =
		"c.InteractiveShellApp.exec_lines.append('a = 1')\n"
		"c.InteractiveShellApp.exec_lines += ['b = 2']\n"
		"c.IPKernelApp.exec_lines.extend([\"k = 3\"])\n"
		"c.InteractiveShellApp.exec_files = files\n"
		"if True:\n"
		"    c.InteractiveShellApp.exec_lines = [f'{x}']\n"
		"print(c.InteractiveShellApp.exec_lines)\n"
		"c.InteractiveShellApp.exec_lines_extra = ['no']\n"
		"c.InteractiveShellApp.code_to_run = 'no'\n";
	struct env_list list;

	(void)state;
	parse(text, sizeof(text) - 1, &list);
	assert_int_equal(list.count, 5);
	assert_string_equal(list.items[0].value, "a = 1");
	assert_string_equal(list.items[1].value, "b = 2");
	assert_string_equal(list.items[2].name, "IPKernelApp.exec_lines");
	assert_string_equal(list.items[2].value, "k = 3");
	assert_null(list.items[3].value);
	assert_string_equal(list.items[3].raw, "files");
	assert_null(list.items[4].value);
	assert_true(list.items[4].flags & ENV_CONDITIONAL);
	env_list_free(&list);
}

static void
test_unterminated_list_reported(void **state)
{
	static const char text[] =
		"c.InteractiveShellApp.exec_lines = ['open\n"
		"c.InteractiveShellApp.exec_lines = [)\n"
		"c.InteractiveShellApp.exec_files = ['/after.py']\n";
	struct env_list list;

	(void)state;
	parse(text, sizeof(text) - 1, &list);
	assert_true(env_has_diag(&list, 1));
	assert_true(env_has_diag(&list, 2));
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].value, "/after.py");
	assert_int_equal(list.items[0].line, 3);
	env_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_lines_list),
		cmocka_unit_test(test_other_statement_forms),
		cmocka_unit_test(test_unterminated_list_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
