/*
 * The known-good catalogue: one entry per shape, each with the project,
 * file and versions it was taken from. Shapes are content only; the file
 * names in the comments are where the tools put them, never part of the
 * match. In templates "@X" is a hole (see catalogue.h); '@' appears in no
 * literal part of any template.
 */
#include "provenance/catalogue.h"

#include <string.h>

#define SHAPE(s) (s), (sizeof(s) - 1)

/*
 * Whether hole T is the repr body of tuple(pkg.split('.')) for the
 * package in hole P: "'ns'," for one part, "'a', 'b'" for more
 * (setuptools namespaces.py formats the tuple with %r).
 */
static bool
tuple_spells_package(const char *line, const struct catalogue_match *m)
{
	size_t poff, plen, toff, tlen, pi, ti = 0, parts = 1;
	const char *tuple;

	if (!catalogue_binding_get(m, 'P', &poff, &plen) ||
	    !catalogue_binding_get(m, 'T', &toff, &tlen))
		return false;
	tuple = line + toff;

	for (pi = 0; pi <= plen; pi++) {
		bool end = pi == plen || line[poff + pi] == '.';

		if (pi == 0 || line[poff + pi - 1] == '.') {
			if (ti >= tlen || tuple[ti++] != '\'')
				return false;
		}
		if (!end) {
			if (ti >= tlen || tuple[ti++] != line[poff + pi])
				return false;
			continue;
		}
		if (ti >= tlen || tuple[ti++] != '\'')
			return false;
		if (pi < plen) {
			if (tlen - ti < 2 || tuple[ti] != ',' || tuple[ti + 1] != ' ')
				return false;
			ti += 2;
			parts++;
		}
	}
	if (parts == 1)
		return ti + 1 == tlen && tuple[ti] == ',';
	return ti == tlen;
}

/* Dotted namespace: P must be Q "." C, the parent and child of the setattr tail. */
static bool
dotted_package_consistent(const char *line, const struct catalogue_match *m)
{
	size_t poff, plen, qoff, qlen, coff, clen;

	if (!catalogue_binding_get(m, 'P', &poff, &plen) ||
	    !catalogue_binding_get(m, 'Q', &qoff, &qlen) ||
	    !catalogue_binding_get(m, 'C', &coff, &clen))
		return false;
	if (plen != qlen + 1 + clen)
		return false;
	if (memcmp(line + poff, line + qoff, qlen) != 0 || line[poff + qlen] != '.' ||
	    memcmp(line + poff + qlen + 1, line + coff, clen) != 0)
		return false;
	return tuple_spells_package(line, m);
}

/* setuptools names the finder module __editable___<name>_<version>_finder. */
static bool
editable_finder_name(const char *line, const struct catalogue_match *m)
{
	static const char suffix[] = "_finder";
	size_t offset, len, n = sizeof(suffix) - 1;

	if (!catalogue_binding_get(m, 'N', &offset, &len) || len <= n)
		return false;
	return memcmp(line + offset + len - n, suffix, n) == 0;
}

static const struct catalogue_hole nspkg_single_holes[] = {
	{ 'P', HOLE_IDENT }, { 'T', HOLE_NAME_TUPLE }, { 0, HOLE_IDENT },
};
static const struct catalogue_hole nspkg_dotted_holes[] = {
	{ 'P', HOLE_DOTTED }, { 'T', HOLE_NAME_TUPLE }, { 'Q', HOLE_DOTTED },
	{ 'C', HOLE_IDENT }, { 0, HOLE_IDENT },
};
static const struct catalogue_hole nspkg_develop_single_holes[] = {
	{ 'P', HOLE_IDENT }, { 'T', HOLE_NAME_TUPLE }, { 'R', HOLE_SQ_TEXT },
	{ 0, HOLE_IDENT },
};
static const struct catalogue_hole nspkg_develop_dotted_holes[] = {
	{ 'P', HOLE_DOTTED }, { 'T', HOLE_NAME_TUPLE }, { 'Q', HOLE_DOTTED },
	{ 'C', HOLE_IDENT }, { 'R', HOLE_SQ_TEXT }, { 0, HOLE_IDENT },
};
static const struct catalogue_hole ident_hole_n[] = {
	{ 'N', HOLE_IDENT }, { 0, HOLE_IDENT },
};
static const struct catalogue_hole dq_text_hole_d[] = {
	{ 'D', HOLE_DQ_TEXT }, { 0, HOLE_IDENT },
};

/*
 * setuptools namespaces.py joins its _nspkg_tmpl parts with ';' and fills
 * %(root)s, %(pth)r and %(pkg)r. The root is the sitedir frame lookup for
 * installs, and repr(egg_path) for "setup.py develop" (DevelopInstaller).
 */
#define NSPKG_SITEDIR "sys._getframe(1).f_locals['sitedir']"
#define NSPKG_DEVELOP "'@R'"

/* setuptools before 69.1.0: the has_mfs guard form (checked in 41.2.0 and 65.5.0). */
#define NSPKG_MFS(root) \
	"import sys, types, os;has_mfs = sys.version_info > (3, 5);" \
	"p = os.path.join(" root ", *(@T));" \
	"importlib = has_mfs and __import__('importlib.util');" \
	"has_mfs and __import__('importlib.machinery');" \
	"m = has_mfs and sys.modules.setdefault('@P', importlib.util.module_from_spec(" \
	"importlib.machinery.PathFinder.find_spec('@P', [os.path.dirname(p)])));" \
	"m = m or sys.modules.setdefault('@P', types.ModuleType('@P'));" \
	"mp = (m or []) and m.__dict__.setdefault('__path__',[]);" \
	"(p not in mp) and mp.append(p)"

/*
 * setuptools 69.1.0 and later: the same without has_mfs.
 * NOTE: written from the published 69.1.0+ shape, not from a 69.1.0+ release.
 */
#define NSPKG_NEW(root) \
	"import sys, types, os;" \
	"p = os.path.join(" root ", *(@T));" \
	"importlib = __import__('importlib.util');" \
	"__import__('importlib.machinery');" \
	"m = sys.modules.setdefault('@P', importlib.util.module_from_spec(" \
	"importlib.machinery.PathFinder.find_spec('@P', [os.path.dirname(p)])));" \
	"m = m or sys.modules.setdefault('@P', types.ModuleType('@P'));" \
	"mp = (m or []) and m.__dict__.setdefault('__path__',[]);" \
	"(p not in mp) and mp.append(p)"

/* _nspkg_tmpl_multi, appended for a dotted package "parent.child". */
#define NSPKG_TAIL ";m and setattr(sys.modules['@Q'], '@C', m)"

#define NSPKG_SOURCE_MFS "setuptools setuptools/namespaces.py _nspkg_tmpl, as installed in 41.2.0 and 65.5.0"
#define NSPKG_SOURCE_NEW "setuptools setuptools/namespaces.py _nspkg_tmpl without has_mfs (69.1.0 and later)"

/* coverage builds this line from coverage/pth_file.py, with comments and indentation removed. */
static const char a1_coverage_pth[] =
	"import sys; exec('import os\\n"
	"\\n"
	"if os.getenv(\"COVERAGE_PROCESS_START\") or os.getenv(\"COVERAGE_PROCESS_CONFIG\"):\\n"
	" try:\\n"
	"  import coverage\\n"
	" except:\\n"
	"  pass\\n"
	" else:\\n"
	"  coverage.process_startup(slug=\"pth\")')";

static const char pytest_cov_pth_embed[] =
	"import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n"
	" try:\\n"
	"  from pytest_cov.embed import init\\n"
	"  init()\\n"
	" except ImportError as exc:\\n"
	"  sys.stderr.write(\\n"
	"   \"Failed to setup coverage.\"\\n"
	"   \"Sources: {[COV_CORE_SOURCE]!r}\"\\n"
	"   \"Config: {[COV_CORE_CONFIG]!r}\"\\n"
	"   \"Exception: {!r}\\\\n"
	"\".format(os.environ, exc))\\n"
	"')";

static const char pytest_cov_pth_reorder[] =
	"import os, sys;exec('try:\\n"
	" import pkg_resources\\n"
	"except ImportError:\\n"
	" pass\\n"
	"else:\\n"
	" def reordered_iter_entry_points(group, name=None, __original=pkg_resources.iter_entry_points):\\n"
	"  if group == \\'pytest11\\' and name is None:\\n"
	"   delayed_entrypoints = []\\n"
	"   for ep in __original(group):\\n"
	"    if ep.name == \\'pytest_cov\\':\\n"
	"     yield ep\\n"
	"     for delayed_ep in delayed_entrypoints:\\n"
	"      yield delayed_ep\\n"
	"     delayed_entrypoints = None\\n"
	"    elif delayed_entrypoints is None:\\n"
	"     yield ep\\n"
	"    else:\\n"
	"     delayed_entrypoints.append(ep)\\n"
	"  else:\\n"
	"   for ep in __original(group, name):\\n"
	"    yield ep\\n"
	" pkg_resources.iter_entry_points = reordered_iter_entry_points\\n"
	"if \\'COV_CORE_SOURCE\\' in os.environ:\\n"
	" try:\\n"
	"  from pytest_cov.embed import init\\n"
	"  init()\\n"
	" except Exception as exc:\\n"
	"  sys.stderr.write(\\n"
	"   \"pytest-cov: Failed to setup subprocess coverage. \"\\n"
	"   \"Environ: {0!r} \"\\n"
	"   \"Exception: {1!r}\\\\n"
	"\".format(\\n"
	"    dict((k, v) for k, v in os.environ.items() if k.startswith(\\'COV_CORE\\')),\\n"
	"    exc\\n"
	"   )\\n"
	"  )\\n"
	"')";

/*
 * Debian 12 python3-pytest-cov 4.0.0-1, /usr/lib/python3/dist-packages/pytest-cov.pth,
 * md5 0556c36eedebeceee6bf0ce97673f30d: the embed line with "except Exception" and a
 * multi-line error message.
 */
static const char pytest_cov_pth_embed_exception[] =
	"import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n"
	" try:\\n"
	"  from pytest_cov.embed import init\\n"
	"  init()\\n"
	" except Exception as exc:\\n"
	"  sys.stderr.write(\\n"
	"   \"pytest-cov: Failed to setup subprocess coverage. \"\\n"
	"   \"Environ: {0!r} \"\\n"
	"   \"Exception: {1!r}\\\\n"
	"\".format(\\n"
	"    dict((k, v) for k, v in os.environ.items() if k.startswith(\\'COV_CORE\\')),\\n"
	"    exc\\n"
	"   )\\n"
	"  )\\n"
	"')";

/* Debian 12 /etc/python3.11/sitecustomize.py, md5 d6b276695157bde06a56ba1b2bc53670. */
static const char debian_apport_sitecustomize[] =
	"# install the apport exception handler if available\n"
	"try:\n"
	"    import apport_python_hook\n"
	"except ImportError:\n"
	"    pass\n"
	"else:\n"
	"    apport_python_hook.install()\n";

const struct catalogue_entry catalogue_entries[] = {
	{
		"setuptools-distutils-precedence-local", "setuptools",
		"seen in 65.5.0 and Debian python3-setuptools 66.1.1; reported for 49.3.x and 60.0.0+",
		CATALOGUE_PTH_LINE,
		"distutils-precedence.pth as installed by setuptools 65.5.0 (pyenv 3.10, 3.11) "
		"and Debian python3-setuptools 66.1.1",
		SHAPE("import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = "
		      "os.environ.get(var, 'local') == 'local'; enabled and "
		      "__import__('_distutils_hack').add_shim(); "),
		NULL, NULL,
	},
	{
		"setuptools-distutils-precedence-stdlib", "setuptools",
		"seen in 56.0.0 and 58.1.0; reported for 50.1.0 to 59.x",
		CATALOGUE_PTH_LINE,
		"distutils-precedence.pth as installed by setuptools 56.0.0 and 58.1.0 (pyenv 3.8, 3.9)",
		SHAPE("import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = "
		      "os.environ.get(var, 'stdlib') == 'local'; enabled and "
		      "__import__('_distutils_hack').add_shim(); "),
		NULL, NULL,
	},
	{
		"setuptools-nspkg-mfs", "setuptools namespace_packages",
		"before 69.1.0 (seen in 41.2.0 and 65.5.0)", CATALOGUE_PTH_LINE, NSPKG_SOURCE_MFS,
		SHAPE(NSPKG_MFS(NSPKG_SITEDIR)), nspkg_single_holes, tuple_spells_package,
	},
	{
		"setuptools-nspkg-mfs-dotted", "setuptools namespace_packages",
		"before 69.1.0 (seen in 41.2.0 and 65.5.0)", CATALOGUE_PTH_LINE, NSPKG_SOURCE_MFS,
		SHAPE(NSPKG_MFS(NSPKG_SITEDIR) NSPKG_TAIL), nspkg_dotted_holes,
		dotted_package_consistent,
	},
	{
		"setuptools-nspkg-mfs-develop", "setuptools develop namespace_packages",
		"before 69.1.0 (seen in 41.2.0 and 65.5.0)", CATALOGUE_PTH_LINE, NSPKG_SOURCE_MFS " (DevelopInstaller)",
		SHAPE(NSPKG_MFS(NSPKG_DEVELOP)), nspkg_develop_single_holes, tuple_spells_package,
	},
	{
		"setuptools-nspkg-mfs-develop-dotted", "setuptools develop namespace_packages",
		"before 69.1.0 (seen in 41.2.0 and 65.5.0)", CATALOGUE_PTH_LINE, NSPKG_SOURCE_MFS " (DevelopInstaller)",
		SHAPE(NSPKG_MFS(NSPKG_DEVELOP) NSPKG_TAIL), nspkg_develop_dotted_holes,
		dotted_package_consistent,
	},
	{
		"setuptools-nspkg", "setuptools namespace_packages",
		"69.1.0 or later", CATALOGUE_PTH_LINE, NSPKG_SOURCE_NEW,
		SHAPE(NSPKG_NEW(NSPKG_SITEDIR)), nspkg_single_holes, tuple_spells_package,
	},
	{
		"setuptools-nspkg-dotted", "setuptools namespace_packages",
		"69.1.0 or later", CATALOGUE_PTH_LINE, NSPKG_SOURCE_NEW,
		SHAPE(NSPKG_NEW(NSPKG_SITEDIR) NSPKG_TAIL), nspkg_dotted_holes,
		dotted_package_consistent,
	},
	{
		"setuptools-nspkg-develop", "setuptools develop namespace_packages",
		"69.1.0 or later", CATALOGUE_PTH_LINE, NSPKG_SOURCE_NEW " (DevelopInstaller)",
		SHAPE(NSPKG_NEW(NSPKG_DEVELOP)), nspkg_develop_single_holes, tuple_spells_package,
	},
	{
		"setuptools-nspkg-develop-dotted", "setuptools develop namespace_packages",
		"69.1.0 or later", CATALOGUE_PTH_LINE, NSPKG_SOURCE_NEW " (DevelopInstaller)",
		SHAPE(NSPKG_NEW(NSPKG_DEVELOP) NSPKG_TAIL), nspkg_develop_dotted_holes,
		dotted_package_consistent,
	},
	{
		"setuptools-editable-finder", "setuptools PEP 660 editable install",
		"PEP 660 editable installs, seen in 65.5.0 (__editable__.<name>-<version>.pth)",
		CATALOGUE_PTH_LINE,
		"setuptools 65.5.0 setuptools/command/editable_wheel.py _TopLevelFinder.__call__",
		SHAPE("import __editable___@N; __editable___@N.install()"), ident_hole_n,
		editable_finder_name,
	},
	{
		"editables-import-hook", "editables (hatchling, uv editables)",
		"editables 0.5 import_hook mode (first line of <name>.pth)", CATALOGUE_PTH_LINE,
		"pfmoore/editables src/editables/__init__.py EditableProject.pth_file, 0.5",
		SHAPE("import _editable_impl_@N"), ident_hole_n, NULL,
	},
	{
		"setuptools-easy-install-rewrite-prelude", "setuptools easy_install",
		"SETUPTOOLS_SYS_PATH_TECHNIQUE=rewrite (easy-install.pth)", CATALOGUE_PTH_LINE,
		"setuptools setuptools/command/easy_install.py RewritePthDistributions.prelude, "
		"as in Debian 66.1.1",
		SHAPE("import sys; sys.__plen = len(sys.path)"), NULL, NULL,
	},
	{
		"setuptools-easy-install-rewrite-postlude", "setuptools easy_install",
		"SETUPTOOLS_SYS_PATH_TECHNIQUE=rewrite (easy-install.pth)", CATALOGUE_PTH_LINE,
		"setuptools setuptools/command/easy_install.py RewritePthDistributions.postlude, "
		"as in Debian 66.1.1",
		SHAPE("import sys; new = sys.path[sys.__plen:]; del sys.path[sys.__plen:]; "
		      "p = getattr(sys, '__egginsert', 0); sys.path[p:p] = new; "
		      "sys.__egginsert = p + len(new)"),
		NULL, NULL,
	},
	{
		"virtualenv", "virtualenv", "20.0.0 or later (_virtualenv.pth, not in any RECORD)",
		CATALOGUE_PTH_LINE,
		"pypa/virtualenv src/virtualenv/create/via_global_ref/api.py install_patch",
		SHAPE("import _virtualenv"), NULL, NULL,
	},
	{
		"uv-ephemeral-overlay", "uv", "uv run --with (_uv_ephemeral_overlay.pth)",
		CATALOGUE_PTH_LINE,
		"the overlay .pth that uv writes for run --with",
		/*
		 * NOTE: not compared with uv's source. Paths with a '"' or '\'
		 * would be escaped, and this shape does not accept escapes.
		 */
		SHAPE("import site; site.addsitedir(\"@D\")"), dq_text_hole_d, NULL,
	},
	{
		"coverage-a1-pth", "coverage", "7.12.1b1 or later (a1_coverage.pth)",
		CATALOGUE_PTH_LINE,
		"a1_coverage.pth as published for coverage 7.12.1b1 and later",
		/* NOTE: taken from the published shape, not compared with a wheel's bytes. */
		SHAPE(a1_coverage_pth), NULL, NULL,
	},
	{
		"coverage-subcover", "coverage", "7.10.3 to 7.12.0 (subcover_<pid>.pth)",
		CATALOGUE_PTH_LINE,
		"nedbat/coveragepy coverage/patch.py create_pth_files and PTH_CODE at 1198feac707d",
		SHAPE("import sys; exec('try:\\n    import coverage\\nexcept:\\n    pass\\n"
		      "else:\\n    coverage.process_startup()\\n')"),
		NULL, NULL,
	},
	{
		"coverage-docs-recipe", "coverage (user-made)", "any",
		CATALOGUE_PTH_LINE,
		"the coverage documentation's subprocess recipe, also common in CI scripts",
		SHAPE("import coverage; coverage.process_startup()"), NULL, NULL,
	},
	{
		"pytest-cov-embed", "pytest-cov", "releases with the embed-only pytest-cov.pth",
		CATALOGUE_PTH_LINE,
		"pytest-dev/pytest-cov src/pytest-cov.pth at fa5d6bde5fe0",
		SHAPE(pytest_cov_pth_embed), NULL, NULL,
	},
	{
		"pytest-cov-embed-exception", "pytest-cov", "4.0.0 (Debian 12 python3-pytest-cov)",
		CATALOGUE_PTH_LINE,
		"pytest-cov.pth of Debian 12 python3-pytest-cov 4.0.0-1",
		SHAPE(pytest_cov_pth_embed_exception), NULL, NULL,
	},
	{
		"pytest-cov-reorder", "pytest-cov",
		"releases that also reorder pkg_resources entry points",
		CATALOGUE_PTH_LINE,
		"pytest-dev/pytest-cov src/pytest-cov.pth at de10b1d45b64",
		SHAPE(pytest_cov_pth_reorder), NULL, NULL,
	},
	{
		"pywin32-portable-path", "pywin32", "pywin32.pth before the Python 3.8 split",
		CATALOGUE_PTH_LINE,
		"mhammond/pywin32 pywin32.pth at 0691c6fff302",
		SHAPE("import os; pywin32_system32 = os.path.join(sitedir,\"pywin32_system32\"); "
		      "os.environ[\"PATH\"] += (\"\" if pywin32_system32 in os.environ[\"PATH\"] "
		      "else (\";\" + pywin32_system32)); getattr(os, \"add_dll_directory\", "
		      "lambda x: None)(pywin32_system32)"),
		NULL, NULL,
	},
	{
		"pywin32-dll-directory", "pywin32", "pywin32_38.pth (Python 3.8 and later)",
		CATALOGUE_PTH_LINE,
		"mhammond/pywin32 pywin32_38.pth at 3b3f45dbb72b",
		SHAPE("import os;os.add_dll_directory(os.path.join(sitedir,\"pywin32_system32\"))"),
		NULL, NULL,
	},
	{
		"pywin32-bootstrap", "pywin32", "later releases (release boundary not checked)",
		CATALOGUE_PTH_LINE,
		"pywin32.pth as copied in third-party trees; not checked against a release",
		SHAPE("import pywin32_bootstrap"), NULL, NULL,
	},
	{
		"debian-apport-sitecustomize", "Debian libpython3.X-minimal (conffile)",
		"Debian 12 python3.11 and other releases with the same stock file",
		CATALOGUE_MODULE,
		"/etc/python3.11/sitecustomize.py of Debian 12 libpython3.11-minimal "
		"(md5 d6b276695157bde06a56ba1b2bc53670)",
		SHAPE(debian_apport_sitecustomize), NULL, NULL,
	},
};

const size_t catalogue_entry_count = sizeof(catalogue_entries) / sizeof(catalogue_entries[0]);
