/*
 * rules: the two detections that hunt runs over each event.
 *
 * The seed rule is the published Microsoft Sentinel query for T1546.018,
 * evaluated operator by operator with Kusto semantics (see kql.h). The
 * default rule reports everything the seed rule reports and what it
 * misses, as findings with severity, confidence and reasons.
 */
#ifndef SITEHOUND_HUNT_RULES_H
#define SITEHOUND_HUNT_RULES_H

#include <stdbool.h>

#include "core/finding.h"
#include "hunt/event.h"
#include "hunt/kql.h"

/* The time filter: keep events with time > now - span (Kusto's ago()). */
struct hunt_window {
	bool enabled;
	kql_ticks now;
	kql_ticks span;
};

/* The computed columns of one seed result row. */
struct seed_row {
	bool file;              /* EventType "FILE"; else "ENV_VAR" */
	bool is_site_packages;
	bool is_sitecustomize;
	bool is_pth;
};

/*
 * Applies the seed query's where clauses to ev. time is the event time when
 * has_time; an event without one fails any enabled window, as a null
 * comparison does in Kusto. Returns true and fills *row for a result row.
 */
bool seed_match(const struct event *ev, kql_ticks time, bool has_time,
		const struct hunt_window *window, struct seed_row *row);

/*
 * Applies the default rule. Returns 1 and initialises *f (the caller frees
 * it with finding_free) when ev is reported, 0 when it is not, -ENOMEM.
 * The caller adds the event time and source.
 */
__attribute__((warn_unused_result))
int default_match(const struct event *ev, kql_ticks time, bool has_time,
		  const struct hunt_window *window, struct finding *f);

struct allowlist;

/*
 * Uses the SHA-256 of the event's file, when the event has one, for what
 * telemetry allows of the assessment: a hash on the site's allowlist
 * (allow may be NULL) makes f info. The hash of a known benign file from
 * the catalogue, of the same kind as the hook, makes it at most low unless
 * a shell or inline code wrote it. f must be a finding
 * that default_match() returned for ev. Returns 0 or -ENOMEM.
 */
__attribute__((warn_unused_result))
int default_check_hash(const struct event *ev, const struct allowlist *allow, struct finding *f);

#endif
