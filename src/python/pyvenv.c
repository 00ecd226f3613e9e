#include "python/pyvenv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "python/pytext.h"

/* Kelvin sign U+212A is the one non-ASCII character str.lower() maps to ASCII ('k'). */
static const uint8_t KELVIN_SIGN[3] = { 0xE2, 0x84, 0xAA };

/* Whether key.lower() == name, for a lower-case ASCII name. */
static bool
key_is(const uint8_t *key, size_t len, const char *name)
{
	size_t i = 0;

	for (; *name; name++) {
		if (i < len && key[i] < 0x80) {
			uint8_t c = key[i];

			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			if (c != (uint8_t)*name)
				return false;
			i++;
		} else if (*name == 'k' && len - i >= 3 &&
			   memcmp(key + i, KELVIN_SIGN, 3) == 0) {
			i += 3;
		} else {
			return false;
		}
	}
	return i == len;
}

static bool
value_is_true(const uint8_t *v, size_t len)
{
	static const char want[] = "true";
	size_t i;

	if (len != 4)
		return false;
	for (i = 0; i < 4; i++) {
		uint8_t c = v[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)want[i])
			return false;
	}
	return true;
}

/* Replaces *slot with a NUL-terminated copy of value. */
static int
store(char **slot, long *line_slot, const uint8_t *value, size_t len, long line)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, value, len);
	copy[len] = '\0';
	free(*slot);
	*slot = copy;
	*line_slot = line;
	return 0;
}

/* Applies one line (without its line break) to cfg. */
static int
apply_line(struct pyvenv_cfg *cfg, const uint8_t *line, size_t len, long number,
	   long *version_info_line, char **version_info)
{
	const uint8_t *eq, *key, *value;
	size_t keylen, valuelen;

	if (memchr(line, '\0', len)) {
		cfg->bad_lines++;
		return 0;
	}
	eq = memchr(line, '=', len);
	if (!eq)
		return 0;

	key = line;
	keylen = (size_t)(eq - line);
	value = eq + 1;
	valuelen = len - keylen - 1;
	py_strip(&key, &keylen);
	py_strip(&value, &valuelen);

	if (key_is(key, keylen, "home")) {
		cfg->home_count++;
		if (cfg->home)
			return 0; /* getpath.py stops at the first "home" */
		return store(&cfg->home, &cfg->home_line, value, valuelen, number);
	}
	if (key_is(key, keylen, "include-system-site-packages")) {
		cfg->system_site = value_is_true(value, valuelen);
		cfg->system_site_set = true;
		cfg->system_site_line = number;
		return 0;
	}
	if (key_is(key, keylen, "version"))
		return store(&cfg->version, &cfg->version_line, value, valuelen, number);
	if (key_is(key, keylen, "version_info"))
		return store(version_info, version_info_line, value, valuelen, number);
	if (key_is(key, keylen, "executable"))
		return store(&cfg->executable, &cfg->executable_line, value, valuelen, number);
	if (key_is(key, keylen, "command"))
		return store(&cfg->command, &cfg->command_line, value, valuelen, number);
	if (key_is(key, keylen, "prompt"))
		return store(&cfg->prompt, &cfg->prompt_line, value, valuelen, number);
	return 0;
}

int
pyvenv_parse(const uint8_t *buf, size_t len, struct pyvenv_cfg *out)
{
	char *version_info = NULL;
	long version_info_line = 0;
	size_t start = 0;
	long number = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->system_site = true;
	out->decode_error = utf8_first_invalid(buf, len) != len;
	out->over_getpath_limit = len >= PYVENV_GETPATH_MAX_BYTES;

	/*
	 * Universal newlines, as text-mode iteration in site.venv() splits.
	 * NOTE: getpath.py (3.11+) splits on '\n' only, so a lone '\r' can
	 * hide a "home" line from it; this reader follows site.py.
	 */
	while (start < len && rc == 0) {
		size_t end = start, next;

		while (end < len && buf[end] != '\n' && buf[end] != '\r')
			end++;
		next = end;
		if (next < len) {
			next++;
			if (buf[end] == '\r' && next < len && buf[next] == '\n')
				next++;
		}
		number++;
		rc = apply_line(out, buf + start, end - start, number,
				&version_info_line, &version_info);
		start = next;
	}

	if (rc == 0 && !out->version && version_info) {
		out->version = version_info;
		out->version_line = version_info_line;
		version_info = NULL;
	}
	free(version_info);
	if (rc < 0)
		pyvenv_cfg_free(out);
	return rc;
}

void
pyvenv_cfg_free(struct pyvenv_cfg *cfg)
{
	free(cfg->home);
	free(cfg->version);
	free(cfg->executable);
	free(cfg->command);
	free(cfg->prompt);
	memset(cfg, 0, sizeof(*cfg));
	cfg->system_site = true;
}
