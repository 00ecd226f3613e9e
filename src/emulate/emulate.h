/*
 * emulate: harmless versions of the published T1546.018 test procedures,
 * run in a sandbox directory, and the check that each sitehound face
 * detects them.
 *
 * Each Linux scenario plants a hook whose payload only creates a marker
 * file in the sandbox, and runs the real interpreter to show that the
 * payload runs. It then scans the sandbox and hunts through the Defender
 * file events the actions would have produced. Scenarios of the Windows and macOS tests are
 * checked through their telemetry alone. The sandbox is removed at the end
 * and its removal verified. Nothing outside the sandbox is written unless
 * real_user or real_system asks for it, and then what was there is restored.
 */
#ifndef SITEHOUND_EMULATE_EMULATE_H
#define SITEHOUND_EMULATE_EMULATE_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/scan.h"

/* Detectors of one scenario, in table order. */
enum emulate_detector {
	EMULATE_PAYLOAD, /* the real interpreter ran the payload */
	EMULATE_SCAN,
	EMULATE_HUNT,
	EMULATE_SEED,
	EMULATE_WATCH,
	EMULATE_DETECTORS
};

enum emulate_outcome {
	EMULATE_NOT_EXPECTED, /* the detector is not meant to see this scenario */
	EMULATE_PASS,
	EMULATE_FAIL,
	EMULATE_SKIPPED,      /* cannot run here, for the reason given */
};

struct emulate_check {
	enum emulate_outcome outcome;
	char reason[256];
};

struct emulate_result {
	const char *scenario;    /* stable name */
	const char *description;
	struct emulate_check checks[EMULATE_DETECTORS];
};

struct emulate_options {
	const char *python;       /* the interpreter for Linux scenarios */
	const char *python313;    /* an interpreter that splits .pth lines at form feeds, or NULL */
	const char *sitehound;    /* this program, for the watcher run as a child */
	bool with_watch;
	bool real_user;   /* also plant usercustomize.py in the invoking user's real user site */
	bool real_system; /* also plant a .pth in the interpreter's real site-packages */
	const struct scan_options *scan; /* base options: the allowlist and caps */
};

/*
 * Runs every scenario. *results is an array of *count results, freed with
 * free(). *cleaned is false when the sandbox could not be removed.
 * Returns 0 or a negative errno when the sandbox could not be made.
 */
__attribute__((warn_unused_result))
int emulate_run(const struct emulate_options *opts, struct emulate_result **results,
		size_t *count, bool *cleaned, char *sandbox, size_t sandbox_size);

const char *emulate_detector_name(enum emulate_detector d);
const char *emulate_outcome_name(enum emulate_outcome o);

#endif
