/*
 * libFuzzer target: pyvenv_parse() must succeed on any bytes (or run out
 * of memory), keep line numbers inside the file, and agree with itself on
 * the include-system-site-packages default.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "python/pyvenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_line(const char *value, long line, long lines)
{
	if (value && (line < 1 || line > lines))
		abort();
	if (!value && line != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyvenv_cfg cfg;
	long lines = 1;
	size_t i;
	int rc = pyvenv_parse(data, size, &cfg);

	if (rc == -ENOMEM)
		return 0;
	if (rc != 0)
		abort();
	for (i = 0; i < size; i++) {
		if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= size || data[i + 1] != '\n')))
			lines++;
	}
	check_line(cfg.home, cfg.home_line, lines);
	check_line(cfg.version, cfg.version_line, lines);
	check_line(cfg.executable, cfg.executable_line, lines);
	check_line(cfg.command, cfg.command_line, lines);
	check_line(cfg.prompt, cfg.prompt_line, lines);
	if (!cfg.system_site_set && !cfg.system_site)
		abort();
	if (cfg.home && cfg.home_count < 1)
		abort();
	if (cfg.home && memchr(cfg.home, '\n', strlen(cfg.home)))
		abort();
	if (cfg.bad_lines > lines)
		abort();
	pyvenv_cfg_free(&cfg);
	return 0;
}
