#include "scan/unitfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/strbuf.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Decodes the C escape after a '\' at p[0..n) into out. Returns the bytes
 * used, or 0 for an escape this reader rejects (*reason gives the cause).
 */
static size_t
c_unescape(const char *p, size_t n, struct strbuf *out, const char **reason)
{
	static const char from[] = "abfnrtv\\\"' s", to[] = "\a\b\f\n\r\t\v\\\"'  ";
	const char *hit;
	char byte;

	if (n == 0) {
		*reason = "line ends with a lone backslash";
		return 0;
	}
	hit = p[0] ? strchr(from, p[0]) : NULL;
	if (hit) {
		byte = to[hit - from];
		if (strbuf_putc(out, byte) < 0)
			*reason = "value longer than the 128 KiB cap";
		return 1;
	}
	if (p[0] == 'x' && n >= 3 && hex_digit((unsigned char)p[1]) >= 0 &&
	    hex_digit((unsigned char)p[2]) >= 0) {
		byte = (char)(hex_digit((unsigned char)p[1]) * 16 + hex_digit((unsigned char)p[2]));
		if (byte == '\0') {
			*reason = "escape decodes to a NUL byte";
			return 0;
		}
		if (strbuf_putc(out, byte) < 0)
			*reason = "value longer than the 128 KiB cap";
		return 3;
	}
	if (p[0] >= '0' && p[0] <= '3' && n >= 3 && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' &&
	    p[2] <= '7') {
		byte = (char)((p[0] - '0') * 64 + (p[1] - '0') * 8 + (p[2] - '0'));
		if (byte == '\0') {
			*reason = "escape decodes to a NUL byte";
			return 0;
		}
		if (strbuf_putc(out, byte) < 0)
			*reason = "value longer than the 128 KiB cap";
		return 3;
	}
	*reason = "escape that this reader does not decode";
	return 0;
}

/*
 * Expands specifiers in s[0..n) into out. Returns NULL, or why the value
 * cannot be known statically.
 */
static const char *
expand_specifiers(const char *s, size_t n, const struct env_context *ctx, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < n; i++) {
		const char *add = NULL;
		size_t add_len = 1;

		if (s[i] != '%') {
			add = s + i;
		} else if (i + 1 < n && s[i + 1] == '%') {
			add = "%";
			i++;
		} else if (i + 1 < n && s[i + 1] == 'h' && ctx && ctx->home) {
			add = ctx->home;
			add_len = strlen(add);
			i++;
		} else if (i + 1 < n && s[i + 1] == 'u' && ctx && ctx->user) {
			add = ctx->user;
			add_len = strlen(add);
			i++;
		} else {
			return "systemd specifier that depends on the unit or the host";
		}
		if (strbuf_append(out, add, add_len) < 0)
			return "value longer than the 128 KiB cap";
	}
	if (!out->data && strbuf_append(out, "", 0) < 0)
		return "value longer than the 128 KiB cap";
	return NULL;
}

/*
 * Splits the next word off p[*pos..n), removing quotes and decoding
 * escapes. Returns false at the end; *error is set for a malformed word.
 */
static bool
next_word(const char *p, size_t n, size_t *pos, struct strbuf *word, size_t *raw_start,
	  const char **error)
{
	char quote = 0;
	size_t i = *pos;

	strbuf_reset(word);
	*error = NULL;
	while (i < n && is_space(p[i]))
		i++;
	if (i >= n) {
		*pos = i;
		return false;
	}
	*raw_start = i;
	for (; i < n; i++) {
		char c = p[i];

		if (!quote && is_space(c))
			break;
		if (c == '\\') {
			size_t used = c_unescape(p + i + 1, n - i - 1, word, error);

			if (used == 0 || *error)
				return true;
			i += used;
		} else if (quote && c == quote) {
			quote = 0;
		} else if (!quote && (c == '"' || c == '\'')) {
			quote = c;
		} else if (strbuf_putc(word, c) < 0) {
			*error = "value longer than the 128 KiB cap";
			return true;
		}
	}
	if (quote)
		*error = "unbalanced quote";
	if (!word->data && strbuf_append(word, "", 0) < 0)
		*error = "out of memory";
	*pos = i;
	return true;
}

struct unit {
	struct env_list *out;
	const struct env_context *ctx;
	size_t first_item;
	struct strbuf expanded, word;
	int rc;
};

static void
note_rc(struct unit *u, int rc)
{
	if (rc < 0 && u->rc == 0)
		u->rc = rc;
}

/* Drops the Environment= items read so far, for an empty Environment=.
 * NOTE: an empty Environment= in a drop-in also resets the unit file's
 * own lines, which this reader of one file cannot see. */
static void
reset_environment(struct unit *u)
{
	size_t i, kept = u->first_item;

	for (i = u->first_item; i < u->out->count; i++) {
		struct env_item *it = &u->out->items[i];

		if (it->kind == ENV_ASSIGN) {
			free(it->name);
			free(it->raw);
			free(it->value);
			free(it->function);
			continue;
		}
		u->out->items[kept++] = *it;
	}
	u->out->count = kept;
}

static void
read_environment(struct unit *u, const char *value, size_t n, size_t line)
{
	const char *reason = expand_specifiers(value, n, u->ctx, &u->expanded);
	const char *p = u->expanded.data ? u->expanded.data : "";
	size_t value_len = n;
	size_t pos = 0, raw_start = 0;
	const char *error;

	if (n == 0) {
		reset_environment(u);
		return;
	}
	/* With an unknown specifier the words still split the same way, so
	 * each assignment is reported with its name and unresolved. */
	if (reason || !memchr(value, '%', n))
		p = value;
	else
		n = u->expanded.len;
	while (next_word(p, n, &pos, &u->word, &raw_start, &error)) {
		const char *w = u->word.data, *eq;
		struct env_item_in item = { ENV_ASSIGN, line, NULL, NULL, NULL, reason, NULL,
					    ENV_EXPORTED };
		char *name, *raw;

		if (error) {
			env_list_diag(u->out, line, error);
			if (strcmp(error, "out of memory") == 0)
				note_rc(u, -ENOMEM);
			return;
		}
		eq = strchr(w, '=');
		if (!eq || !env_is_name(w, (size_t)(eq - w))) {
			env_list_diag(u->out, line, "Environment= word is not NAME=VALUE; word ignored");
			continue;
		}
		name = strndup(w, (size_t)(eq - w));
		/* After a specifier expansion the word is no longer the text
		 * as written, so the whole line's value is the raw text. */
		if (p == value)
			raw = strndup(p + raw_start, pos - raw_start);
		else
			raw = strndup(value, value_len);
		if (!name || !raw) {
			free(name);
			free(raw);
			note_rc(u, -ENOMEM);
			return;
		}
		item.name = name;
		item.raw = raw;
		if (!reason)
			item.value = eq + 1;
		note_rc(u, env_list_add(u->out, &item));
		free(name);
		free(raw);
	}
}

static void
read_environment_file(struct unit *u, const char *value, size_t n, size_t line)
{
	struct env_item_in item = { ENV_FILE_REF, line, "EnvironmentFile", NULL, NULL, NULL, NULL,
				    ENV_EXPORTED };
	const char *reason;
	char *raw;

	if (n == 0)
		return;
	raw = strndup(value, n);
	if (!raw) {
		note_rc(u, -ENOMEM);
		return;
	}
	item.raw = raw;
	if (value[0] == '-') {
		item.flags |= ENV_OPTIONAL;
		value++;
		n--;
	}
	reason = expand_specifiers(value, n, u->ctx, &u->expanded);
	item.unresolved = reason;
	if (!reason)
		item.value = u->expanded.data;
	note_rc(u, env_list_add(u->out, &item));
	free(raw);
}

static bool
section_has_environment(const char *name, size_t n)
{
	static const char *const sections[] = { "Service", "Socket", "Mount", "Swap", "Manager" };
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (strlen(sections[i]) == n && memcmp(sections[i], name, n) == 0)
			return true;
	}
	return false;
}

/* Reads one logical line; *in_section tracks the current section. */
static void
read_line(struct unit *u, const char *p, size_t n, size_t line, bool *in_section)
{
	const char *eq, *key, *value;
	size_t klen, vlen;

	while (n > 0 && is_space(*p)) {
		p++;
		n--;
	}
	while (n > 0 && is_space(p[n - 1]))
		n--;
	if (n == 0 || p[0] == '#' || p[0] == ';')
		return;
	if (p[0] == '[') {
		if (p[n - 1] != ']') {
			env_list_diag(u->out, line, "section header without ']'");
			*in_section = false;
			return;
		}
		*in_section = section_has_environment(p + 1, n - 2);
		return;
	}
	if (!*in_section)
		return;
	eq = memchr(p, '=', n);
	if (!eq) {
		env_list_diag(u->out, line, "line has no '='; line ignored");
		return;
	}
	key = p;
	klen = (size_t)(eq - p);
	while (klen > 0 && is_space(key[klen - 1]))
		klen--;
	value = eq + 1;
	vlen = (size_t)(p + n - value);
	while (vlen > 0 && is_space(*value)) {
		value++;
		vlen--;
	}
	if ((klen == 11 && memcmp(key, "Environment", 11) == 0) ||
	    (klen == 18 && memcmp(key, "DefaultEnvironment", 18) == 0) ||
	    (klen == 18 && memcmp(key, "ManagerEnvironment", 18) == 0))
		read_environment(u, value, vlen, line);
	else if (klen == 15 && memcmp(key, "EnvironmentFile", 15) == 0)
		read_environment_file(u, value, vlen, line);
}

int
unitfile_parse(const char *data, size_t len, const struct env_context *ctx, struct env_list *out)
{
	struct unit u = { out, ctx, out->count, { 0 }, { 0 }, 0 };
	struct strbuf logical;
	size_t clean_len, pos = 0, line = 1;
	bool in_section = false;
	char *s = env_clean_copy(data, len, 0, out, &clean_len);

	if (!s)
		return -ENOMEM;
	strbuf_init(&u.expanded, ENV_VALUE_MAX);
	strbuf_init(&u.word, ENV_VALUE_MAX);
	strbuf_init(&logical, ENV_LINE_MAX);

	while (pos < clean_len && u.rc != -ENOMEM) {
		size_t first = line;
		bool too_long = false;

		strbuf_reset(&logical);
		while (pos < clean_len) {
			const char *p = s + pos;
			const char *nl = memchr(p, '\n', clean_len - pos);
			size_t n = nl ? (size_t)(nl - p) : clean_len - pos;
			bool comment = logical.len > 0 && n > 0 && (p[0] == '#' || p[0] == ';');
			bool more = n > 0 && p[n - 1] == '\\' && !comment;

			pos += n + (nl ? 1 : 0);
			line++;
			if (comment)
				continue; /* comment lines inside a continued line are skipped */
			if (strbuf_append(&logical, p, more ? n - 1 : n) < 0 ||
			    (more && strbuf_putc(&logical, ' ') < 0))
				too_long = true;
			if (!more || !nl)
				break;
		}
		if (too_long)
			env_list_diag(out, first, "continued line longer than 64 KiB; line skipped");
		else
			read_line(&u, logical.data ? logical.data : "", logical.len, first, &in_section);
	}

	strbuf_free(&logical);
	strbuf_free(&u.expanded);
	strbuf_free(&u.word);
	free(s);
	if (u.rc == 0 && out->truncated)
		return -E2BIG;
	return u.rc;
}
