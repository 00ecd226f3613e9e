/*
 * Unit tests for assess/score: verdicts from provenance, the catalogue,
 * the site allowlist and the content analyser, run on real hook lines.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assess/score.h"

static const char setuptools_line[] =
	"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == "
	"'local'; enabled and __import__('_distutils_hack').add_shim(); \n";
/* The setuptools line with one statement appended, as a tampered copy would be. */
static const char tampered_line[] =
	"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == "
	"'local'; enabled and __import__('_distutils_hack').add_shim(); os.system('id')\n";
/* Starts this Python again with an encoded payload, so every child runs the hook too. */
static const char respawn_line[] =
	"import subprocess, sys, base64; subprocess.Popen([sys.executable, '-c', "
	"base64.b64decode('cHJpbnQoMSk=')], stdout=subprocess.DEVNULL)\n";
static const char plain_import[] = "import helper_startup\n";

struct score_case {
	const char *name;
	const char *text;
	bool executable;
	enum prov_verdict provenance;
	const char *owner;
	bool conffile;
	bool use_catalogue;
	const char *allowed;
	bool beside_known;
	enum severity want_severity;
	enum confidence want_confidence;
};

static const struct score_case cases[] = {
	{ "known shape, package verified", setuptools_line, true, PROV_MATCH, "setuptools 65.5.0",
	  false, true, NULL, false, SEV_INFO, CONF_HIGH },
	{ "known shape, no record", setuptools_line, true, PROV_NOT_LISTED, NULL, false, true,
	  NULL, false, SEV_LOW, CONF_MEDIUM },
	{ "known shape, listed without hash", setuptools_line, true, PROV_NO_HASH, "setuptools",
	  false, true, NULL, false, SEV_LOW, CONF_MEDIUM },
	{ "tampered known shape", tampered_line, true, PROV_MISMATCH, "setuptools", false, true,
	  NULL, false, SEV_HIGH, CONF_HIGH },
	{ "tampered known shape, no record", tampered_line, true, PROV_NOT_LISTED, NULL, false,
	  true, NULL, false, SEV_HIGH, CONF_HIGH },
	{ "changed Debian conffile", plain_import, true, PROV_MISMATCH, "libpython3.11-minimal",
	  true, false, NULL, false, SEV_MEDIUM, CONF_MEDIUM },
	{ "changed packaged file", plain_import, true, PROV_MISMATCH, "example", false, false,
	  NULL, false, SEV_HIGH, CONF_HIGH },
	{ "unknown import, no record", plain_import, true, PROV_NOT_LISTED, NULL, false, false,
	  NULL, false, SEV_MEDIUM, CONF_MEDIUM },
	{ "unknown import, RECORD verified", plain_import, true, PROV_MATCH, "example", false,
	  false, NULL, false, SEV_MEDIUM, CONF_MEDIUM },
	{ "respawn from a verified wheel", respawn_line, true, PROV_MATCH, "evil-wheel", false,
	  false, NULL, false, SEV_HIGH, CONF_HIGH },
	{ "respawn, no record", respawn_line, true, PROV_NOT_LISTED, NULL, false, false, NULL, false,
	  SEV_HIGH, CONF_HIGH },
	{ "allowed by the site", plain_import, true, PROV_NOT_LISTED, NULL, false, false,
	  "CA bundle injection by the platform team", false, SEV_INFO, CONF_HIGH },
	{ "runs no code", "/opt/lib\n", false, PROV_NOT_LISTED, NULL, false, false, NULL, false,
	  SEV_LOW, CONF_LOW },
	{ "import added beside a known shape", plain_import, true, PROV_NOT_LISTED, NULL, false,
	  false, NULL, true, SEV_HIGH, CONF_MEDIUM },
	{ "known shape beside another line", setuptools_line, true, PROV_NOT_LISTED, NULL, false,
	  true, NULL, true, SEV_LOW, CONF_MEDIUM },
};

static void
run_case(const struct score_case *c)
{
	struct content_report report;
	struct assess_input in;
	struct finding f;
	size_t len = strlen(c->text);

	finding_init(&f, "pth-exec", "pth", SEV_LOW, CONF_LOW);
	assert_int_equal(content_analyse((const uint8_t *)c->text, len, CONTENT_PTH_LINE, &report), 0);
	memset(&in, 0, sizeof(in));
	in.executable = c->executable;
	in.provenance = c->provenance;
	in.owner = c->owner;
	in.conffile = c->conffile;
	in.catalogue = c->use_catalogue ? catalogue_match_line(c->text, len) : NULL;
	in.allowed = c->allowed;
	in.beside_known = c->beside_known;
	in.content = &report;
	print_message("case: %s\n", c->name);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, c->want_severity);
	assert_int_equal(f.confidence, c->want_confidence);
	if (c->executable)
		assert_true(f.nreasons > 0);
	finding_free(&f);
}

static void
test_score_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* The catalogue matches the setuptools line but not its tampered copy. */
static void
test_catalogue_sees_tampering(void **state)
{
	(void)state;
	assert_non_null(catalogue_match_line(setuptools_line, strlen(setuptools_line)));
	assert_null(catalogue_match_line(tampered_line, strlen(tampered_line)));
}

/*
 * A sample text for one template hole that also passes the entry's extra
 * rule: the namespace tuple spells the package, a dotted package splits
 * into parent and child, and an editable finder module ends in _finder.
 */
static const char *
hole_sample(const struct catalogue_entry *e, char name)
{
	bool dotted = strstr(e->id, "dotted") != NULL;

	switch (name) {
	case 'P':
		return dotted ? "ns.demo" : "demo";
	case 'T':
		return dotted ? "'ns', 'demo'" : "'demo',";
	case 'Q':
		return "ns";
	case 'C':
		return "demo";
	case 'N':
		return "demo_0_1_finder";
	default:
		return "/opt/demo";
	}
}

/* Writes the entry's shape into buf with every hole filled by a sample. */
static size_t
instantiate(const struct catalogue_entry *e, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < e->shape_len && n + 16 < size; i++) {
		if (e->holes && e->shape[i] == '@' && i + 1 < e->shape_len) {
			const char *sample = hole_sample(e, e->shape[++i]);
			size_t k = strlen(sample);

			assert_true(n + k < size);
			memcpy(buf + n, sample, k);
			n += k;
		} else {
			buf[n++] = e->shape[i];
		}
	}
	assert_true(i == e->shape_len);
	return n;
}

/* Every catalogue shape: info when a package verifies it, low when none does, never high. */
static void
test_catalogue_shapes_score(void **state)
{
	static char text[64 * 1024];
	size_t i;

	(void)state;
	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];
		enum content_kind kind = e->kind == CATALOGUE_MODULE ? CONTENT_MODULE : CONTENT_PTH_LINE;
		size_t len = instantiate(e, text, sizeof(text));
		const struct catalogue_entry *found = e->kind == CATALOGUE_MODULE
			? catalogue_match_module(text, len) : catalogue_match_line(text, len);
		struct content_report report;
		struct assess_input in;
		struct finding f;

		print_message("shape: %s\n", e->id);
		assert_non_null(found);
		assert_int_equal(content_analyse((const uint8_t *)text, len, kind, &report), 0);
		memset(&in, 0, sizeof(in));
		in.executable = true;
		in.content = &report;
		in.catalogue = found;
		in.provenance = PROV_NOT_LISTED;
		finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
		assert_int_equal(assess_score(&in, &f), 0);
		assert_int_equal(f.severity, SEV_LOW);
		finding_free(&f);

		in.provenance = PROV_MATCH;
		in.owner = e->owner;
		finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
		assert_int_equal(assess_score(&in, &f), 0);
		assert_int_equal(f.severity, SEV_INFO);
		finding_free(&f);
	}
}

/* A .pth line is judged with the module it imports from its own directory. */
static void
test_imported_module(void **state)
{
	static const char helper[] =
		"import subprocess, sys\n"
		"def run():\n"
		"    subprocess.Popen([sys.executable, '-c', 'print(1)'])\n";
	static const char plain_module[] = "VALUE = 1\n";
	static const char line[] = "import boot_helper; boot_helper.run()\n";
	struct content_report line_report, module_report;
	struct assess_input in;
	struct finding f;

	(void)state;
	assert_int_equal(content_analyse((const uint8_t *)line, strlen(line), CONTENT_PTH_LINE,
					 &line_report), 0);
	memset(&in, 0, sizeof(in));
	in.executable = true;
	in.provenance = PROV_NOT_LISTED;
	in.content = &line_report;
	in.imported_name = "boot_helper";
	in.imported_provenance = PROV_NOT_LISTED;

	/* A harmless imported module leaves the unknown line at medium. */
	assert_int_equal(content_analyse((const uint8_t *)plain_module, strlen(plain_module),
					 CONTENT_MODULE, &module_report), 0);
	in.imported = &module_report;
	finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, SEV_MEDIUM);
	finding_free(&f);

	/* Process creation in the imported module makes the line high. */
	assert_int_equal(content_analyse((const uint8_t *)helper, strlen(helper), CONTENT_MODULE,
					 &module_report), 0);
	finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, SEV_HIGH);
	assert_non_null(strstr(f.reasons[0], "imports boot_helper, which"));
	finding_free(&f);

	/* A known line whose imported module no longer matches its record is high. */
	in.imported = NULL;
	in.catalogue = catalogue_match_line(setuptools_line, strlen(setuptools_line));
	in.provenance = PROV_MATCH;
	in.owner = "setuptools 66.1.1";
	in.imported_name = "_distutils_hack";
	in.imported_provenance = PROV_MISMATCH;
	in.imported_owner = "setuptools 66.1.1";
	finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, SEV_HIGH);
	assert_int_equal(f.confidence, CONF_HIGH);
	finding_free(&f);

	/* The same line with its module as recorded stays info. */
	in.imported_provenance = PROV_MATCH;
	finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, SEV_INFO);
	finding_free(&f);
}

/* dpkg, which only root writes, vouches for an unknown hook; a RECORD beside it does not. */
static void
test_system_record_vouches(void **state)
{
	struct content_report report;
	struct assess_input in;
	struct finding f;

	(void)state;
	assert_int_equal(content_analyse((const uint8_t *)plain_import, strlen(plain_import),
					 CONTENT_PTH_LINE, &report), 0);
	memset(&in, 0, sizeof(in));
	in.executable = true;
	in.provenance = PROV_MATCH;
	in.owner = "python3-example 1.0-1";
	in.content = &report;

	in.system_record = true;
	finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, SEV_LOW);
	finding_free(&f);

	in.system_record = false;
	finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, SEV_MEDIUM);
	assert_non_null(strstr(f.reasons[f.nreasons - 1], "not who wrote it"));
	finding_free(&f);
}

/* A known shape that adds a world-writable directory is not benign. */
static void
test_known_shape_unsafe_dir(void **state)
{
	static const char line[] = "import site; site.addsitedir(\"/dev/shm/overlay\")\n";
	struct content_report report;
	struct assess_input in;
	struct finding f;

	(void)state;
	assert_int_equal(content_analyse((const uint8_t *)line, strlen(line), CONTENT_PTH_LINE,
					 &report), 0);
	memset(&in, 0, sizeof(in));
	in.executable = true;
	in.provenance = PROV_NOT_LISTED;
	in.content = &report;
	in.catalogue = catalogue_match_line(line, strlen(line));
	assert_non_null(in.catalogue);
	in.unsafe_dir = "a temporary directory";
	finding_init(&f, "pth-exec", "pth", SEV_MEDIUM, CONF_MEDIUM);
	assert_int_equal(assess_score(&in, &f), 0);
	assert_int_equal(f.severity, SEV_MEDIUM);
	finding_free(&f);
}

static void
test_dangerous_features(void **state)
{
	(void)state;
	assert_true(assess_feature_dangerous(CONTENT_PROCESS));
	assert_true(assess_feature_dangerous(CONTENT_RESPAWN));
	assert_true(assess_feature_dangerous(CONTENT_NETWORK));
	assert_false(assess_feature_dangerous(CONTENT_DYNAMIC_CODE));
	assert_false(assess_feature_dangerous(CONTENT_ENV_GUARD));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score_cases),
		cmocka_unit_test(test_catalogue_sees_tampering),
		cmocka_unit_test(test_dangerous_features),
		cmocka_unit_test(test_catalogue_shapes_score),
		cmocka_unit_test(test_imported_module),
		cmocka_unit_test(test_system_record_vouches),
		cmocka_unit_test(test_known_shape_unsafe_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
