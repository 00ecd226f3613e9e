/*
 * Unit tests for hunt/writer: the writer class of a process, read from its
 * image name and its command line the way the Python interpreter reads
 * its own options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hunt/writer.h"

struct writer_case {
	const char *name;
	const char *cmd;
	enum writer_class want;
};

static const struct writer_case cases[] = {
	{ "pip", "pip install x", WRITER_PACKAGE_MANAGER },
	{ "pip3.12", "", WRITER_PACKAGE_MANAGER },
	{ "python3", "python3 -m pip install x", WRITER_PACKAGE_MANAGER },
	{ "python3", "python3 -Im pip install x", WRITER_PACKAGE_MANAGER },
	{ "python.exe", "\"C:\\Python311\\python.exe\" -m venv env", WRITER_PACKAGE_MANAGER },
	{ "python3", "python3 setup.py install", WRITER_PACKAGE_MANAGER },
	/* -c ends the options: what follows is code and its arguments. */
	{ "python3", "python3 -c \"import os\" -m pip", WRITER_INLINE_CODE },
	{ "python3.12", "python3.12 -Ic 'x'", WRITER_INLINE_CODE },
	{ "python3", "python3 -Sc x", WRITER_INLINE_CODE },
	{ "python3", "python3 -W ignore -c x", WRITER_INLINE_CODE },
	/* A module whose name only starts with pip is not pip. */
	{ "python3", "python3 -m pip_evil", WRITER_PYTHON },
	{ "python3", "python3 script.py -m pip", WRITER_PYTHON },
	{ "python3", "python3 -X dev -m pip install x", WRITER_PACKAGE_MANAGER },
	{ "python3", "", WRITER_PYTHON },
	{ "/usr/bin/bash", "bash -c x", WRITER_SHELL },
	{ "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "", WRITER_SHELL },
	{ "tar", "tar xf a.tar", WRITER_SHELL },
	{ "rsync", "", WRITER_SHELL },
	{ "setx.exe", "", WRITER_ADMIN_CLI },
	{ "SystemPropertiesAdvanced.exe", "", WRITER_ADMIN_GUI },
	{ "jupyter-lab", "", WRITER_DEV_TOOL },
	{ "app.exe", "", WRITER_OTHER },
	{ "", "", WRITER_UNKNOWN },
};

static void
test_writer_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum writer_class got = writer_classify(cases[i].name, strlen(cases[i].name),
							cases[i].cmd, strlen(cases[i].cmd));

		print_message("case: %s | %s\n", cases[i].name, cases[i].cmd);
		assert_int_equal(got, cases[i].want);
	}
}

/* Every class has a description for the reasons. */
static void
test_writer_class_text(void **state)
{
	int c;

	(void)state;
	for (c = WRITER_UNKNOWN; c <= WRITER_INLINE_CODE; c++)
		assert_true(strlen(writer_class_text((enum writer_class)c)) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_cases),
		cmocka_unit_test(test_writer_class_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
