#include "python/startfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "python/pytext.h"

static const uint8_t UTF8_BOM[3] = { 0xEF, 0xBB, 0xBF };

/*
 * Whether a non-ASCII code point is a \w character. This rejects the
 * common non-word blocks: whitespace, Latin-1 punctuation and symbols,
 * General Punctuation (zero-width and direction marks included), private
 * use, U+FEFF and the specials.
 * NOTE: other non-ASCII punctuation and symbols are taken as word
 * characters, although Python's \w (str.isalnum() or '_') excludes them;
 * such entries are reported valid here and then fail in resolve_name().
 */
static bool
is_unicode_word(uint32_t cp)
{
	if (py_is_space(cp))
		return false;
	if (cp >= 0xA1 && cp <= 0xBF)
		return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 ||
		       cp == 0xBA || (cp >= 0xBC && cp <= 0xBE);
	if (cp == 0xD7 || cp == 0xF7 || cp == 0xFEFF)
		return false;
	if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xFFF0)
		return cp > 0xFFFF;
	return true;
}

/* Returns the length of the \w character at s, or 0, and stores in *digit whether it is 0-9. */
static size_t
word_char(const uint8_t *s, size_t len, bool *digit)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	*digit = false;
	if (n == 0)
		return 0;
	if (cp < 0x80) {
		*digit = cp >= '0' && cp <= '9';
		if (*digit || cp == '_' || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			return 1;
		return 0;
	}
	return is_unicode_word(cp) ? n : 0;
}

/* Length of the dotted name at s (0 when there is none): word ('.' word)* */
static size_t
dotted_name(const uint8_t *s, size_t len)
{
	size_t i = 0;

	for (;;) {
		size_t start = i, n;
		bool digit;

		while (i < len && (n = word_char(s + i, len - i, &digit)) != 0) {
			if (i == start && digit)
				return 0; /* (?!\d) before each word */
			i += n;
		}
		if (i == start)
			return 0;
		if (i < len && s[i] == '.' && i + 1 < len) {
			i++;
			continue;
		}
		return i;
	}
}

bool
startfile_entry_valid(const uint8_t *text, size_t len)
{
	size_t module = dotted_name(text, len), callable;

	if (module == 0 || module >= len || text[module] != ':')
		return false;
	callable = dotted_name(text + module + 1, len - module - 1);
	return callable != 0 && module + 1 + callable == len;
}

static int
add_entry(struct startfile *s, size_t *cap, long line, const uint8_t *text, size_t len)
{
	struct start_entry *e;
	char *copy;

	if (s->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;

		if (s->count >= STARTFILE_MAX_ENTRIES)
			return -E2BIG;
		if (ncap > STARTFILE_MAX_ENTRIES)
			ncap = STARTFILE_MAX_ENTRIES;
		e = realloc(s->entries, ncap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		s->entries = e;
		*cap = ncap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (memchr(text, '\0', len))
		s->has_nul = true;

	e = &s->entries[s->count++];
	e->line = line;
	e->text = copy;
	e->valid = startfile_entry_valid(text, len);
	return 0;
}

int
startfile_parse(const uint8_t *buf, size_t len, struct startfile *out)
{
	size_t cap = 0, start = 0;
	long number = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (utf8_first_invalid(buf, len) != len) {
		out->decode_error = true;
		return 0;
	}
	if (len >= 3 && memcmp(buf, UTF8_BOM, 3) == 0)
		start = 3;

	while (start < len && rc == 0) {
		size_t next, linelen = py_splitlines_next(buf + start, len - start, &next);
		const uint8_t *line = buf + start;

		number++;
		start += next;
		py_strip(&line, &linelen);
		if (linelen == 0 || line[0] == '#')
			continue;
		rc = add_entry(out, &cap, number, line, linelen);
	}

	if (rc < 0)
		startfile_free(out);
	return rc;
}

void
startfile_free(struct startfile *s)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		free(s->entries[i].text);
	free(s->entries);
	memset(s, 0, sizeof(*s));
}
