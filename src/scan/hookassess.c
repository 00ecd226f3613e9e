/*
 * hookassess: collects the facts about one hook file (its package record,
 * the site allowlist, known benign shapes, what its code does) and passes
 * them to assess_score(), the only function that sets severity and confidence.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assess/score.h"
#include "provenance/allowlist.h"
#include "provenance/catalogue.h"
#include "python/pthimports.h"
#include "scan/scanner.h"

/* Opens the package databases of the root on first use, so a scan without hooks pays nothing. */
static int
open_provdb(struct scanner *s)
{
	int rc;

	if (s->prov_state != PROV_DB_CLOSED)
		return 0;
	if (s->opts->provdb) {
		s->prov = s->opts->provdb;
		s->prov_state = PROV_DB_OPEN;
		return 0;
	}
	s->prov = &s->own_prov;
	rc = provdb_open(s->prov, &s->root);
	if (rc == -ENOMEM)
		return rc;
	s->prov_state = rc == 0 ? PROV_DB_OPEN : PROV_DB_FAILED;
	if (rc < 0)
		scanner_diag(s, "/var/lib/dpkg", 0, -rc, "cannot load the Debian package database; files are checked against Python install records only");
	return 0;
}

/* Symbolic links followed from a hook to the file a package record may list. */
#define LINK_HOPS_MAX 40

/*
 * Returns the path that the last component of path leads to after
 * following symbolic links (lexically, inside the root), or NULL when path
 * is not a link, a hop cannot be read, or memory runs out.
 */
static char *
final_target(struct scanner *s, const char *path)
{
	char *cur = strdup(path), *target = NULL, *dir, *next;
	int hops;

	for (hops = 0; cur && hops < LINK_HOPS_MAX; hops++) {
		if (fsroot_readlink(&s->root, cur, &target) < 0)
			break;
		dir = path_dirname(cur);
		next = dir ? path_normalize(dir, target) : NULL;
		free(dir);
		free(target);
		target = NULL;
		free(cur);
		cur = next;
	}
	if (cur && (hops == 0 || hops == LINK_HOPS_MAX)) {
		free(cur);
		cur = NULL;
	}
	return cur;
}

/*
 * Looks the hook up in the package databases. A link that no record
 * hashes is looked up again by its final target: Debian ships
 * /usr/lib/python3.X/sitecustomize.py as a link to a conffile in /etc.
 */
static int
lookup_provenance(struct scanner *s, const char *path, const uint8_t *buf, size_t len,
		  struct prov_result *out)
{
	struct prov_result via_link;
	char *target;
	int rc;

	rc = provdb_lookup(s->prov, path, buf, len, out);
	if (rc < 0)
		return rc;
	if (out->verdict != PROV_NOT_LISTED && out->verdict != PROV_NO_HASH)
		return 0;
	target = final_target(s, path);
	if (!target)
		return 0;
	rc = provdb_lookup(s->prov, target, buf, len, &via_link);
	free(target);
	if (rc == 0 && (via_link.verdict == PROV_MATCH || via_link.verdict == PROV_MISMATCH))
		*out = via_link;
	return rc == -ENOMEM ? rc : 0;
}

int
scanner_hook_facts(struct scanner *s, const char *path, const uint8_t *buf, size_t len,
		   bool complete, struct hook_facts *out)
{
	unsigned char digest[PROV_DIGEST_MAX];
	size_t digest_len = 0;
	const struct allowlist_entry *allowed;
	int rc;

	memset(out, 0, sizeof(*out));
	out->prov.verdict = PROV_NOT_LISTED;
	out->prov.how = "";
	out->complete = complete;
	if (!complete)
		return 0; /* a hash of part of a file proves nothing either way */
	rc = open_provdb(s);
	if (rc < 0)
		return rc;
	if (s->prov_state == PROV_DB_OPEN) {
		rc = lookup_provenance(s, path, buf, len, &out->prov);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			out->prov.verdict = PROV_NOT_LISTED;
			out->prov.owner[0] = '\0';
			out->prov.how = "";
		}
	}
	if (s->opts->allow && prov_digest("sha256", buf, len, digest, &digest_len) == 0 &&
	    digest_len == ALLOWLIST_DIGEST_LEN) {
		allowed = allowlist_find(s->opts->allow, digest);
		out->allowed = allowed ? allowed->comment : NULL;
	}
	return 0;
}

/* Sets the owner field ("python3-setuptools 66.1.1-1; dpkg md5sums match") when a record lists the file. */
static int
set_owner(struct finding *f, const struct prov_result *prov)
{
	const char *check = "";
	char *text = NULL;
	int rc;

	if (prov->owner[0] == '\0')
		return 0;
	if (prov->verdict == PROV_MATCH)
		check = " match";
	else if (prov->verdict == PROV_MISMATCH)
		check = " mismatch";
	if (prov->how && prov->how[0]) {
		if (asprintf(&text, "%s; %s%s", prov->owner, prov->how, check) < 0)
			return -ENOMEM;
	} else {
		text = strdup(prov->owner);
		if (!text)
			return -ENOMEM;
	}
	rc = finding_set_text(&f->owner, text, strlen(text));
	free(text);
	return rc;
}

/* The imported module a .pth line loads from its own directory, read and looked up. */
struct imported_module {
	char name[PTH_IMPORT_NAME_MAX];
	struct content_report content;
	bool analysed;
	struct prov_result prov;
};

/*
 * Finds the first module the line imports that lives in dir (NAME.py or
 * NAME/__init__.py), looks it up in the package records and analyses its
 * content. This is done for lines of known shape too, because such a line
 * is only as benign as the module it loads. Returns 1 when one
 * was found, 0 when none was, or -ENOMEM.
 */
static int
find_imported_module(struct scanner *s, const char *dir, const uint8_t *line, size_t len,
		     struct imported_module *out)
{
	char names[PTH_IMPORT_NAMES_MAX][PTH_IMPORT_NAME_MAX];
	size_t count = pth_imported_names(line, len, names), i, k;
	static const char *const suffixes[] = { ".py", "/__init__.py" };

	for (i = 0; i < count; i++) {
		for (k = 0; k < 2; k++) {
			struct stat st;
			char *path = NULL;
			uint8_t *buf = NULL;
			size_t buflen = 0;
			bool truncated = false;
			int rc;

			if (asprintf(&path, "%s/%s%s", strcmp(dir, "/") ? dir : "", names[i],
				     suffixes[k]) < 0)
				return -ENOMEM;
			if (fsroot_stat(&s->root, path, true, &st) < 0 || !S_ISREG(st.st_mode)) {
				free(path);
				continue;
			}
			rc = fsroot_read_file(&s->root, path, s->opts->max_file_size, &buf, &buflen,
					      &truncated);
			if (rc < 0) {
				if (rc != -ENOMEM)
					scanner_diag(s, path, 0, -rc, "cannot read a module that a .pth line imports");
				free(path);
				if (rc == -ENOMEM)
					return rc;
				continue;
			}
			memcpy(out->name, names[i], sizeof(out->name));
			out->prov.verdict = PROV_NOT_LISTED;
			out->prov.owner[0] = '\0';
			out->prov.how = "";
			rc = 0;
			if (!truncated && s->prov_state == PROV_DB_OPEN)
				rc = lookup_provenance(s, path, buf, buflen, &out->prov);
			out->analysed = false;
			if (rc == 0) {
				rc = content_analyse(buf, buflen, CONTENT_MODULE, &out->content);
				out->analysed = rc == 0;
				rc = rc == -EINVAL ? 0 : rc;
			}
			free(buf);
			free(path);
			return rc < 0 ? rc : 1;
		}
	}
	return 0;
}

/*
 * For a known shape that adds a directory to sys.path (a template with a
 * text hole, as uv's overlay line), sets *why when that directory is in a
 * temporary or world-writable place. Returns 0 or -ENOMEM.
 */
static int
check_added_dir(struct scanner *s, const struct catalogue_entry *e, const uint8_t *code,
		size_t len, char **why)
{
	struct catalogue_match m;
	const struct catalogue_hole *h;
	size_t offset, n;
	char *dir;

	*why = NULL;
	if (len > 0 && code[len - 1] == '\n')
		len--;
	if (len > 0 && code[len - 1] == '\r')
		len--;
	if (!catalogue_entry_matches(e, (const char *)code, len, &m))
		return 0;
	for (h = e->holes; h->name; h++) {
		if (h->class != HOLE_DQ_TEXT && h->class != HOLE_SQ_TEXT)
			continue;
		if (!catalogue_binding_get(&m, h->name, &offset, &n) || n == 0 || code[offset] != '/')
			continue;
		dir = strndup((const char *)code + offset, n);
		if (!dir)
			return -ENOMEM;
		if (scanner_path_is_unsafe(s, dir, why) && !*why) {
			free(dir);
			return -ENOMEM;
		}
		free(dir);
		if (*why)
			return 0;
	}
	return 0;
}

int
scanner_assess(struct scanner *s, const struct hook_facts *facts, enum content_kind kind,
	       const uint8_t *code, size_t len, struct finding *f)
{
	struct content_report report;
	struct imported_module *imported = NULL;
	struct assess_input in;
	char *unsafe = NULL;
	enum severity rule_severity = f->severity;
	bool latent = f->severity < SEV_MEDIUM;
	int rc;

	(void)s;
	memset(&in, 0, sizeof(in));
	in.executable = true;
	in.provenance = facts->prov.verdict;
	in.owner = facts->prov.owner[0] ? facts->prov.owner : NULL;
	in.conffile = facts->prov.conffile;
	in.system_record = facts->prov.how && strncmp(facts->prov.how, "dpkg", 4) == 0;
	in.allowed = facts->allowed;
	if (code) {
		rc = content_analyse(code, len, kind, &report);
		if (rc < 0)
			return rc;
		in.content = &report;
		if (kind == CONTENT_PTH_LINE)
			in.catalogue = catalogue_match_line((const char *)code, len);
		else if (facts->complete)
			in.catalogue = catalogue_match_module((const char *)code, len);
		in.beside_known = kind == CONTENT_PTH_LINE && facts->known_lines > 0;
	}
	if (code && kind == CONTENT_PTH_LINE && facts->dir) {
		imported = calloc(1, sizeof(*imported));
		if (!imported)
			return -ENOMEM;
		rc = find_imported_module(s, facts->dir, code, len, imported);
		if (rc < 0) {
			free(imported);
			return rc;
		}
		if (rc == 1) {
			in.imported_name = imported->name;
			in.imported = imported->analysed ? &imported->content : NULL;
			in.imported_provenance = imported->prov.verdict;
			in.imported_owner = imported->prov.owner[0] ? imported->prov.owner : NULL;
		}
	}
	rc = set_owner(f, &facts->prov);
	if (rc == 0 && in.catalogue && in.catalogue->holes)
		rc = check_added_dir(s, in.catalogue, code, len, &unsafe);
	in.unsafe_dir = unsafe;
	if (rc == 0)
		rc = assess_score(&in, f);
	free(unsafe);
	free(imported);
	if (rc < 0)
		return rc;
	if (!code) {
		rc = finding_add_reason(f, "its content cannot be read as Python text, so only its package record was checked");
		if (rc < 0 && rc != -E2BIG)
			return rc;
	}
	if (!facts->complete) {
		rc = finding_add_reason(f, "only part of the file was read, so it was not checked against package records");
		if (rc < 0 && rc != -E2BIG)
			return rc;
	}
	/* A hook that does not run as things stand keeps its lower severity unless its code is dangerous. */
	if (latent && f->severity < SEV_HIGH && f->severity > rule_severity)
		f->severity = rule_severity;
	return 0;
}
