#include "provenance/allowlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"

#define HEX_DIGITS (2 * ALLOWLIST_DIGEST_LEN)

/* Spells a numeric macro as a string literal, so messages follow the limits. */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
add_diag(struct allowlist *list, long line, const char *reason)
{
	struct allowlist_diag *grown;

	if (list->ndiags == ALLOWLIST_MAX_DIAGS) {
		list->diags_dropped++;
		return 0;
	}
	grown = realloc(list->diags, (list->ndiags + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	list->diags = grown;
	list->diags[list->ndiags].line = line;
	list->diags[list->ndiags].reason = reason;
	list->ndiags++;
	return 0;
}

/*
 * Parses one line, without its line ending, into the entry fields. Returns NULL
 * when the line is an entry (filled into *digest, *comment, *comment_len),
 * "" when it is to be ignored, or the reason it is bad.
 */
static const char *
parse_line(const char *p, size_t len, uint8_t digest[ALLOWLIST_DIGEST_LEN],
	  const char **comment, size_t *comment_len)
{
	size_t i = 0, end = len, j;

	if (len > ALLOWLIST_MAX_LINE)
		return "line longer than " STRINGIFY(ALLOWLIST_MAX_LINE) " bytes";
	if (memchr(p, '\0', len))
		return "line contains a NUL byte";

	while (i < end && is_blank(p[i]))
		i++;
	while (end > i && is_blank(p[end - 1]))
		end--;
	if (i == end || p[i] == '#')
		return "";

	if (end - i < HEX_DIGITS)
		return "invalid SHA-256 digest: expected 64 hex digits";
	for (j = 0; j < HEX_DIGITS; j++) {
		int v = hex_digit((unsigned char)p[i + j]);

		if (v < 0)
			return "invalid SHA-256 digest: expected 64 hex digits";
		if (j % 2 == 0)
			digest[j / 2] = (uint8_t)(v << 4);
		else
			digest[j / 2] |= (uint8_t)v;
	}
	i += HEX_DIGITS;

	if (i == end)
		return "missing comment after the digest: say why the hook is allowed";
	if (!is_blank(p[i]))
		return "invalid SHA-256 digest: expected 64 hex digits, then a space";
	while (i < end && is_blank(p[i]))
		i++;
	*comment = p + i;
	*comment_len = end - i;
	return NULL;
}

static int
compare_digest(const void *a, const void *b)
{
	const struct allowlist_entry *x = a, *y = b;
	int c = memcmp(x->digest, y->digest, ALLOWLIST_DIGEST_LEN);

	if (c != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static int
add_entry(struct allowlist *list, size_t *cap, const uint8_t digest[ALLOWLIST_DIGEST_LEN],
	  const char *comment, size_t comment_len, long line)
{
	struct allowlist_entry *e;

	if (list->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct allowlist_entry *grown;

		if (ncap > ALLOWLIST_MAX_ENTRIES)
			ncap = ALLOWLIST_MAX_ENTRIES;
		grown = realloc(list->entries, ncap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		list->entries = grown;
		*cap = ncap;
	}
	e = &list->entries[list->count];
	e->comment = malloc(comment_len + 1);
	if (!e->comment)
		return -ENOMEM;
	memcpy(e->comment, comment, comment_len);
	e->comment[comment_len] = '\0';
	memcpy(e->digest, digest, ALLOWLIST_DIGEST_LEN);
	e->line = line;
	list->count++;
	return 0;
}

/*
 * Sorts the entries and keeps the first line of each digest, reporting
 * the later ones, so that lookups can use a binary search.
 */
static int
drop_duplicates(struct allowlist *list)
{
	size_t i, kept = 0;
	int rc = 0;

	if (list->count == 0)
		return 0;
	qsort(list->entries, list->count, sizeof(*list->entries), compare_digest);
	for (i = 0; i < list->count; i++) {
		if (kept > 0 && memcmp(list->entries[kept - 1].digest, list->entries[i].digest,
				       ALLOWLIST_DIGEST_LEN) == 0) {
			if (rc == 0)
				rc = add_diag(list, list->entries[i].line,
					      "duplicate digest: only its first line is used");
			free(list->entries[i].comment);
			continue;
		}
		list->entries[kept++] = list->entries[i];
	}
	list->count = kept;
	return rc;
}

static int
compare_diag(const void *a, const void *b)
{
	const struct allowlist_diag *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

int
allowlist_parse(const char *buf, size_t len, struct allowlist *out)
{
	size_t pos = 0, cap = 0;
	long line = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		uint8_t digest[ALLOWLIST_DIGEST_LEN];
		const char *comment = NULL, *reason;
		size_t comment_len = 0;

		line++;
		if (line_len > 0 && buf[pos + line_len - 1] == '\r')
			reason = parse_line(buf + pos, line_len - 1, digest, &comment, &comment_len);
		else
			reason = parse_line(buf + pos, line_len, digest, &comment, &comment_len);
		pos += line_len + (nl ? 1 : 0);

		if (reason && reason[0] == '\0')
			continue;
		if (!reason && out->count == ALLOWLIST_MAX_ENTRIES)
			reason = "too many entries: at most " STRINGIFY(ALLOWLIST_MAX_ENTRIES) " are read";
		if (reason)
			rc = add_diag(out, line, reason);
		else
			rc = add_entry(out, &cap, digest, comment, comment_len, line);
		if (rc < 0)
			goto fail;
	}

	rc = drop_duplicates(out);
	if (rc < 0)
		goto fail;
	if (out->ndiags > 1)
		qsort(out->diags, out->ndiags, sizeof(*out->diags), compare_diag);
	return 0;

fail:
	allowlist_free(out);
	return rc;
}

const struct allowlist_entry *
allowlist_find(const struct allowlist *list, const uint8_t digest[ALLOWLIST_DIGEST_LEN])
{
	size_t lo = 0, hi = list->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(list->entries[mid].digest, digest, ALLOWLIST_DIGEST_LEN);

		if (c == 0)
			return &list->entries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
allowlist_free(struct allowlist *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->entries[i].comment);
	free(list->entries);
	free(list->diags);
	memset(list, 0, sizeof(*list));
}
