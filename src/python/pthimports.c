#include "python/pthimports.h"

#include <stdbool.h>
#include <string.h>

static bool
is_name_byte(uint8_t c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (!first && c >= '0' && c <= '9');
}

static size_t
skip_blanks(const uint8_t *line, size_t len, size_t i)
{
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i;
}

/* Stores the identifier at line[*i] and moves *i past the dotted name it starts. */
static void
take_name(const uint8_t *line, size_t len, size_t *i,
	  char names[PTH_IMPORT_NAMES_MAX][PTH_IMPORT_NAME_MAX], size_t *count)
{
	size_t start = *i, n;

	while (*i < len && is_name_byte(line[*i], *i == start))
		(*i)++;
	n = *i - start;
	if (n > 0 && n < PTH_IMPORT_NAME_MAX && *count < PTH_IMPORT_NAMES_MAX) {
		memcpy(names[*count], line + start, n);
		names[*count][n] = '\0';
		(*count)++;
	}
	/* The submodule part: the top-level package runs first. */
	while (*i < len && (line[*i] == '.' || is_name_byte(line[*i], false)))
		(*i)++;
}

size_t
pth_imported_names(const uint8_t *line, size_t len,
		   char names[PTH_IMPORT_NAMES_MAX][PTH_IMPORT_NAME_MAX])
{
	static const char call[] = "__import__(";
	const size_t call_len = sizeof(call) - 1;
	size_t i = 6, count = 0, at; /* i starts past "import" */

	if (len < 7 || memcmp(line, "import", 6) != 0 || (line[6] != ' ' && line[6] != '\t'))
		return 0;
	for (;;) {
		i = skip_blanks(line, len, i);
		if (i >= len || !is_name_byte(line[i], true))
			break;
		take_name(line, len, &i, names, &count);
		i = skip_blanks(line, len, i);
		if (i + 2 < len && line[i] == 'a' && line[i + 1] == 's' &&
		    (line[i + 2] == ' ' || line[i + 2] == '\t')) {
			i = skip_blanks(line, len, i + 3);
			while (i < len && is_name_byte(line[i], false))
				i++;
			i = skip_blanks(line, len, i);
		}
		if (i >= len || line[i] != ',')
			break;
		i++;
	}
	for (at = 0; at + call_len <= len; at++) {
		if (memcmp(line + at, call, call_len) != 0)
			continue;
		i = at + call_len;
		if (i < len && (line[i] == '\'' || line[i] == '"')) {
			i++;
			take_name(line, len, &i, names, &count);
		}
	}
	return count;
}
