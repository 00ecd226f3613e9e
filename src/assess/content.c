#include <errno.h>
#include <string.h>

#include "assess/content.h"
#include "assess/signatures.h"

/*
 * Contexts in which a pattern may match: code outside string literals,
 * the inside of string literals, or both. Most API names count inside
 * strings too, because hooks commonly pass code to exec() as a literal.
 */
#define IN_CODE   1u
#define IN_STRING 2u
#define IN_ANY    (IN_CODE | IN_STRING)
#define NOCASE    4u
#define PREFIX    8u  /* may be followed by identifier bytes: "os.exec" matches os.execv */
#define METHOD_OK 16u /* a call may follow a '.', as in importlib.import_module */

/* Extra checks a pattern needs beyond its bytes matching. */
enum action {
	ACT_FIRE,          /* the match alone fires the feature */
	ACT_CALL_ARG,      /* fires unless the call's first argument is a plain string literal */
	ACT_ENV_READ,      /* fires unless os.environ[...] is assigned to */
	ACT_EXECUTABLE,    /* remembers a reference to the running interpreter */
	ACT_PYTHON_STRING, /* remembers "python" named in a string */
	ACT_HOOK_PATH,     /* remembers a startup-hook path in a string */
	ACT_FILE_WRITE,    /* remembers a file write or copy */
	ACT_CHR,           /* counts chr( calls */
	ACT_FORK,          /* counts fork( calls */
	ACT_CALLED,        /* fires when a call follows the name */
};

struct pattern {
	const char *text;
	uint8_t len;
	uint8_t feature;
	uint8_t where;
	uint8_t action;
	const char *reason;
};

#define P(s, f, w, a, r) { s, sizeof(s) - 1, f, w, a, r }

/*
 * A pattern that starts with an identifier character matches only where
 * the byte before it is not one, and a pattern that ends with one only
 * where the byte after it is not one (unless PREFIX is set). So "popen"
 * does not match inside "xpopen2".
 */
static const struct pattern patterns[] = {
	P("exec", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_CALL_ARG, "runs computed code with exec()"),
	P("eval", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_CALL_ARG, "evaluates computed code with eval()"),
	P("compile", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_CALL_ARG, "compiles computed code"),
	P("__import__", CONTENT_DYNAMIC_CODE, IN_ANY | METHOD_OK, ACT_CALL_ARG,
	  "imports a module whose name is computed"),
	P("import_module", CONTENT_DYNAMIC_CODE, IN_ANY | METHOD_OK, ACT_CALL_ARG,
	  "imports a module whose name is computed"),
	P("exec_module", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "loads a module through importlib"),
	P("spec_from_file_location", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE,
	  "loads a module from a file path through importlib"),
	P("SourceFileLoader", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE,
	  "loads a module from a file path through importlib"),
	P("getattr(__builtins__", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "looks up a builtin by name"),
	P("getattr(builtins", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "looks up a builtin by name"),
	P("__builtins__.__dict__", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "looks up a builtin by name"),
	P("__builtins__[", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "looks up a builtin by name"),
	P("globals()[", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "looks up a global by name"),
	P("types.FunctionType", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "builds a function from a code object"),
	P("types.CodeType", CONTENT_DYNAMIC_CODE, IN_ANY, ACT_FIRE, "builds a code object"),

	P("chr", CONTENT_HIDDEN_NAME, IN_CODE, ACT_CHR, "builds text from chr() calls"),
	P("map(chr", CONTENT_HIDDEN_NAME, IN_ANY, ACT_FIRE, "builds text from chr() calls"),
	P("[::-1]", CONTENT_HIDDEN_NAME, IN_CODE, ACT_FIRE, "reverses a string"),

	P("b64decode", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base64"),
	P("urlsafe_b64decode", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base64"),
	P("standard_b64decode", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base64"),
	P("b32decode", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base32"),
	P("b85decode", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base85"),
	P("a85decode", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base85"),
	P("decodebytes", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base64"),
	P("decodestring", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base64"),
	P("a2b_base64", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes base64"),
	P("fromhex", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes hex"),
	P("unhexlify", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes hex"),
	P("a2b_hex", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decodes hex"),
	P("decompress", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decompresses data"),
	P("decompressobj", CONTENT_DECODING, IN_ANY, ACT_FIRE, "decompresses data"),
	P("marshal", CONTENT_DECODING, IN_ANY, ACT_FIRE, "uses marshal, which loads code objects"),
	P("pickle.loads", CONTENT_DECODING, IN_ANY, ACT_FIRE, "unpickles data"),

	P("os.system", CONTENT_PROCESS, IN_ANY, ACT_FIRE, "calls os.system"),
	P("popen", CONTENT_PROCESS, IN_ANY | PREFIX, ACT_FIRE, "starts a process with popen"),
	P("Popen", CONTENT_PROCESS, IN_ANY, ACT_FIRE, "starts a process with subprocess.Popen"),
	/* Inside strings, "subprocess" counts only as code, because messages mention the word. */
	P("subprocess", CONTENT_PROCESS, IN_CODE, ACT_FIRE, "uses subprocess"),
	P("subprocess.", CONTENT_PROCESS, IN_STRING, ACT_FIRE, "uses subprocess"),
	P("import subprocess", CONTENT_PROCESS, IN_STRING, ACT_FIRE, "uses subprocess"),
	P("from subprocess", CONTENT_PROCESS, IN_STRING, ACT_FIRE, "uses subprocess"),
	P("os.exec", CONTENT_PROCESS, IN_ANY | PREFIX, ACT_FIRE, "replaces the process with os.exec*"),
	P("os.spawn", CONTENT_PROCESS, IN_ANY | PREFIX, ACT_FIRE, "starts a process with os.spawn*"),
	P("posix_spawn", CONTENT_PROCESS, IN_ANY | PREFIX, ACT_FIRE, "starts a process with posix_spawn"),
	P("pty.spawn", CONTENT_PROCESS, IN_ANY, ACT_FIRE, "starts a process with pty.spawn"),
	P("import system", CONTENT_PROCESS, IN_ANY, ACT_FIRE, "imports os.system"),
	P("getoutput", CONTENT_PROCESS, IN_ANY, ACT_FIRE, "runs a shell command for its output"),
	P("getstatusoutput", CONTENT_PROCESS, IN_ANY, ACT_FIRE, "runs a shell command for its output"),
	P("multiprocessing", CONTENT_PROCESS, IN_ANY, ACT_FIRE, "starts processes with multiprocessing"),
	/* Method names alone catch a module imported under another name (import os as o). */
	P(".system", CONTENT_PROCESS, IN_CODE, ACT_CALLED, "calls system(), as os.system does"),
	P(".execv", CONTENT_PROCESS, IN_CODE | PREFIX, ACT_FIRE, "replaces the process with exec*()"),
	P(".execl", CONTENT_PROCESS, IN_CODE | PREFIX, ACT_FIRE, "replaces the process with exec*()"),
	P(".spawnv", CONTENT_PROCESS, IN_CODE | PREFIX, ACT_FIRE, "starts a process with spawn*()"),
	P(".spawnl", CONTENT_PROCESS, IN_CODE | PREFIX, ACT_FIRE, "starts a process with spawn*()"),

	P("sys.executable", CONTENT_RESPAWN, IN_ANY, ACT_EXECUTABLE,
	  "starts the Python interpreter again, so every child runs the hook too"),
	P("_base_executable", CONTENT_RESPAWN, IN_ANY, ACT_EXECUTABLE,
	  "starts the Python interpreter again, so every child runs the hook too"),
	P(".executable", CONTENT_RESPAWN, IN_CODE, ACT_EXECUTABLE,
	  "starts the Python interpreter again, so every child runs the hook too"),
	P("python", CONTENT_RESPAWN, IN_STRING | NOCASE | PREFIX, ACT_PYTHON_STRING,
	  "starts a Python interpreter, which runs the hook again"),

	P("socket", CONTENT_NETWORK, IN_ANY | PREFIX, ACT_FIRE, "uses sockets"),
	P("urllib", CONTENT_NETWORK, IN_ANY | PREFIX, ACT_FIRE, "uses urllib"),
	P("urlopen", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "opens a URL"),
	P("urlretrieve", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "downloads a URL"),
	P("http.client", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses http.client"),
	P("httplib", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses httplib"),
	P("requests.", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses requests"),
	P("import requests", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses requests"),
	P("httpx", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses httpx"),
	P("aiohttp", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses aiohttp"),
	P("ftplib", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses ftplib"),
	P("smtplib", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses smtplib"),
	P("telnetlib", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses telnetlib"),
	P("paramiko", CONTENT_NETWORK, IN_ANY, ACT_FIRE, "uses paramiko"),
	P("http://", CONTENT_ADDRESS, IN_STRING | NOCASE, ACT_FIRE, "contains a URL"),
	P("https://", CONTENT_ADDRESS, IN_STRING | NOCASE, ACT_FIRE, "contains a URL"),
	P("ftp://", CONTENT_ADDRESS, IN_STRING | NOCASE, ACT_FIRE, "contains a URL"),

	P("bun", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names the bun runtime"),
	P("node", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names the node runtime"),
	P("nodejs", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names the node runtime"),
	P("deno", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names the deno runtime"),
	P("curl", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names curl"),
	P("wget", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names wget"),
	P("sh -c", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "runs a shell command"),
	P("bash -c", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "runs a shell command"),
	P("/bin/sh", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names a shell"),
	P("/bin/bash", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names a shell"),
	P("powershell", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names PowerShell"),
	P("pwsh", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names PowerShell"),
	P("cmd.exe", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "names cmd.exe"),
	P("perl -e", CONTENT_RUNTIME, IN_STRING | NOCASE, ACT_FIRE, "runs perl code"),

	P("signal.signal", CONTENT_EXIT_HOOK, IN_ANY, ACT_FIRE, "installs a signal handler"),
	P("atexit", CONTENT_EXIT_HOOK, IN_ANY, ACT_FIRE, "registers an exit callback"),

	P(".pth", CONTENT_SELF_REPAIR, IN_STRING, ACT_HOOK_PATH, "writes a .pth file"),
	P("site-packages", CONTENT_SELF_REPAIR, IN_STRING, ACT_HOOK_PATH,
	  "writes into site-packages"),
	P("dist-packages", CONTENT_SELF_REPAIR, IN_STRING, ACT_HOOK_PATH,
	  "writes into dist-packages"),
	P("sitecustomize", CONTENT_SELF_REPAIR, IN_STRING, ACT_HOOK_PATH,
	  "writes a customize module"),
	P("usercustomize", CONTENT_SELF_REPAIR, IN_STRING, ACT_HOOK_PATH,
	  "writes a customize module"),
	P("getsitepackages", CONTENT_SELF_REPAIR, IN_ANY, ACT_HOOK_PATH,
	  "writes into site-packages"),
	P("getusersitepackages", CONTENT_SELF_REPAIR, IN_ANY, ACT_HOOK_PATH,
	  "writes into site-packages"),
	P("__file__", CONTENT_SELF_REPAIR, IN_ANY, ACT_HOOK_PATH, "rewrites its own file"),
	P(".write(", CONTENT_SELF_REPAIR, IN_ANY, ACT_FILE_WRITE, NULL),
	P(".write_text(", CONTENT_SELF_REPAIR, IN_ANY, ACT_FILE_WRITE, NULL),
	P(".write_bytes(", CONTENT_SELF_REPAIR, IN_ANY, ACT_FILE_WRITE, NULL),
	P("shutil.copy", CONTENT_SELF_REPAIR, IN_ANY | PREFIX, ACT_FILE_WRITE, NULL),
	P("os.rename", CONTENT_SELF_REPAIR, IN_ANY, ACT_FILE_WRITE, NULL),
	P("os.replace", CONTENT_SELF_REPAIR, IN_ANY, ACT_FILE_WRITE, NULL),
	P("os.chmod", CONTENT_SELF_REPAIR, IN_ANY, ACT_FILE_WRITE, NULL),
	P("os.utime", CONTENT_SELF_REPAIR, IN_ANY, ACT_FILE_WRITE, NULL),

	P("/proc/self/cmdline", CONTENT_PROC_GUARD, IN_STRING, ACT_FIRE,
	  "reads its own command line from /proc"),
	P("/proc/self/", CONTENT_PROC_GUARD, IN_STRING, ACT_FIRE, "reads its own process state from /proc"),
	P("cmdline", CONTENT_PROC_GUARD, IN_STRING, ACT_FIRE, "reads a process command line from /proc"),

	P("os.environ.get", CONTENT_ENV_GUARD, IN_ANY, ACT_FIRE, "checks an environment variable"),
	P("os.getenv", CONTENT_ENV_GUARD, IN_ANY, ACT_FIRE, "checks an environment variable"),
	P("in os.environ", CONTENT_ENV_GUARD, IN_ANY, ACT_FIRE, "checks an environment variable"),
	P("os.environ[", CONTENT_ENV_GUARD, IN_ANY, ACT_ENV_READ, "checks an environment variable"),

	P("sys.argv", CONTENT_ARGV_GUARD, IN_ANY, ACT_FIRE, "checks the command-line arguments"),
	P("sys.orig_argv", CONTENT_ARGV_GUARD, IN_ANY, ACT_FIRE, "checks the command-line arguments"),

	P("DEVNULL", CONTENT_DETACH, IN_ANY, ACT_FIRE, "discards the child's output"),
	P("/dev/null", CONTENT_DETACH, IN_STRING, ACT_FIRE, "discards output"),
	P("setsid", CONTENT_DETACH, IN_ANY | NOCASE, ACT_FIRE, "starts a new session"),
	P("start_new_session", CONTENT_DETACH, IN_ANY, ACT_FIRE, "starts a new session"),
	P("daemon=True", CONTENT_DETACH, IN_ANY, ACT_FIRE, "starts a daemon thread"),
	P("daemon = True", CONTENT_DETACH, IN_ANY, ACT_FIRE, "starts a daemon thread"),
	P("setDaemon", CONTENT_DETACH, IN_ANY, ACT_FIRE, "starts a daemon thread"),
	P("nohup", CONTENT_DETACH, IN_STRING | NOCASE, ACT_FIRE, "runs a command with nohup"),
	P("DETACHED_PROCESS", CONTENT_DETACH, IN_ANY, ACT_FIRE, "starts a detached process"),
	P("fork", CONTENT_DETACH, IN_ANY, ACT_FORK, "forks twice to detach"),
};

#define PATTERN_COUNT (sizeof(patterns) / sizeof(patterns[0]))

/* Codec names that codecs.decode() and Python 2's str.decode() accept for decoding layers. */
static const char *const codec_names[] = {
	"base64", "base_64", "base64_codec", "hex", "hex_codec", "rot13", "rot_13",
	"zlib", "zip", "zlib_codec", "bz2", "bz2_codec", "uu", "uu_codec",
};

/* Module names that, as a whole string literal, are imported by name: __import__('pty'). */
static const struct {
	const char *name;
	enum content_feature feature;
	const char *reason;
} module_literals[] = {
	{ "subprocess", CONTENT_PROCESS, "imports subprocess by name" },
	{ "pty", CONTENT_PROCESS, "imports pty by name" },
	{ "socket", CONTENT_NETWORK, "imports socket by name" },
	{ "marshal", CONTENT_DECODING, "imports marshal by name" },
	/* A function name as a whole literal, as getattr(os, 'system') looks it up. */
	{ "system", CONTENT_PROCESS, "names system() in a string, as getattr() looks it up" },
	{ "popen", CONTENT_PROCESS, "names popen() in a string, as getattr() looks it up" },
	{ "Popen", CONTENT_PROCESS, "names Popen in a string, as getattr() looks it up" },
	{ "execv", CONTENT_PROCESS, "names execv() in a string, as getattr() looks it up" },
	{ "execve", CONTENT_PROCESS, "names execve() in a string, as getattr() looks it up" },
	{ "execl", CONTENT_PROCESS, "names execl() in a string, as getattr() looks it up" },
	{ "spawnv", CONTENT_PROCESS, "names spawnv() in a string, as getattr() looks it up" },
	{ "exec", CONTENT_DYNAMIC_CODE, "names exec() in a string, as getattr() looks it up" },
	{ "eval", CONTENT_DYNAMIC_CODE, "names eval() in a string, as getattr() looks it up" },
	{ "__import__", CONTENT_DYNAMIC_CODE,
	  "names __import__() in a string, as getattr() looks it up" },
};

/* chr() calls at or above this count fire CONTENT_HIDDEN_NAME. */
#define CHR_CALLS_MIN 4

/*
 * \x escapes of printable ASCII in string literals at or above this count
 * fire CONTENT_HIDDEN_NAME. Escapes of other bytes are binary data such as
 * file magic numbers.
 */
#define HEX_ESCAPES_MIN 8

/* The maximum length of a literal that counts as a piece of a name split with '+'. */
#define NAME_PIECE_MAX 12

/* Per-call state beyond the report, such as evidence that only counts in combination. */
struct scan {
	const uint8_t *text;
	size_t len;
	struct content_report *out;
	size_t chr_calls, chr_offset;
	size_t fork_calls, fork_offset;
	size_t hex_escapes, hex_escape_offset;
	bool executable, python_string, hook_path, file_write;
	size_t executable_offset, python_offset, hook_path_offset;
	const char *executable_reason, *python_reason, *hook_path_reason;
	size_t last_string_end; /* offset just past the latest closing quote, 0 if none */
	size_t last_body, last_body_len; /* the latest literal's text between its quotes */
	uint8_t signatures[CONTENT_SIGNATURE_MAX_COUNT][CONTENT_SIGNATURE_MAX_LEN];
	size_t signature_len[CONTENT_SIGNATURE_MAX_COUNT];
	const char *signature_reason[CONTENT_SIGNATURE_MAX_COUNT];
	size_t nsignatures;
};

static bool
is_ident(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

static uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Blanks inside a logical line: space, tab and form feed, which Python's tokenizer skips. */
static bool
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* Skips blanks and backslash line continuations. */
static size_t
skip_spaces(const uint8_t *text, size_t len, size_t i)
{
	for (;;) {
		while (i < len && is_space(text[i]))
			i++;
		if (i + 1 < len && text[i] == '\\' && text[i + 1] == '\n')
			i += 2;
		else if (i + 2 < len && text[i] == '\\' && text[i + 1] == '\r' && text[i + 2] == '\n')
			i += 3;
		else
			return i;
	}
}

static void
fire(struct content_report *out, enum content_feature feature, const char *reason, size_t offset)
{
	uint32_t bit = 1u << feature;

	if (out->features & bit)
		return;
	out->features |= bit;
	out->hits[feature].reason = reason;
	out->hits[feature].offset = offset;
}

static bool
match_at(const uint8_t *text, size_t len, size_t i, const uint8_t *frag, size_t flen,
	 bool nocase, bool prefix)
{
	size_t k;

	if (flen == 0 || flen > len - i)
		return false;
	for (k = 0; k < flen; k++) {
		uint8_t c = text[i + k];

		if (nocase ? lower(c) != lower(frag[k]) : c != frag[k])
			return false;
	}
	if (is_ident(frag[0]) && i > 0 && is_ident(text[i - 1]))
		return false;
	if (!prefix && is_ident(frag[flen - 1]) && i + flen < len && is_ident(text[i + flen]))
		return false;
	return true;
}

/*
 * Like match_at() for a pattern in code, where Python allows blanks and
 * line continuations around a '.' ("os . system"). Returns the offset just
 * past the match, or 0 when it does not match.
 */
static size_t
match_code_at(const uint8_t *text, size_t len, size_t i, const uint8_t *frag, size_t flen,
	      bool nocase, bool prefix)
{
	size_t t = i, k;

	if (flen == 0 || (is_ident(frag[0]) && i > 0 && is_ident(text[i - 1])))
		return 0;
	for (k = 0; k < flen; k++) {
		if (frag[k] == '.' && k > 0)
			t = skip_spaces(text, len, t);
		if (t >= len)
			return 0;
		if (nocase ? lower(text[t]) != lower(frag[k]) : text[t] != frag[k])
			return 0;
		t++;
		if (frag[k] == '.' && k + 1 < flen)
			t = skip_spaces(text, len, t);
	}
	if (!prefix && is_ident(frag[flen - 1]) && t < len && is_ident(text[t]))
		return 0;
	return t;
}

/*
 * Returns the offset just past a string literal starting at i (an optional
 * prefix, then the quote), or 0 when there is none or it does not close.
 * Sets *formatted for an f-string, whose text is computed.
 */
static size_t
skip_literal(const uint8_t *text, size_t len, size_t i, bool *formatted)
{
	size_t n = 0, q;
	uint8_t quote;
	bool triple;

	*formatted = false;
	while (n < 3 && i + n < len && strchr("rRbBuUfF", text[i + n]) != NULL && text[i + n] != 0) {
		if (lower(text[i + n]) == 'f')
			*formatted = true;
		n++;
	}
	i += n;
	if (i >= len || (text[i] != '\'' && text[i] != '"'))
		return 0;
	quote = text[i];
	triple = len - i >= 3 && text[i + 1] == quote && text[i + 2] == quote;
	q = i + (triple ? 3 : 1);
	while (q < len) {
		if (text[q] == '\\') {
			q += 2;
			continue;
		}
		if (text[q] == quote) {
			if (!triple)
				return q + 1;
			if (len - q >= 3 && text[q + 1] == quote && text[q + 2] == quote)
				return q + 3;
		}
		if (!triple && (text[q] == '\n' || text[q] == '\r'))
			return 0;
		q++;
	}
	return 0;
}

/* Value of the escape at text[i] (just past the backslash) when it spells a printable ASCII byte, else -1. */
static int
escaped_ascii(const uint8_t *text, size_t len, size_t i, size_t *used)
{
	int value = 0;
	size_t k, digits;
	uint8_t c;

	if (i >= len)
		return -1;
	c = text[i];
	if (c == 'x' || c == 'X')
		digits = 2;
	else if (c == 'u')
		digits = 4;
	else if (c == 'U')
		digits = 8;
	else if (c >= '0' && c <= '7')
		digits = 0;
	else
		return -1;
	if (digits == 0) {
		for (k = i; k < len && k < i + 3 && text[k] >= '0' && text[k] <= '7'; k++)
			value = value * 8 + (text[k] - '0');
		*used = k - i;
	} else {
		for (k = i + 1; k < len && k <= i + digits; k++) {
			uint8_t d = lower(text[k]);

			if (d >= '0' && d <= '9')
				value = value * 16 + (d - '0');
			else if (d >= 'a' && d <= 'f')
				value = value * 16 + (d - 'a' + 10);
			else
				return -1;
			if (value > 0x10ffff)
				return -1;
		}
		if (k != i + digits + 1)
			return -1;
		*used = digits + 1;
	}
	return value >= 0x20 && value <= 0x7e ? value : -1;
}

/* Counts escapes of printable ASCII (\x41, \101, \u0041) in text[start..end). */
static size_t
count_ascii_escapes(const uint8_t *text, size_t start, size_t end)
{
	size_t i = start, used, count = 0;

	while (i < end) {
		if (text[i] != '\\') {
			i++;
			continue;
		}
		used = 1;
		if (escaped_ascii(text, end, i + 1, &used) >= 0)
			count++;
		i += 1 + used;
	}
	return count;
}

/*
 * Whether the call whose name ends at i has a computed first argument:
 * anything but one plain string literal followed by ')' or ','. A literal
 * that spells its text with escapes counts as computed, because it hides
 * the code from a reader. Inside a
 * string literal an argument that opens with a quote or an escaped quote
 * counts as plain, because the quoting of nested code cannot be followed.
 */
static bool
call_arg_is_computed(const uint8_t *text, size_t len, size_t i, bool in_string)
{
	size_t a = skip_spaces(text, len, i), end;
	bool formatted;

	if (a < len && text[a] == '(') {
		a = skip_spaces(text, len, a + 1);
	} else if (!in_string && a > i && a < len && (is_ident(text[a]) || text[a] == '(')) {
		/* Python 2's exec statement: exec code_string */
	} else {
		return false;
	}
	if (a >= len || text[a] == ')')
		return false;
	if (in_string)
		return !(text[a] == '\'' || text[a] == '"' ||
			 (text[a] == '\\' && a + 1 < len && (text[a + 1] == '\'' || text[a + 1] == '"')));
	end = skip_literal(text, len, a, &formatted);
	if (end == 0 || formatted)
		return true;
	if (count_ascii_escapes(text, a, end) >= HEX_ESCAPES_MIN)
		return true;
	end = skip_spaces(text, len, end);
	return end >= len || (text[end] != ')' && text[end] != ',');
}

/* Whether os.environ[...] at i (just past the '[') is assigned to rather than read. */
static bool
environ_is_assigned(const uint8_t *text, size_t len, size_t i)
{
	size_t k;

	for (k = i; k < len && text[k] != ']' && text[k] != '\n'; k++)
		;
	if (k >= len || text[k] != ']')
		return false;
	k = skip_spaces(text, len, k + 1);
	if (k < len && text[k] == '=' && (k + 1 >= len || text[k + 1] != '='))
		return true;
	return len - k >= 2 && strchr("+-|", text[k]) != NULL && text[k] != 0 && text[k + 1] == '=';
}

/* Whether the object before the '.' at i is named platform: platform.system() names the OS. */
static bool
object_is_platform(const uint8_t *text, size_t i)
{
	size_t end = i, start;

	while (end > 0 && is_space(text[end - 1]))
		end--;
	start = end;
	while (start > 0 && is_ident(text[start - 1]))
		start--;
	return end - start == 8 && memcmp(text + start, "platform", 8) == 0;
}

static void
apply_pattern(struct scan *sc, const struct pattern *p, size_t i, size_t after, bool in_string)
{
	if (p->action == ACT_CALL_ARG) {
		size_t next = skip_spaces(sc->text, sc->len, after);

		if (!(p->where & METHOD_OK) && i > 0 && sc->text[i - 1] == '.')
			return; /* a method such as re.compile, not the builtin */
		if (call_arg_is_computed(sc->text, sc->len, after, in_string)) {
			fire(sc->out, p->feature, p->reason, i);
		} else if (!in_string && p->feature == CONTENT_DYNAMIC_CODE &&
			   (next >= sc->len || (sc->text[next] != '(' && !is_ident(sc->text[next]) &&
						sc->text[next] != '\'' && sc->text[next] != '"'))) {
			/* The name used as a value, as in e = exec; e(code). */
			fire(sc->out, CONTENT_DYNAMIC_CODE, "refers to a code-running builtin without "
			     "calling it, as an alias does", i);
			fire(sc->out, CONTENT_HIDDEN_NAME, "calls a code-running builtin under "
			     "another name", i);
		}
		return;
	}
	switch (p->action) {
	case ACT_FIRE:
		fire(sc->out, p->feature, p->reason, i);
		break;
	case ACT_ENV_READ:
		if (!environ_is_assigned(sc->text, sc->len, after))
			fire(sc->out, p->feature, p->reason, i);
		break;
	case ACT_EXECUTABLE:
		if (!sc->executable) {
			sc->executable = true;
			sc->executable_offset = i;
			sc->executable_reason = p->reason;
		}
		break;
	case ACT_PYTHON_STRING:
		if (!sc->python_string) {
			sc->python_string = true;
			sc->python_offset = i;
			sc->python_reason = p->reason;
		}
		break;
	case ACT_HOOK_PATH:
		if (!sc->hook_path) {
			sc->hook_path = true;
			sc->hook_path_offset = i;
			sc->hook_path_reason = p->reason;
		}
		break;
	case ACT_FILE_WRITE:
		sc->file_write = true;
		break;
	case ACT_CHR:
		if (skip_spaces(sc->text, sc->len, after) < sc->len &&
		    sc->text[skip_spaces(sc->text, sc->len, after)] == '(' && sc->chr_calls++ == 0)
			sc->chr_offset = i;
		break;
	case ACT_CALLED:
		if (skip_spaces(sc->text, sc->len, after) < sc->len &&
		    sc->text[skip_spaces(sc->text, sc->len, after)] == '(' &&
		    !object_is_platform(sc->text, i))
			fire(sc->out, p->feature, p->reason, i);
		break;
	case ACT_FORK:
		if (skip_spaces(sc->text, sc->len, after) < sc->len &&
		    sc->text[skip_spaces(sc->text, sc->len, after)] == '(' && sc->fork_calls++ == 0)
			sc->fork_offset = i;
		break;
	default:
		break;
	}
}

static void
match_patterns(struct scan *sc, size_t i, bool in_string)
{
	unsigned where = in_string ? IN_STRING : IN_CODE;
	uint8_t first = lower(sc->text[i]);
	size_t k;

	for (k = 0; k < PATTERN_COUNT; k++) {
		const struct pattern *p = &patterns[k];

		if (!(p->where & where) || lower((uint8_t)p->text[0]) != first)
			continue;
		size_t end;

		if (in_string)
			end = match_at(sc->text, sc->len, i, (const uint8_t *)p->text, p->len,
				       p->where & NOCASE, p->where & PREFIX) ? i + p->len : 0;
		else
			end = match_code_at(sc->text, sc->len, i, (const uint8_t *)p->text, p->len,
					    p->where & NOCASE, p->where & PREFIX);
		if (end)
			apply_pattern(sc, p, i, end, in_string);
	}
}

/* Fires CONTENT_ADDRESS for a dotted IPv4 address with a port ("127.0.0.1:8000") at i. */
static void
check_ip_port(struct scan *sc, size_t i)
{
	const uint8_t *t = sc->text;
	size_t k = i, part, digits;

	if (i > 0 && (is_ident(t[i - 1]) || t[i - 1] == '.'))
		return;
	for (part = 0; part < 4; part++) {
		for (digits = 0; k < sc->len && digits < 4 && t[k] >= '0' && t[k] <= '9'; digits++)
			k++;
		if (digits == 0 || digits > 3)
			return;
		if (part < 3) {
			if (k >= sc->len || t[k] != '.')
				return;
			k++;
		}
	}
	if (k + 1 < sc->len && t[k] == ':' && t[k + 1] >= '0' && t[k + 1] <= '9')
		fire(sc->out, CONTENT_ADDRESS, "contains an IP address and port", i);
}

/*
 * Fires CONTENT_DECODING when the literal's body is a codec name such as
 * 'base64', and the module_literals feature when it is one of those names.
 */
static void
check_literal_body(struct scan *sc, size_t body, size_t body_len)
{
	size_t k, n;

	for (k = 0; k < sizeof(codec_names) / sizeof(codec_names[0]); k++) {
		n = strlen(codec_names[k]);
		if (n == body_len && match_at(sc->text, sc->len, body,
					      (const uint8_t *)codec_names[k], n, true, false)) {
			fire(sc->out, CONTENT_DECODING, "decodes through a codec such as base64 or zlib", body);
			return;
		}
	}
	for (k = 0; k < sizeof(module_literals) / sizeof(module_literals[0]); k++) {
		n = strlen(module_literals[k].name);
		if (n == body_len && memcmp(sc->text + body, module_literals[k].name, n) == 0) {
			fire(sc->out, module_literals[k].feature, module_literals[k].reason, body);
			return;
		}
	}
}

/*
 * Whether text[start..start + len) looks like a piece of a split name:
 * 1 to NAME_PIECE_MAX identifier bytes or dots, as in 'o' + 's'.
 */
static bool
is_name_piece(const uint8_t *text, size_t start, size_t len)
{
	size_t k;

	if (len == 0 || len > NAME_PIECE_MAX)
		return false;
	for (k = start; k < start + len; k++)
		if (!is_ident(text[k]) && text[k] != '.')
			return false;
	return true;
}

/*
 * Fires CONTENT_HIDDEN_NAME when the literal opening at i directly follows
 * another one and both are name pieces, as in getattr(os, 'sys' 'tem').
 */
static void
check_implicit_concat(struct scan *sc, size_t i)
{
	size_t back = i, end;
	bool formatted;

	while (back > 0 && is_space(sc->text[back - 1]))
		back--;
	if (sc->last_string_end == 0 || back != sc->last_string_end ||
	    !is_name_piece(sc->text, sc->last_body, sc->last_body_len))
		return;
	end = skip_literal(sc->text, sc->len, i, &formatted);
	if (end > i + 2 && !formatted && is_name_piece(sc->text, i + 1, end - i - 2))
		fire(sc->out, CONTENT_HIDDEN_NAME, "joins pieces of a name by writing literals "
		     "side by side", i);
}

/*
 * Fires CONTENT_HIDDEN_NAME for two pieces of a name joined with '+' at i.
 * Joined messages such as "usage: " + "\n" do not count.
 */
static void
check_literal_concat(struct scan *sc, size_t i)
{
	size_t back = i, ahead, end, quote_len;
	bool formatted;

	while (back > 0 && is_space(sc->text[back - 1]))
		back--;
	if (sc->last_string_end == 0 || back != sc->last_string_end ||
	    !is_name_piece(sc->text, sc->last_body, sc->last_body_len))
		return;

	ahead = skip_spaces(sc->text, sc->len, i + 1);
	end = skip_literal(sc->text, sc->len, ahead, &formatted);
	if (end == 0)
		return;
	while (sc->text[ahead] != '\'' && sc->text[ahead] != '"')
		ahead++; /* the prefix letters */
	quote_len = (end - ahead >= 6 && sc->text[ahead + 1] == sc->text[ahead] &&
		     sc->text[ahead + 2] == sc->text[ahead]) ? 3 : 1;
	if (is_name_piece(sc->text, ahead + quote_len, end - ahead - 2 * quote_len))
		fire(sc->out, CONTENT_HIDDEN_NAME, "joins pieces of a name with +", i);
}

/* Fires CONTENT_KNOWN_FRAGMENT when a decoded signature fragment starts at i. */
static void
match_signatures(struct scan *sc, size_t i)
{
	size_t k;

	if (sc->out->features & (1u << CONTENT_KNOWN_FRAGMENT))
		return;
	for (k = 0; k < sc->nsignatures; k++) {
		if (match_at(sc->text, sc->len, i, sc->signatures[k], sc->signature_len[k], true, false)) {
			fire(sc->out, CONTENT_KNOWN_FRAGMENT, sc->signature_reason[k], i);
			return;
		}
	}
}

/* Decodes every signature fragment into the scan's own buffers. */
static void
load_signatures(struct scan *sc)
{
	size_t k, n = content_signature_count();

	if (n > CONTENT_SIGNATURE_MAX_COUNT)
		n = CONTENT_SIGNATURE_MAX_COUNT;
	for (k = 0; k < n; k++)
		sc->signature_len[k] = content_signature_decode(k, sc->signatures[k],
							       &sc->signature_reason[k]);
	sc->nsignatures = n;
}

/* Whether the quote at i has a prefix with 'f' (f, rf, fr in either case). */
static bool
has_f_prefix(const uint8_t *t, size_t i)
{
	size_t k;

	for (k = 1; k <= 2 && k <= i; k++) {
		uint8_t c = lower(t[i - k]);

		if (c == 'f')
			return i - k == 0 || !is_ident(t[i - k - 1]) ||
			       (k == 1 && i >= 2 && lower(t[i - 2]) == 'r' && (i == 2 || !is_ident(t[i - 3])));
		if (c != 'r' && c != 'b' && c != 'u')
			return false;
	}
	return false;
}

/*
 * Matches the replacement field of an f-string that starts at i (just past
 * its '{') as code, skipping literals nested in it, which CPython 3.12
 * allows to reuse the outer quote. Returns the offset just past its '}'.
 */
static size_t
walk_field(struct scan *sc, size_t i)
{
	const uint8_t *t = sc->text;
	size_t len = sc->len, depth = 1, end;
	bool formatted;

	while (i < len) {
		if (t[i] == '\'' || t[i] == '"') {
			end = skip_literal(t, len, i, &formatted);
			if (end == 0)
				return len;
			check_literal_body(sc, i + 1, end >= i + 2 ? end - i - 2 : 0);
			i = end;
			continue;
		}
		if (t[i] == '{')
			depth++;
		if (t[i] == '}' && --depth == 0)
			return i + 1;
		match_patterns(sc, i, false);
		match_signatures(sc, i);
		i++;
	}
	return len;
}

/*
 * Walks the text once: '#' comments are skipped, string literals are
 * tracked (any prefix, single or triple quotes, backslash escapes), and
 * patterns are tried at every byte of code or string content.
 * The replacement fields of f-strings are matched as code.
 */
static void
walk_text(struct scan *sc)
{
	const uint8_t *t = sc->text;
	size_t len = sc->len, i = 0, body = 0;
	uint8_t quote = 0;
	bool triple = false, formatted = false;

	while (i < len) {
		uint8_t c = t[i];

		if (quote == 0) {
			if (c == '#') {
				while (i < len && t[i] != '\n' && t[i] != '\r')
					i++;
				continue;
			}
			if (c == '\'' || c == '"') {
				check_implicit_concat(sc, i);
				formatted = has_f_prefix(t, i);
				quote = c;
				triple = len - i >= 3 && t[i + 1] == c && t[i + 2] == c;
				i += triple ? 3 : 1;
				body = i;
				continue;
			}
			if (c >= 0x80) {
				/* Python folds letters such as U+1D41E to ASCII (NFKC), so the name is not what it shows. */
				fire(sc->out, CONTENT_HIDDEN_NAME, "writes a name in non-ASCII letters, which "
				     "Python folds to ASCII", i);
				fire(sc->out, CONTENT_DYNAMIC_CODE, "calls or imports a name a reader cannot "
				     "see as written", i);
			}
			if (c == '+')
				check_literal_concat(sc, i);
			match_patterns(sc, i, false);
			match_signatures(sc, i);
			i++;
			continue;
		}

		if (formatted && c == '{') {
			if (i + 1 < len && t[i + 1] == '{') {
				i += 2; /* an escaped brace */
				continue;
			}
			i = walk_field(sc, i + 1);
			continue;
		}
		if (c == '\\') {
			size_t used = 1;

			if (escaped_ascii(t, len, i + 1, &used) >= 0 && sc->hex_escapes++ == 0)
				sc->hex_escape_offset = i;
			i += 1 + used;
			continue;
		}
		if (c == quote && (!triple || (len - i >= 3 && t[i + 1] == c && t[i + 2] == c))) {
			check_literal_body(sc, body, i - body);
			sc->last_body = body;
			sc->last_body_len = i - body;
			i += triple ? 3 : 1;
			sc->last_string_end = i;
			quote = 0;
			continue;
		}
		if (!triple && (c == '\n' || c == '\r')) {
			quote = 0; /* an unterminated literal ends at the line break */
			i++;
			continue;
		}
		if (c >= '0' && c <= '9')
			check_ip_port(sc, i);
		match_patterns(sc, i, true);
		match_signatures(sc, i);
		i++;
	}
}

/* Source encodings that spell ASCII code as ASCII, so a reader sees what runs. */
static const char *const plain_encodings[] = {
	"utf-8", "utf8", "utf_8", "utf-8-sig", "ascii", "us-ascii", "latin-1", "latin1",
	"latin_1", "iso-8859-1", "iso8859-1", "iso-8859-15", "cp1252",
};

/*
 * Fires CONTENT_HIDDEN_NAME and CONTENT_DYNAMIC_CODE when a coding
 * declaration in the first two lines (PEP 263) names another encoding,
 * such as utf-7, in which the bytes a reader sees are not the code that runs.
 */
static void
check_coding_cookie(struct scan *sc)
{
	const uint8_t *t = sc->text;
	size_t len = sc->len, i = 0, line, k, n, start;

	for (line = 0; line < 2 && i < len; line++) {
		size_t end = i;

		while (end < len && t[end] != '\n' && t[end] != '\r')
			end++;
		k = skip_spaces(t, end, i);
		if (k < end && t[k] == '#') {
			for (; k + 7 <= end; k++) {
				if (memcmp(t + k, "coding", 6) != 0 || (t[k + 6] != ':' && t[k + 6] != '='))
					continue;
				start = skip_spaces(t, end, k + 7);
				for (n = start; n < end && (is_ident(t[n]) || t[n] == '-' || t[n] == '.'); n++)
					;
				if (n == start)
					break;
				for (k = 0; k < sizeof(plain_encodings) / sizeof(plain_encodings[0]); k++) {
					if (strlen(plain_encodings[k]) == n - start &&
					    match_at(t, end, start, (const uint8_t *)plain_encodings[k],
						     n - start, true, true))
						return;
				}
				fire(sc->out, CONTENT_HIDDEN_NAME, "declares an unusual source encoding, "
				     "so the code that runs differs from the bytes a reader sees", start);
				fire(sc->out, CONTENT_DYNAMIC_CODE, "decodes its own source with an unusual "
				     "encoding", start);
				return;
			}
		}
		i = end;
		if (i < len && t[i] == '\r')
			i++;
		if (i < len && t[i] == '\n')
			i++;
	}
}

/* Fires the features that need two pieces of evidence or a count. */
static void
combine_evidence(struct scan *sc)
{
	struct content_report *out = sc->out;

	if (out->features & (1u << CONTENT_PROCESS)) {
		if (sc->executable)
			fire(out, CONTENT_RESPAWN, sc->executable_reason, sc->executable_offset);
		else if (sc->python_string)
			fire(out, CONTENT_RESPAWN, sc->python_reason, sc->python_offset);
	}
	if (sc->hook_path && sc->file_write)
		fire(out, CONTENT_SELF_REPAIR, sc->hook_path_reason, sc->hook_path_offset);
	if (sc->chr_calls >= CHR_CALLS_MIN)
		fire(out, CONTENT_HIDDEN_NAME, "builds text from chr() calls", sc->chr_offset);
	if (sc->hex_escapes >= HEX_ESCAPES_MIN)
		fire(out, CONTENT_HIDDEN_NAME, "spells text with escapes such as \\x41",
		     sc->hex_escape_offset);
	if (sc->fork_calls >= 2)
		fire(out, CONTENT_DETACH, "forks twice to detach", sc->fork_offset);
}

static bool
is_encoded_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

/* Finds the longest run of base64 (standard or URL-safe) alphabet bytes, which covers hex. */
static void
measure_encoded_run(const uint8_t *text, size_t len, struct content_report *out)
{
	size_t i = 0, start;

	while (i < len) {
		if (!is_encoded_byte(text[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && is_encoded_byte(text[i]))
			i++;
		if (i - start > out->encoded_run) {
			out->encoded_run = i - start;
			out->encoded_run_offset = start;
		}
	}
}

/*
 * Computes log2(x) for x > 0 without libm. x is scaled into [1, 2), and
 * ln of the rest comes from the atanh series in y = (x-1)/(x+1). Since
 * y < 1/3, the 30 terms summed reach double precision.
 */
static double
log2_positive(double x)
{
	double exponent = 0.0, y, y2, term, sum = 0.0;
	int k;

	while (x >= 2.0) {
		x /= 2.0;
		exponent += 1.0;
	}
	while (x < 1.0) {
		x *= 2.0;
		exponent -= 1.0;
	}
	y = (x - 1.0) / (x + 1.0);
	y2 = y * y;
	term = y;
	for (k = 1; k < 60; k += 2) {
		sum += term / k;
		term *= y2;
	}
	return exponent + 2.0 * sum / 0.69314718055994530942;
}

static double
shannon_entropy(const uint8_t *text, size_t len)
{
	size_t counts[256] = { 0 };
	double entropy = 0.0, p;
	size_t i;

	if (len == 0)
		return 0.0;
	for (i = 0; i < len; i++)
		counts[text[i]]++;
	for (i = 0; i < 256; i++) {
		if (counts[i] == 0)
			continue;
		p = (double)counts[i] / (double)len;
		entropy -= p * log2_positive(p);
	}
	return entropy;
}

static void
measure_text(struct scan *sc, enum content_kind kind)
{
	struct content_report *out = sc->out;
	size_t large = kind == CONTENT_PTH_LINE ? CONTENT_LARGE_PTH_LINE : CONTENT_LARGE_MODULE;

	measure_encoded_run(sc->text, sc->len, out);
	if (out->encoded_run >= CONTENT_ENCODED_RUN_MIN)
		fire(out, CONTENT_ENCODED_RUN, "contains a long base64 or hex run", out->encoded_run_offset);

	out->entropy = shannon_entropy(sc->text, sc->len);
	if (sc->len >= CONTENT_ENTROPY_MIN_LEN && out->entropy >= CONTENT_ENTROPY_HIGH)
		fire(out, CONTENT_HIGH_ENTROPY, "has high entropy, like packed or encrypted data", 0);

	if (out->length > large)
		fire(out, CONTENT_LARGE, kind == CONTENT_PTH_LINE ? "is an unusually long .pth line"
								  : "is an unusually large module", 0);
}

int
content_analyse(const uint8_t *text, size_t len, enum content_kind kind,
		struct content_report *out)
{
	struct scan sc;

	if (out == NULL || (text == NULL && len > 0) ||
	    (kind != CONTENT_PTH_LINE && kind != CONTENT_MODULE))
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	out->length = len;
	out->analysed = len > CONTENT_MAX_TEXT ? CONTENT_MAX_TEXT : len;
	out->truncated = len > CONTENT_MAX_TEXT;
	if (out->analysed == 0)
		return 0;

	memset(&sc, 0, sizeof(sc));
	sc.text = text;
	sc.len = out->analysed;
	sc.out = out;

	load_signatures(&sc);
	if (kind == CONTENT_MODULE)
		check_coding_cookie(&sc);
	walk_text(&sc);
	combine_evidence(&sc);
	measure_text(&sc, kind);
	return 0;
}

bool
content_has(const struct content_report *report, enum content_feature feature)
{
	return report != NULL && (unsigned)feature < CONTENT_FEATURE_COUNT &&
	       (report->features & (1u << feature)) != 0;
}

const char *
content_feature_name(enum content_feature feature)
{
	static const char *const names[CONTENT_FEATURE_COUNT] = {
		[CONTENT_DYNAMIC_CODE] = "dynamic-code",
		[CONTENT_HIDDEN_NAME] = "hidden-name",
		[CONTENT_DECODING] = "decoding",
		[CONTENT_PROCESS] = "process",
		[CONTENT_RESPAWN] = "respawn",
		[CONTENT_NETWORK] = "network",
		[CONTENT_RUNTIME] = "runtime",
		[CONTENT_EXIT_HOOK] = "exit-hook",
		[CONTENT_SELF_REPAIR] = "self-repair",
		[CONTENT_PROC_GUARD] = "proc-guard",
		[CONTENT_ENV_GUARD] = "env-guard",
		[CONTENT_ARGV_GUARD] = "argv-guard",
		[CONTENT_DETACH] = "detach",
		[CONTENT_ENCODED_RUN] = "encoded-run",
		[CONTENT_HIGH_ENTROPY] = "high-entropy",
		[CONTENT_LARGE] = "large",
		[CONTENT_KNOWN_FRAGMENT] = "known-fragment",
		[CONTENT_ADDRESS] = "address",
	};

	if ((unsigned)feature >= CONTENT_FEATURE_COUNT)
		return NULL;
	return names[feature];
}
