#include "assess/score.h"

#include <errno.h>

/* Features that alone mark code as doing what no benign start-up hook does. */
static const enum content_feature dangerous[] = {
	CONTENT_PROCESS, CONTENT_RESPAWN, CONTENT_NETWORK, CONTENT_RUNTIME,
	CONTENT_SELF_REPAIR, CONTENT_DETACH, CONTENT_KNOWN_FRAGMENT,
};

bool
assess_feature_dangerous(enum content_feature feature)
{
	size_t i;

	for (i = 0; i < sizeof(dangerous) / sizeof(dangerous[0]); i++) {
		if (dangerous[i] == feature)
			return true;
	}
	return false;
}

/* A full reason list is not an error for the verdict. */
static int
tolerate(int rc)
{
	return rc == -E2BIG ? 0 : rc;
}

static const char *
or_unknown(const char *owner)
{
	return owner ? owner : "an unknown package";
}

/* Counts fired features, dangerous and not, and names each in the reasons. */
static int
explain_content(const struct content_report *c, struct finding *f, unsigned *danger,
		unsigned *unusual)
{
	int feature, rc;

	*danger = 0;
	*unusual = 0;
	if (!c)
		return 0;
	for (feature = 0; feature < CONTENT_FEATURE_COUNT; feature++) {
		if (!content_has(c, (enum content_feature)feature))
			continue;
		if (assess_feature_dangerous((enum content_feature)feature))
			(*danger)++;
		else
			(*unusual)++;
		rc = tolerate(finding_add_reason(f, "%s", c->hits[feature].reason));
		if (rc < 0)
			return rc;
	}
	/* Code past the analysed part was never read; no benign hook is that large. */
	if (c->truncated) {
		(*danger)++;
		rc = tolerate(finding_add_reason(f, "is longer than the %u bytes that are analysed, "
						 "so the rest was not read", CONTENT_MAX_TEXT));
		if (rc < 0)
			return rc;
	}
	/* Decoding or hidden names feeding dynamic code is how hooks hide a payload. */
	if (content_has(c, CONTENT_DYNAMIC_CODE) &&
	    (content_has(c, CONTENT_DECODING) || content_has(c, CONTENT_HIDDEN_NAME)))
		(*danger)++;
	return 0;
}

/* Known shapes: info when a package record vouches for this copy, else low. */
static int
score_known_shape(const struct assess_input *in, bool verified, struct finding *f)
{
	int rc;

	f->severity = verified ? SEV_INFO : SEV_LOW;
	f->confidence = verified ? CONF_HIGH : CONF_MEDIUM;
	rc = tolerate(finding_add_reason(f, "a known benign shape (%s)", in->catalogue->id));
	if (rc < 0)
		return rc;
	if (verified)
		return tolerate(finding_add_reason(f, "installed as recorded by %s",
						   or_unknown(in->owner)));
	if (in->owner)
		return tolerate(finding_add_reason(f, "%s lists it without a hash to check",
						   in->owner));
	return tolerate(finding_add_reason(f, "no package record lists it"));
}

/* Counts the dangerous features of the imported module, each with a reason; its weak signs are not counted. */
static int
explain_imported(const struct assess_input *in, struct finding *f, unsigned *danger)
{
	const struct content_report *c = in->imported;
	int feature, rc;

	if (!c || !in->imported_name)
		return 0;
	for (feature = 0; feature < CONTENT_FEATURE_COUNT; feature++) {
		if (!content_has(c, (enum content_feature)feature) ||
		    !assess_feature_dangerous((enum content_feature)feature))
			continue;
		(*danger)++;
		rc = tolerate(finding_add_reason(f, "imports %s, which %s", in->imported_name,
						 c->hits[feature].reason));
		if (rc < 0)
			return rc;
	}
	if (content_has(c, CONTENT_DYNAMIC_CODE) &&
	    (content_has(c, CONTENT_DECODING) || content_has(c, CONTENT_HIDDEN_NAME))) {
		(*danger)++;
		return tolerate(finding_add_reason(f, "imports %s, which runs decoded or hidden code",
						   in->imported_name));
	}
	return 0;
}

int
assess_score(const struct assess_input *in, struct finding *f)
{
	unsigned danger = 0, unusual = 0;
	bool verified = in->provenance == PROV_MATCH;
	const char *owner = or_unknown(in->owner);
	int rc;

	if (!in->executable)
		return 0;
	rc = explain_content(in->content, f, &danger, &unusual);
	if (rc == 0)
		rc = explain_imported(in, f, &danger);
	if (rc < 0)
		return rc;

	if (in->allowed) {
		f->severity = SEV_INFO;
		f->confidence = CONF_HIGH;
		return tolerate(finding_add_reason(f, "allowed by the site list: %s", in->allowed));
	}
	if (danger > 0) {
		/* Dangerous code is high even from a package, because malicious wheels have records too. */
		f->severity = SEV_HIGH;
		f->confidence = danger >= 2 || !verified ? CONF_HIGH : CONF_MEDIUM;
		if (!verified)
			return 0;
		return tolerate(finding_add_reason(f, "installed as recorded by %s, but packages "
						   "can carry malicious hooks", owner));
	}
	if (in->provenance == PROV_MISMATCH && in->conffile) {
		f->severity = SEV_MEDIUM;
		f->confidence = CONF_MEDIUM;
		return tolerate(finding_add_reason(f, "a configuration file of %s that differs from "
						   "the package; an administrator may have edited it",
						   owner));
	}
	if (in->imported_name && in->imported_provenance == PROV_MISMATCH) {
		f->severity = SEV_HIGH;
		f->confidence = CONF_HIGH;
		return tolerate(finding_add_reason(f, "imports %s, whose file differs from the "
						   "record of %s, so it changed after installation",
						   in->imported_name, or_unknown(in->imported_owner)));
	}
	if (in->provenance == PROV_MISMATCH) {
		f->severity = SEV_HIGH;
		f->confidence = CONF_HIGH;
		return tolerate(finding_add_reason(f, "differs from the record of %s, so it changed "
						   "after installation", owner));
	}
	if (in->beside_known && !in->catalogue) {
		f->severity = SEV_HIGH;
		f->confidence = CONF_MEDIUM;
		return tolerate(finding_add_reason(f, "added to a file whose other lines have a "
						   "known benign shape; tools do not write such a line"));
	}
	if (in->catalogue && in->unsafe_dir) {
		f->severity = SEV_MEDIUM;
		f->confidence = CONF_MEDIUM;
		return tolerate(finding_add_reason(f, "a known shape (%s), but other users can plant "
						   "hooks in the directory it adds (%s)",
						   in->catalogue->id, in->unsafe_dir));
	}
	if (in->catalogue)
		return score_known_shape(in, verified, f);
	/* The package database vouches for a hook with a few weak signs, such as reading an
	 * environment variable. */
	if (verified && in->system_record && unusual < 3) {
		f->severity = SEV_LOW;
		f->confidence = CONF_MEDIUM;
		return tolerate(finding_add_reason(f, "installed as recorded by %s; not a known "
						   "shape", owner));
	}
	f->severity = unusual >= 3 ? SEV_HIGH : SEV_MEDIUM;
	f->confidence = unusual >= 2 ? CONF_HIGH : CONF_MEDIUM;
	if (verified && !in->system_record)
		return tolerate(finding_add_reason(f, "matches the install record of %s, which shows "
						   "it is unchanged but not who wrote it, because the "
						   "record sits beside the hook", owner));
	if (verified)
		return tolerate(finding_add_reason(f, "installed as recorded by %s", owner));
	if (in->owner && in->provenance == PROV_PLACEHOLDER)
		return tolerate(finding_add_reason(f, "listed by %s, but conda rewrote the install "
						   "prefix in it, so its hash cannot be checked", owner));
	if (in->owner && in->provenance == PROV_NO_HASH)
		return tolerate(finding_add_reason(f, "listed by %s without a hash that can be "
						   "checked", owner));
	return tolerate(finding_add_reason(f, "not a known benign shape, and no package record "
					   "vouches for it"));
}
