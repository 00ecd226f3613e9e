#include "python/version.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Release levels in PY_VERSION_HEX. */
#define LEVEL_ALPHA 0xAu
#define LEVEL_BETA  0xBu
#define LEVEL_RC    0xCu
#define LEVEL_FINAL 0xFu

/* The lowest encoding of a release X.Y.Z: its first alpha, "X.Y.Za0". */
#define PYVER_FIRST(major, minor, micro) PYVER_PRE(major, minor, micro, LEVEL_ALPHA, 0)

/* Digits per version field: 255 is the largest value each field can hold. */
#define FIELD_MAX_DIGITS 3

struct rule_change {
	uint32_t from; /* first release that applies rules */
	struct pth_rules rules;
};

#define OLD_RULES(hidden) {hidden, false, false, PTH_DECODE_LOCALE_STREAM}

/*
 * Every release at which site.addpackage() changed, in ascending order. A
 * release applies the rules of the last entry whose `from` is not above it.
 * A backport counts from the first bugfix release that shipped it, at
 * X.Y.Za0, so any pre-release of that bugfix release counts as patched.
 */
static const struct rule_change rule_changes[] = {
	/* 2.x Lib/site.py: open(name, "rU"), byte strings, no decode step. */
	{PYVER_PRE(0, 0, 0, 0, 0), {false, false, false, PTH_DECODE_BYTES}},
	/* 3.x Lib/site.py (3.0 to 3.7): open(name, "r") in the locale encoding. */
	{PYVER_FIRST(3, 0, 0), OLD_RULES(false)},
	/*
	 * Lib/site.py 3.8.19, 3.9.19, 3.10.14, 3.11.8, 3.12.2 and 3.13.0a3:
	 * addpackage() returns early for names starting with "." and for files
	 * with the UF_HIDDEN or FILE_ATTRIBUTE_HIDDEN flag. Each later minor
	 * starts from its own .0 without the check until its own backport.
	 */
	{PYVER_FIRST(3, 8, 19), OLD_RULES(true)},
	{PYVER_FIRST(3, 9, 0), OLD_RULES(false)},
	{PYVER_FIRST(3, 9, 19), OLD_RULES(true)},
	{PYVER_FIRST(3, 10, 0), OLD_RULES(false)},
	{PYVER_FIRST(3, 10, 14), OLD_RULES(true)},
	{PYVER_FIRST(3, 11, 0), OLD_RULES(false)},
	{PYVER_FIRST(3, 11, 8), OLD_RULES(true)},
	{PYVER_FIRST(3, 12, 0), OLD_RULES(false)},
	{PYVER_FIRST(3, 12, 2), OLD_RULES(true)},
	/*
	 * Lib/site.py 3.12.4: the whole file is read as bytes, decoded as
	 * utf-8-sig (then the locale encoding) and split with str.splitlines().
	 * NOTE: the 3.12 backport of the whole-file read used plain utf-8, and
	 * the BOM change came a month later. Whether 3.12.4 itself strips the
	 * BOM was not checked against a 3.12.4 interpreter.
	 */
	{PYVER_FIRST(3, 12, 4), {true, true, false, PTH_DECODE_UTF8_SIG}},
	{PYVER_FIRST(3, 13, 0), OLD_RULES(false)},
	{PYVER_PRE(3, 13, 0, LEVEL_ALPHA, 3), OLD_RULES(true)},
	/* Lib/site.py 3.13.0b1: whole-file read and splitlines(), plain utf-8. */
	{PYVER_PRE(3, 13, 0, LEVEL_BETA, 1), {true, true, false, PTH_DECODE_UTF8}},
	/* Lib/site.py 3.13.0b2: utf-8-sig, so a leading BOM is removed. */
	{PYVER_PRE(3, 13, 0, LEVEL_BETA, 2), {true, true, false, PTH_DECODE_UTF8_SIG}},
	/*
	 * NOTE: 3.15 is not released. PEP 829 (accepted for 3.15, in CPython's
	 * main branch) adds NAME.start files that silence NAME.pth import lines.
	 * Recheck this entry against the 3.15.0 release of Lib/site.py.
	 */
	{PYVER_FIRST(3, 15, 0), {true, true, true, PTH_DECODE_UTF8_SIG}},
};

#define NCHANGES (sizeof(rule_changes) / sizeof(rule_changes[0]))

/* Moves an encoding below "a0" (not a real release) up to X.Y.Za0. */
static uint32_t
clamp_level(uint32_t version)
{
	if (((version >> 4) & 0xFu) < LEVEL_ALPHA)
		return (version & ~0xFFu) | (LEVEL_ALPHA << 4);
	return version;
}

/* Returns the index of the table entry that governs version. */
static size_t
change_index(uint32_t version)
{
	size_t i = 0;

	while (i + 1 < NCHANGES && rule_changes[i + 1].from <= version)
		i++;
	return i;
}

void
pth_rules_for(uint32_t version, struct pth_rules *rules)
{
	*rules = rule_changes[change_index(clamp_level(version))].rules;
}

bool
pth_rules_equal(const struct pth_rules *a, const struct pth_rules *b)
{
	return a->skip_hidden == b->skip_hidden && a->split_all_breaks == b->split_all_breaks &&
	       a->start_files == b->start_files && a->decode == b->decode;
}

size_t
pth_rules_in_range(uint32_t lo, uint32_t hi, struct pth_rules *out, uint32_t *examples,
		   size_t max)
{
	size_t i, j, n = 0;

	lo = clamp_level(lo);
	if (hi < lo)
		return 0;
	for (i = change_index(lo); i < NCHANGES && rule_changes[i].from <= hi; i++) {
		const struct pth_rules *r = &rule_changes[i].rules;
		bool seen = false;

		for (j = 0; j < n && !seen; j++)
			seen = pth_rules_equal(&out[j], r);
		if (seen)
			continue;
		if (n == max)
			break;
		out[n] = *r;
		if (examples)
			examples[n] = rule_changes[i].from > lo ? rule_changes[i].from : lo;
		n++;
	}
	return n;
}

/* Parses 1 to 3 decimal digits at text[*pos] into *value (at most 255). */
static bool
parse_field(const char *text, size_t len, size_t *pos, uint32_t *value)
{
	size_t start = *pos;
	uint32_t v = 0;

	while (*pos < len && text[*pos] >= '0' && text[*pos] <= '9') {
		if (*pos - start == FIELD_MAX_DIGITS)
			return false;
		v = v * 10 + (uint32_t)(text[*pos] - '0');
		(*pos)++;
	}
	if (*pos == start || v > 255)
		return false;
	*value = v;
	return true;
}

/* Parses "a", "b", "c" or "rc" at text[*pos] into a PY_VERSION_HEX level. */
static bool
parse_level(const char *text, size_t len, size_t *pos, uint32_t *level)
{
	if (*pos + 1 < len && text[*pos] == 'r' && text[*pos + 1] == 'c') {
		*level = LEVEL_RC;
		*pos += 2;
		return true;
	}
	if (*pos >= len)
		return false;
	switch (text[*pos]) {
	case 'a':
		*level = LEVEL_ALPHA;
		break;
	case 'b':
		*level = LEVEL_BETA;
		break;
	case 'c':
		*level = LEVEL_RC;
		break;
	default:
		return false;
	}
	(*pos)++;
	return true;
}

int
pyver_parse(const char *text, size_t len, uint32_t *lo, uint32_t *hi)
{
	uint32_t major, minor, micro, level, serial;
	size_t pos = 0;

	if (!parse_field(text, len, &pos, &major) || major == 0)
		return -EINVAL;
	if (pos == len) {
		*lo = PYVER_FIRST(major, 0, 0);
		*hi = PYVER(major, 255, 255);
		return 0;
	}
	if (text[pos++] != '.' || !parse_field(text, len, &pos, &minor))
		return -EINVAL;
	if (pos == len) {
		*lo = PYVER_FIRST(major, minor, 0);
		*hi = PYVER(major, minor, 255);
		return 0;
	}
	if (text[pos++] != '.' || !parse_field(text, len, &pos, &micro))
		return -EINVAL;
	if (pos == len) {
		*lo = *hi = PYVER(major, minor, micro);
		return 0;
	}
	if (!parse_level(text, len, &pos, &level))
		return -EINVAL;
	if (pos == len) {
		*lo = PYVER_PRE(major, minor, micro, level, 0);
		*hi = PYVER_PRE(major, minor, micro, level, 0xF);
		return 0;
	}
	if (!parse_field(text, len, &pos, &serial) || serial > 0xF || pos != len)
		return -EINVAL;
	*lo = *hi = PYVER_PRE(major, minor, micro, level, serial);
	return 0;
}

char *
pyver_format(uint32_t version, char *buf, size_t size)
{
	unsigned level = (version >> 4) & 0xFu, serial = version & 0xFu;
	const char *suffix;
	int n;

	if (size == 0)
		return buf;
	switch (level) {
	case LEVEL_ALPHA:
		suffix = "a";
		break;
	case LEVEL_BETA:
		suffix = "b";
		break;
	case LEVEL_RC:
		suffix = "rc";
		break;
	default:
		suffix = NULL;
		break;
	}
	if (suffix)
		n = snprintf(buf, size, "%d.%d.%d%s%u", PYVER_MAJOR(version), PYVER_MINOR(version),
			     PYVER_MICRO(version), suffix, serial);
	else
		n = snprintf(buf, size, "%d.%d.%d", PYVER_MAJOR(version), PYVER_MINOR(version),
			     PYVER_MICRO(version));
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
	return buf;
}
