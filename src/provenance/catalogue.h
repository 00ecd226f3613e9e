/*
 * catalogue: exact shapes of startup hooks that well-known tools write
 * (setuptools, virtualenv, coverage, pytest-cov, uv, pywin32, Debian's
 * apport sitecustomize.py), so that a finding can name the tool that
 * wrote a hook instead of reporting an unknown executable line.
 *
 * Matching is on content only, never on the file name. A .pth line
 * matches after one trailing line ending ("\n", "\r\n" or "\r") is
 * removed; a whole module matches after every CRLF and lone CR is read as
 * LF. No other difference is tolerated: an extra space or an appended
 * statement makes the content unknown. Some shapes are templates with
 * holes (a namespace name, an editable finder module, a path); a hole
 * takes a maximal run of its character class, and a hole named twice must
 * hold the same text both times.
 *
 * The entries live in catalogue_data.c with the project, file and
 * versions each shape comes from. Every returned pointer is into that
 * static table: the caller never frees it. Lookups never allocate and
 * return NULL when no shape matches, including for input too long to be
 * any catalogued shape.
 */
#ifndef SITEHOUND_PROVENANCE_CATALOGUE_H
#define SITEHOUND_PROVENANCE_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

enum catalogue_kind {
	CATALOGUE_PTH_LINE, /* one executable .pth line ("import " or "import\t") */
	CATALOGUE_MODULE,   /* a whole sitecustomize/usercustomize module */
};

/* Character classes a template hole may take. */
enum catalogue_hole_class {
	HOLE_IDENT,      /* [A-Za-z0-9_]: a Python identifier-like run */
	HOLE_DOTTED,     /* [A-Za-z0-9_.]: a dotted module name */
	HOLE_NAME_TUPLE, /* [A-Za-z0-9_', ]: the repr body of a tuple of names */
	HOLE_SQ_TEXT,    /* bytes 0x20-0xff except ' and \: a single-quoted repr body */
	HOLE_DQ_TEXT,    /* bytes 0x20-0xff except " and \: a double-quoted literal body */
};

/* Maximum number of distinct holes in one template. */
#define CATALOGUE_MAX_HOLES 6

struct catalogue_hole {
	char name;                        /* the letter after '@' in the template */
	enum catalogue_hole_class class;
};

/* Text a template hole was bound to, as an offset into the matched line. */
struct catalogue_binding {
	char name;
	size_t offset;
	size_t len;
};

struct catalogue_match {
	struct catalogue_binding holes[CATALOGUE_MAX_HOLES];
	size_t nholes;
};

struct catalogue_entry {
	const char *id;       /* stable identifier, e.g. "setuptools-distutils-precedence-local" */
	const char *owner;    /* the package or tool that writes the shape */
	const char *versions; /* the versions known to write it, as free text */
	enum catalogue_kind kind;
	const char *source;   /* project, file and revision the shape was taken from */

	/*
	 * The shape. For an exact entry (holes == NULL) these are the bytes
	 * to compare. For a template, each "@X" stands for the hole named X
	 * in holes, and the byte after a hole is never in the hole's class,
	 * so a hole ends at the first byte outside its class.
	 */
	const char *shape;
	size_t shape_len;
	const struct catalogue_hole *holes; /* terminated by name 0; NULL for exact */

	/* Extra template rule (a tuple that must spell the name); NULL for none. */
	bool (*check)(const char *line, const struct catalogue_match *m);
};

extern const struct catalogue_entry catalogue_entries[];
extern const size_t catalogue_entry_count;

/*
 * Finds the catalogue entry whose pth-line shape equals line[0..len),
 * after one trailing line ending is removed. Returns NULL when none does.
 */
const struct catalogue_entry *catalogue_match_line(const char *line, size_t len);

/*
 * Finds the catalogue entry whose module shape equals text[0..len) with
 * line endings read as LF. Returns NULL when none does.
 */
const struct catalogue_entry *catalogue_match_module(const char *text, size_t len);

/*
 * Finds the exact entry whose whole file has this SHA-256: the shape alone,
 * or followed by "\n" or "\r\n" (a module with every line ending as
 * CRLF is not covered). Telemetry carries a file's hash but not its
 * content, so this is the only catalogue check it allows. The digests are
 * computed on the first call, once per process and safe across threads.
 * Returns NULL when no entry has that hash or the digests could not be
 * computed.
 */
const struct catalogue_entry *catalogue_match_sha256(const unsigned char digest[32]);

/*
 * Matches one template or exact entry against text[0..len) as given, with
 * no line-ending handling. Fills *m (may be NULL) with the hole bindings
 * on success. Exposed so tests can check each entry on its own.
 */
bool catalogue_entry_matches(const struct catalogue_entry *e, const char *text, size_t len,
			     struct catalogue_match *m);

/* Looks up the text bound to hole name in m; returns false when unbound. */
bool catalogue_binding_get(const struct catalogue_match *m, char name, size_t *offset,
			   size_t *len);

/* Whether byte c belongs to hole class cls. */
bool catalogue_class_has(enum catalogue_hole_class cls, unsigned char c);

#endif
