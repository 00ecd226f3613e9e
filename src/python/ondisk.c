#include "python/ondisk.h"

#include <ctype.h>
#include <string.h>

#include "python/version.h"

bool
patchlevel_version(const uint8_t *buf, size_t len, uint32_t *lo, uint32_t *hi, char *text,
		   size_t size)
{
	static const char key[] = "#define PY_VERSION";
	const uint8_t *p = buf, *end = buf + len;

	while (p < end) {
		const uint8_t *hit = memmem(p, (size_t)(end - p), key, sizeof(key) - 1);
		const uint8_t *q, *start;

		if (!hit)
			return false;
		q = hit + sizeof(key) - 1;
		p = q;
		if (q >= end || (*q != ' ' && *q != '\t'))
			continue; /* PY_VERSION_HEX and similar names */
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= end || *q != '"')
			return false;
		start = ++q;
		while (q < end && q - start < 32 && (isalnum(*q) || *q == '.'))
			q++;
		if ((size_t)(q - start) >= size || pyver_parse((const char *)start, (size_t)(q - start), lo, hi) < 0)
			return false;
		memcpy(text, start, (size_t)(q - start));
		text[q - start] = '\0';
		return true;
	}
	return false;
}

/* Parses "libpythonX.Y-minimal" into X and Y. */
static bool
minimal_package(const uint8_t *name, size_t n, int *major, int *minor)
{
	static const char head[] = "libpython", tail[] = "-minimal";
	size_t i = sizeof(head) - 1, digits;
	long a = 0, b = 0;

	if (n < sizeof(head) + sizeof(tail) || memcmp(name, head, sizeof(head) - 1) != 0 ||
	    memcmp(name + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1) != 0)
		return false;
	n -= sizeof(tail) - 1;
	for (digits = 0; i < n && isdigit(name[i]) && digits < 3; i++, digits++)
		a = a * 10 + (name[i] - '0');
	if (digits == 0 || i >= n || name[i] != '.')
		return false;
	for (i++, digits = 0; i < n && isdigit(name[i]) && digits < 3; i++, digits++)
		b = b * 10 + (name[i] - '0');
	if (digits == 0 || i != n)
		return false;
	*major = (int)a;
	*minor = (int)b;
	return true;
}

size_t
dpkg_python_versions(const uint8_t *buf, size_t len, struct dpkg_python *out, size_t max)
{
	struct dpkg_python cur;
	size_t count = 0, pos = 0;
	bool installed = false, is_python = false;

	memset(&cur, 0, sizeof(cur));
	while (count < max) {
		const uint8_t *line = buf + pos;
		const uint8_t *nl = pos < len ? memchr(line, '\n', len - pos) : NULL;
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		if (n > 9 && memcmp(line, "Package: ", 9) == 0) {
			is_python = minimal_package(line + 9, n - 9, &cur.major, &cur.minor);
		} else if (n > 8 && memcmp(line, "Status: ", 8) == 0) {
			installed = memmem(line, n, "install ok installed", 20) != NULL;
		} else if (n > 9 && memcmp(line, "Version: ", 9) == 0 && n - 9 < sizeof(cur.version)) {
			memcpy(cur.version, line + 9, n - 9);
			cur.version[n - 9] = '\0';
		}
		/* A blank line ends a stanza, and so does the end of the file. */
		if (n == 0 || !nl) {
			if (is_python && installed && cur.version[0])
				out[count++] = cur;
			memset(&cur, 0, sizeof(cur));
			installed = is_python = false;
		}
		if (!nl)
			break;
		pos += n + 1;
	}
	return count;
}

bool
debian_upstream_version(const char *debver, uint32_t *lo, uint32_t *hi)
{
	const char *colon = strchr(debver, ':');
	size_t n = 0;

	if (colon)
		debver = colon + 1;
	while (debver[n] && (isdigit((unsigned char)debver[n]) || debver[n] == '.'))
		n++;
	return n > 0 && pyver_parse(debver, n, lo, hi) == 0;
}
