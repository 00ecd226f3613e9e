/*
 * score: the verdict on one hook, from what is known about it: who
 * installed it and whether its bytes still match that record, whether it
 * has a known benign shape or a site allowed it, and what its code does.
 *
 * assess_score() is the one place that sets severity and confidence from
 * these inputs; docs/assess.md has the same rules as a table. It adds one
 * short reason per fact it used to the finding, and allocates only those.
 */
#ifndef SITEHOUND_ASSESS_SCORE_H
#define SITEHOUND_ASSESS_SCORE_H

#include <stdbool.h>

#include "assess/content.h"
#include "core/finding.h"
#include "provenance/catalogue.h"
#include "provenance/record.h"

struct assess_input {
	bool executable;                 /* the hook runs code: an import line or a module */
	enum prov_verdict provenance;    /* PROV_NOT_LISTED when no package record lists it */
	const char *owner;               /* the package that lists it, or NULL */
	bool conffile;                   /* a Debian conffile, which an administrator may edit */
	/* The record is the system package database (dpkg), which only root writes.
	 * A RECORD or conda-meta file sits beside the hook, so the writer of the hook can
	 * write it too. Such a record shows the file is unchanged, not who wrote it. */
	bool system_record;
	const struct catalogue_entry *catalogue; /* the known benign shape, or NULL */
	const char *allowed;             /* the --allow comment for its SHA-256, or NULL */
	/* Another line of the same file has a known benign shape and this one does not:
	 * a statement added to a tool's hook. */
	bool beside_known;
	const struct content_report *content;    /* NULL when the content is not known */
	/* The reason a directory that a known shape adds to sys.path is unsafe
	 * (temporary or world-writable), or NULL. */
	const char *unsafe_dir;
	/* A module that a .pth line imports from its own site directory, or NULL. */
	const char *imported_name;
	const struct content_report *imported;   /* its content; NULL when not analysed */
	enum prov_verdict imported_provenance;   /* PROV_NOT_LISTED when no record lists it */
	const char *imported_owner;
};

/*
 * Sets f's severity and confidence from in and adds the reasons. A hook
 * that runs no code keeps the severity its rule gave it. Returns 0 or
 * -ENOMEM; reasons beyond the finding's capacity are dropped silently
 * only when the verdict does not depend on them.
 */
__attribute__((warn_unused_result))
int assess_score(const struct assess_input *in, struct finding *f);

/*
 * Whether a content feature alone makes a hook dangerous (process
 * creation, network, another runtime, self-repair, detaching, a known
 * malicious fragment) rather than only unusual (dynamic code, guards,
 * encoded runs, entropy, size).
 */
bool assess_feature_dangerous(enum content_feature feature);

#endif
