#include "out/seedrows.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/escape.h"
#include "core/strbuf.h"
#include "core/utf8.h"

/* Escaped values grow at most sixfold; command lines reach 32 KiB on Windows. */
#define ESCAPED_VALUE_MAX ((size_t)6 * 64 * 1024)

enum cell { CELL_TIME_FILE, CELL_TIME_REG, CELL_TEXT, CELL_BOOL, CELL_EVENT_TYPE };

struct column {
	const char *name;
	enum cell cell;
	int index; /* enum seed_text for text cells, 0..2 for the booleans */
};

static const struct column columns[] = {
	{ "FileTime", CELL_TIME_FILE, 0 },
	{ "DeviceName", CELL_TEXT, SEED_DEVICE_NAME },
	{ "AccountName", CELL_TEXT, SEED_ACCOUNT_NAME },
	{ "ActionType", CELL_TEXT, SEED_ACTION_TYPE },
	{ "FileName", CELL_TEXT, SEED_FILE_NAME },
	{ "FolderPath", CELL_TEXT, SEED_FOLDER_PATH },
	{ "IsSitePackages", CELL_BOOL, 0 },
	{ "IsSitecustomize", CELL_BOOL, 1 },
	{ "IsPthFile", CELL_BOOL, 2 },
	{ "InitiatingProcessFileName", CELL_TEXT, SEED_PROCESS_FILE_NAME },
	{ "InitiatingProcessCommandLine", CELL_TEXT, SEED_PROCESS_COMMAND_LINE },
	{ "EventType", CELL_EVENT_TYPE, 0 },
	{ "RegTime", CELL_TIME_REG, 0 },
	{ "RegistryKey", CELL_TEXT, SEED_REGISTRY_KEY },
	{ "RegistryValueName", CELL_TEXT, SEED_REGISTRY_VALUE_NAME },
	{ "RegistryValueData", CELL_TEXT, SEED_REGISTRY_VALUE_DATA },
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* A cell's value as text; *null is set for a null datetime or boolean. */
struct value {
	const char *data;
	size_t len;
	bool null;
	bool boolean;       /* a JSON boolean rather than a string */
	bool truth;
	char buf[KQL_DATETIME_MAX];
};

static void
cell_value(const struct seed_hit *hit, const struct column *c, struct value *v)
{
	const bool flags[3] = { hit->row.is_site_packages, hit->row.is_sitecustomize,
				hit->row.is_pth };

	memset(v, 0, sizeof(*v));
	switch (c->cell) {
	case CELL_TIME_FILE:
	case CELL_TIME_REG:
		if (!hit->has_time || hit->row.file != (c->cell == CELL_TIME_FILE)) {
			v->null = true;
			return;
		}
		v->len = kql_format_datetime(hit->time, v->buf, sizeof(v->buf));
		v->data = v->buf;
		return;
	case CELL_TEXT:
		v->data = hit->text[c->index];
		v->len = hit->text_len[c->index];
		return;
	case CELL_BOOL:
		if (!hit->row.file) {
			v->null = true;
			return;
		}
		v->boolean = true;
		v->truth = flags[c->index];
		v->data = v->truth ? "true" : "false";
		v->len = strlen(v->data);
		return;
	case CELL_EVENT_TYPE:
		v->data = hit->row.file ? "FILE" : "ENV_VAR";
		v->len = strlen(v->data);
		return;
	}
}

/* A JSON string of s: exact when s is UTF-8, else its escaped form. */
static json_t *
json_text(const char *s, size_t len)
{
	struct strbuf sb;
	json_t *value;
	int truncated = 0;

	if (utf8_first_invalid((const uint8_t *)s, len) == len)
		return json_stringn(s, len);
	strbuf_init(&sb, ESCAPED_VALUE_MAX);
	if (escape_bytes(&sb, s, len, &truncated) < 0) {
		strbuf_free(&sb);
		return NULL;
	}
	value = json_stringn(sb.data ? sb.data : "", sb.len);
	strbuf_free(&sb);
	return value;
}

static int
write_jsonl(FILE *fp, const struct seed_hit *hit)
{
	json_t *obj = json_object();
	char *line = NULL;
	size_t i;
	int rc = -ENOMEM;

	if (!obj)
		return -ENOMEM;
	for (i = 0; i < NCOLUMNS; i++) {
		struct value v;
		json_t *j;

		cell_value(hit, &columns[i], &v);
		if (v.null)
			j = json_null();
		else if (v.boolean)
			j = json_boolean(v.truth);
		else
			j = json_text(v.data, v.len);
		if (!j || json_object_set_new(obj, columns[i].name, j))
			goto out;
	}
	line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!line)
		goto out;
	rc = fprintf(fp, "%s\n", line) < 0 ? -EIO : 0;
out:
	free(line);
	json_decref(obj);
	return rc;
}

/* RFC 4180: quote a cell holding a comma, quote, CR or LF; double its quotes. */
static int
write_csv_cell(FILE *fp, const char *s, size_t len)
{
	size_t i;

	if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
	    !memchr(s, '\r', len))
		return fwrite(s, 1, len, fp) == len ? 0 : -EIO;
	if (fputc('"', fp) == EOF)
		return -EIO;
	for (i = 0; i < len; i++) {
		if (s[i] == '"' && fputc('"', fp) == EOF)
			return -EIO;
		if (fputc(s[i], fp) == EOF)
			return -EIO;
	}
	return fputc('"', fp) == EOF ? -EIO : 0;
}

/*
 * Writes a CSV value: exactly, unless it contains bytes that a terminal would
 * act on (control characters, invalid UTF-8, text-reordering code points);
 * then in the escaped form of core/escape.h. Escaping changes such a value
 * by more than doubling its backslashes, which is how it is detected.
 */
static int
write_csv_value(FILE *fp, struct strbuf *sb, const char *s, size_t len)
{
	size_t backslashes = 0, i;
	int truncated = 0;

	for (i = 0; i < len; i++)
		backslashes += s[i] == '\\';
	strbuf_reset(sb);
	if (escape_bytes(sb, s, len, &truncated) < 0)
		return -ENOMEM;
	if (sb->len == len + backslashes && !truncated)
		return write_csv_cell(fp, s, len);
	return write_csv_cell(fp, sb->data ? sb->data : "", sb->len);
}

static int
write_csv(FILE *fp, const struct seed_hit *hit)
{
	struct strbuf sb;
	size_t i;
	int rc = 0;

	strbuf_init(&sb, ESCAPED_VALUE_MAX);
	for (i = 0; i < NCOLUMNS && rc == 0; i++) {
		struct value v;

		cell_value(hit, &columns[i], &v);
		if (i > 0 && fputc(',', fp) == EOF)
			rc = -EIO;
		else if (!v.null)
			rc = write_csv_value(fp, &sb, v.data, v.len);
	}
	strbuf_free(&sb);
	if (rc < 0)
		return rc;
	return fputs("\r\n", fp) == EOF ? -EIO : 0;
}

static int
write_text(FILE *fp, const struct seed_hit *hit)
{
	struct strbuf sb;
	size_t i;
	int rc = 0;

	strbuf_init(&sb, ESCAPED_VALUE_MAX);
	for (i = 0; i < NCOLUMNS && rc == 0; i++) {
		struct value v;
		int truncated = 0;

		cell_value(hit, &columns[i], &v);
		if (v.null || v.len == 0)
			continue;
		strbuf_reset(&sb);
		if (escape_bytes(&sb, v.data, v.len, &truncated) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (fprintf(fp, "%s%s: %s%s\n", i == 0 || (i == 12 && !hit->row.file) ? "" : "    ",
			    columns[i].name, sb.data ? sb.data : "", truncated ? " [truncated]" : "") < 0)
			rc = -EIO;
	}
	strbuf_free(&sb);
	if (rc == 0 && fputc('\n', fp) == EOF)
		rc = -EIO;
	return rc;
}

int
seedrows_begin(FILE *fp, enum seedrows_format format)
{
	size_t i;

	if (format != SEEDROWS_CSV)
		return 0;
	for (i = 0; i < NCOLUMNS; i++) {
		if (fprintf(fp, "%s%s", i ? "," : "", columns[i].name) < 0)
			return -EIO;
	}
	return fputs("\r\n", fp) == EOF ? -EIO : 0;
}

int
seedrows_write(FILE *fp, enum seedrows_format format, const struct seed_hit *hit)
{
	switch (format) {
	case SEEDROWS_JSONL:
		return write_jsonl(fp, hit);
	case SEEDROWS_CSV:
		return write_csv(fp, hit);
	case SEEDROWS_TEXT:
		return write_text(fp, hit);
	}
	return -EINVAL;
}
