/*
 * childkind: classifies the programs that a Python process starts, for the
 * early-children signal of the process cache (declared in proccache.h).
 * Malicious start-up hooks fetch or run their payload through a shell, a
 * downloader, a JavaScript runtime or a second Python with inline code.
 */
#include "watch/proccache.h"

#include <string.h>

/* readlink() of /proc/PID/exe appends this to the path of a deleted file. */
#define DELETED_SUFFIX " (deleted)"

struct program_kind {
	const char *basename;
	enum proc_child_kind kind;
};

static const struct program_kind program_kinds[] = {
	{"sh", PROC_CHILD_SHELL},
	{"bash", PROC_CHILD_SHELL},
	{"dash", PROC_CHILD_SHELL},
	{"zsh", PROC_CHILD_SHELL},
	{"curl", PROC_CHILD_DOWNLOADER},
	{"wget", PROC_CHILD_DOWNLOADER},
	{"bun", PROC_CHILD_JS_RUNTIME},
	{"node", PROC_CHILD_JS_RUNTIME},
	{"nodejs", PROC_CHILD_JS_RUNTIME}, /* Debian 9 and older install node as nodejs */
};

/* Sets *base to the last component of exe[0..len), without a deleted suffix. */
static size_t
exe_basename(const char *exe, size_t len, const char **base)
{
	size_t suffix_len = strlen(DELETED_SUFFIX);
	size_t start;

	if (len > suffix_len && memcmp(exe + len - suffix_len, DELETED_SUFFIX, suffix_len) == 0)
		len -= suffix_len;
	start = len;
	while (start > 0 && exe[start - 1] != '/')
		start--;
	*base = exe + start;
	return len - start;
}

bool
proccache_is_python(const char *exe, size_t exe_len)
{
	const char *base;
	size_t len = exe_basename(exe, exe_len, &base);

	if (len < 6 || memcmp(base, "python", 6) != 0)
		return false;
	for (size_t i = 6; i < len; i++) {
		if ((base[i] < '0' || base[i] > '9') && base[i] != '.')
			return false;
	}
	return true;
}

/* Returns the length of the NUL-ended argument at argv[pos..len), or of the
 * rest of the buffer when a truncated command line cut it. */
static size_t
arg_length(const uint8_t *argv, size_t len, size_t pos)
{
	const uint8_t *nul = memchr(argv + pos, '\0', len - pos);

	return nul ? (size_t)(nul - (argv + pos)) : len - pos;
}

/*
 * Returns the length of the code that python's -c option carries in
 * argv[0..len), or 0 without -c. Options follow `python3.11 --help`:
 * single-letter flags may be bundled ("-Ic CODE", "-cCODE"), -W, -X and
 * --check-hash-based-pycs take a value, and -c, -m, "-" and the first
 * argument that is not an option (a script) end the options.
 */
static size_t
python_code_length(const uint8_t *argv, size_t len)
{
	size_t pos = arg_length(argv, len, 0) + 1;
	bool value_next = false;

	while (pos < len) {
		size_t n = arg_length(argv, len, pos);
		const uint8_t *arg = argv + pos;
		size_t next = pos + n + 1;

		if (value_next) {
			value_next = false;
		} else if (n == 2 && arg[0] == '-' && arg[1] == '-') {
			return 0;
		} else if (n >= 2 && arg[0] == '-' && arg[1] == '-') {
			value_next = n == strlen("--check-hash-based-pycs") &&
			             memcmp(arg, "--check-hash-based-pycs", n) == 0;
		} else if (n >= 2 && arg[0] == '-') {
			for (size_t i = 1; i < n; i++) {
				if (arg[i] == 'c') {
					if (i + 1 < n)
						return n - i - 1;
					return next < len ? arg_length(argv, len, next) : 0;
				}
				if (arg[i] == 'm' || arg[i] == 'W' || arg[i] == 'X') {
					value_next = i + 1 == n;
					if (arg[i] == 'm')
						return 0; /* -m ends the options too */
					break;
				}
			}
		} else {
			return 0;
		}
		pos = next;
	}
	return 0;
}

enum proc_child_kind
proccache_classify(const char *exe, size_t exe_len, const uint8_t *argv, size_t argv_len)
{
	const char *base;
	size_t len = exe_basename(exe, exe_len, &base);

	for (size_t i = 0; i < sizeof(program_kinds) / sizeof(program_kinds[0]); i++) {
		const char *name = program_kinds[i].basename;

		if (strlen(name) == len && memcmp(base, name, len) == 0)
			return program_kinds[i].kind;
	}
	if (proccache_is_python(exe, exe_len) && argv_len > 0 &&
	    python_code_length(argv, argv_len) >= PROCCACHE_PYTHON_CODE_MIN)
		return PROC_CHILD_PYTHON_INLINE;
	return PROC_CHILD_OTHER;
}

const char *
proc_child_kind_name(enum proc_child_kind kind)
{
	switch (kind) {
	case PROC_CHILD_SHELL:
		return "shell";
	case PROC_CHILD_DOWNLOADER:
		return "downloader";
	case PROC_CHILD_JS_RUNTIME:
		return "javascript-runtime";
	case PROC_CHILD_PYTHON_INLINE:
		return "python-inline-code";
	case PROC_CHILD_OTHER:
		break;
	}
	return "other";
}
