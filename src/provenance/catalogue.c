#include "provenance/catalogue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "provenance/record.h"

/*
 * The longest catalogued shape is about 1 KiB (pytest-cov.pth); a
 * template can grow by its holes. Input longer than this cannot be any
 * entry, so it is rejected before any comparison.
 */
#define CATALOGUE_MAX_INPUT (64u * 1024)

bool
catalogue_class_has(enum catalogue_hole_class cls, unsigned char c)
{
	bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_';

	switch (cls) {
	case HOLE_IDENT:
		return word;
	case HOLE_DOTTED:
		return word || c == '.';
	case HOLE_NAME_TUPLE:
		return word || c == '\'' || c == ',' || c == ' ';
	case HOLE_SQ_TEXT:
		return c >= 0x20 && c != 0x7f && c != '\'' && c != '\\';
	case HOLE_DQ_TEXT:
		return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
	}
	return false;
}

static const struct catalogue_hole *
find_hole(const struct catalogue_hole *holes, char name)
{
	for (; holes && holes->name; holes++) {
		if (holes->name == name)
			return holes;
	}
	return NULL;
}

bool
catalogue_binding_get(const struct catalogue_match *m, char name, size_t *offset, size_t *len)
{
	size_t i;

	for (i = 0; i < m->nholes; i++) {
		if (m->holes[i].name == name) {
			*offset = m->holes[i].offset;
			*len = m->holes[i].len;
			return true;
		}
	}
	return false;
}

/*
 * Walks the template once. A hole's first use takes the maximal run of
 * its class (at least one byte); a later use must repeat that text
 * exactly. The template table guarantees that the byte after a hole is
 * outside its class, so maximal munch never needs to backtrack.
 */
static bool
match_template(const struct catalogue_entry *e, const char *text, size_t len,
	       struct catalogue_match *m)
{
	const char *tpl = e->shape;
	size_t ti = 0, si = 0;

	m->nholes = 0;
	while (ti < e->shape_len) {
		const struct catalogue_hole *hole;
		size_t offset, bound, start;

		if (tpl[ti] != '@') {
			if (si >= len || text[si] != tpl[ti])
				return false;
			ti++;
			si++;
			continue;
		}

		if (ti + 1 >= e->shape_len)
			return false;
		hole = find_hole(e->holes, tpl[ti + 1]);
		if (!hole)
			return false;
		ti += 2;

		if (catalogue_binding_get(m, hole->name, &offset, &bound)) {
			if (len - si < bound || memcmp(text + si, text + offset, bound) != 0)
				return false;
			si += bound;
			continue;
		}

		start = si;
		while (si < len && catalogue_class_has(hole->class, (unsigned char)text[si]))
			si++;
		if (si == start || m->nholes == CATALOGUE_MAX_HOLES)
			return false;
		m->holes[m->nholes].name = hole->name;
		m->holes[m->nholes].offset = start;
		m->holes[m->nholes].len = si - start;
		m->nholes++;
	}
	if (si != len)
		return false;
	return !e->check || e->check(text, m);
}

bool
catalogue_entry_matches(const struct catalogue_entry *e, const char *text, size_t len,
			struct catalogue_match *m)
{
	struct catalogue_match scratch;

	if (len > CATALOGUE_MAX_INPUT)
		return false;
	if (!m)
		m = &scratch;
	if (!e->holes) {
		m->nholes = 0;
		return len == e->shape_len && memcmp(text, e->shape, len) == 0;
	}
	return match_template(e, text, len, m);
}

const struct catalogue_entry *
catalogue_match_line(const char *line, size_t len)
{
	size_t i;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;

	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];

		if (e->kind == CATALOGUE_PTH_LINE && catalogue_entry_matches(e, line, len, NULL))
			return e;
	}
	return NULL;
}

/* Whether text equals shape once each CRLF and lone CR in text is read as LF. */
static bool
equal_with_lf(const char *text, size_t len, const char *shape, size_t shape_len)
{
	size_t ti = 0, si = 0;

	while (ti < len) {
		char c = text[ti++];

		if (c == '\r') {
			c = '\n';
			if (ti < len && text[ti] == '\n')
				ti++;
		}
		if (si >= shape_len || shape[si] != c)
			return false;
		si++;
	}
	return si == shape_len;
}

const struct catalogue_entry *
catalogue_match_module(const char *text, size_t len)
{
	size_t i;

	if (len > CATALOGUE_MAX_INPUT)
		return NULL;
	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];

		/* Module entries are exact; the table has no module templates. */
		if (e->kind == CATALOGUE_MODULE && !e->holes &&
		    equal_with_lf(text, len, e->shape, e->shape_len))
			return e;
	}
	return NULL;
}

/* Whole-file digests of the exact entries: the shape, then with "\n", then with "\r\n". */
#define ENDINGS 3

static struct {
	unsigned char digest[32];
	const struct catalogue_entry *entry;
} *hash_table;
static size_t hash_count;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void
build_hash_table(void)
{
	static const char *const endings[ENDINGS] = { "", "\n", "\r\n" };
	size_t i, k, n, dlen;
	char *buf;

	hash_table = calloc(catalogue_entry_count * ENDINGS, sizeof(*hash_table));
	if (!hash_table)
		return;
	for (i = 0; i < catalogue_entry_count; i++) {
		const struct catalogue_entry *e = &catalogue_entries[i];

		if (e->holes)
			continue;
		for (k = 0; k < ENDINGS; k++) {
			unsigned char digest[PROV_DIGEST_MAX];

			n = e->shape_len + strlen(endings[k]);
			buf = malloc(n ? n : 1);
			if (!buf)
				continue;
			memcpy(buf, e->shape, e->shape_len);
			memcpy(buf + e->shape_len, endings[k], strlen(endings[k]));
			if (prov_digest("sha256", buf, n, digest, &dlen) == 0 && dlen == 32) {
				memcpy(hash_table[hash_count].digest, digest, 32);
				hash_table[hash_count].entry = e;
				hash_count++;
			}
			free(buf);
		}
	}
}

const struct catalogue_entry *
catalogue_match_sha256(const unsigned char digest[32])
{
	size_t i;

	pthread_once(&hash_once, build_hash_table);
	for (i = 0; i < hash_count; i++) {
		if (memcmp(hash_table[i].digest, digest, 32) == 0)
			return hash_table[i].entry;
	}
	return NULL;
}
