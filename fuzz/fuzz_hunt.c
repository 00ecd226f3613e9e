/*
 * libFuzzer target: hunt_run() over any file, under both rules, must
 * return 0 or -EIO and a result whose every part is well formed. Every
 * diagnostic has a file and a message. Every seed hit has the computed
 * columns and the projected text its EventType implies. Every default
 * finding has a rule, a kind, a path and a reason. The default rule also
 * reports at least as many events as the seed rule returns, because it
 * reports every seed match.
 *
 * The input is written to one memfd per process and read through
 * /proc/self/fd/N, so hunt opens it by name as it opens a user's file.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hunt/hunt.h"
#include "hunt/kql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char input_path[64];
static int input_fd = -1;

/* Creates the memfd on the first call and returns its /proc path, or aborts. */
static char *
input_file(void)
{
	int n;

	if (input_fd >= 0)
		return input_path;
	input_fd = memfd_create("fuzz_hunt", MFD_CLOEXEC);
	if (input_fd < 0)
		abort();
	n = snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", input_fd);
	if (n < 0 || (size_t)n >= sizeof(input_path))
		abort();
	return input_path;
}

static void
write_input(const uint8_t *data, size_t size)
{
	size_t done = 0;

	input_file();
	if (ftruncate(input_fd, 0) < 0)
		abort();
	while (done < size) {
		ssize_t n = pwrite(input_fd, data + done, size - done, (off_t)done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
}

static bool
text_is(const struct seed_hit *hit, enum seed_text t, const char *s)
{
	return kql_equals_ci(hit->text[t], hit->text_len[t], s, strlen(s));
}

static void
check_seed_hit(const struct seed_hit *hit)
{
	const struct seed_row *row = &hit->row;
	size_t i;

	for (i = 0; i < SEED_TEXT_COUNT; i++) {
		if (!hit->text[i] || hit->text[i][hit->text_len[i]] != '\0')
			abort();
	}
	if (row->file) {
		const char *action = hit->text[SEED_ACTION_TYPE];
		bool pth = kql_endswith(hit->text[SEED_FILE_NAME], hit->text_len[SEED_FILE_NAME],
					".pth", 4);
		bool customize = text_is(hit, SEED_FILE_NAME, "sitecustomize.py") ||
				 text_is(hit, SEED_FILE_NAME, "usercustomize.py");
		bool startup = customize || text_is(hit, SEED_FILE_NAME, "site.py") ||
			       text_is(hit, SEED_FILE_NAME, "sitecustomize.pyc");

		if (strcmp(action, "FileCreated") != 0 && strcmp(action, "FileModified") != 0)
			abort();
		if (row->is_pth != pth || row->is_sitecustomize != customize)
			abort();
		if (!startup && !(pth && row->is_site_packages))
			abort();
		if (hit->text_len[SEED_REGISTRY_KEY] || hit->text_len[SEED_REGISTRY_VALUE_NAME] ||
		    hit->text_len[SEED_REGISTRY_VALUE_DATA])
			abort();
		return;
	}
	if (row->is_pth || row->is_sitecustomize || row->is_site_packages)
		abort();
	if (!text_is(hit, SEED_REGISTRY_VALUE_NAME, "PYTHONSTARTUP") &&
	    !text_is(hit, SEED_REGISTRY_VALUE_NAME, "PYTHONPATH"))
		abort();
	if (hit->text_len[SEED_ACTION_TYPE] || hit->text_len[SEED_FILE_NAME] ||
	    hit->text_len[SEED_FOLDER_PATH] || hit->text_len[SEED_PROCESS_COMMAND_LINE])
		abort();
}

/* File rows with a time come first, newest first, as `sort by FileTime desc` puts them. */
static void
check_seed_order(const struct hunt_result *res)
{
	size_t i;

	for (i = 1; i < res->nseed; i++) {
		const struct seed_hit *a = &res->seed[i - 1], *b = &res->seed[i];
		bool a_file = a->row.file && a->has_time, b_file = b->row.file && b->has_time;

		if (b_file && !a_file)
			abort();
		if (a_file && b_file && a->time < b->time)
			abort();
	}
}

static void
check_finding(const struct finding *f)
{
	size_t i;

	if (!f->rule || !f->kind || !f->path || f->nreasons < 1 ||
	    f->nreasons > FINDING_MAX_REASONS)
		abort();
	for (i = 0; i < f->nreasons; i++) {
		if (!f->reasons[i] || !f->reasons[i][0])
			abort();
	}
	if (f->severity > SEV_HIGH || f->confidence > CONF_HIGH || !f->event.present)
		abort();
	if (!f->event.source_file || f->event.source_line < 1)
		abort();
}

static void
check_common(int rc, const struct hunt_result *res)
{
	size_t i;

	if (rc != 0 && rc != -EIO)
		abort();
	if (res->nfiles != 1 || !res->files[0].name)
		abort();
	if (rc == -EIO && !res->files[0].failed)
		abort();
	for (i = 0; i < res->ndiags; i++) {
		if (!res->diags[i].file || !res->diags[i].message || !res->diags[i].message[0])
			abort();
		if (res->diags[i].line < 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hunt_options opt = {
		.window = { .enabled = false },
		.jobs = 1,
		.min_severity = SEV_INFO,
	};
	char *files[1];
	struct hunt_result seed, full;
	size_t i;
	int rc;

	write_input(data, size);
	files[0] = input_file();

	opt.rule = HUNT_RULE_SEED;
	rc = hunt_run(&opt, files, 1, &seed);
	if (rc == -ENOMEM)
		abort();
	check_common(rc, &seed);
	if (seed.nfindings != 0)
		abort();
	for (i = 0; i < seed.nseed; i++)
		check_seed_hit(&seed.seed[i]);
	check_seed_order(&seed);

	opt.rule = HUNT_RULE_DEFAULT;
	rc = hunt_run(&opt, files, 1, &full);
	check_common(rc, &full);
	if (full.nseed != 0)
		abort();
	for (i = 0; i < full.nfindings; i++)
		check_finding(&full.findings[i]);
	if (full.nfindings < seed.nseed)
		abort();

	hunt_result_free(&seed);
	hunt_result_free(&full);
	return 0;
}
