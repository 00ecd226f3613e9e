#include "hunt/hunt.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hunt/huntint.h"

static void *
worker(void *arg)
{
	struct run *run = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&run->next, 1);
		struct unit *u;

		if (i >= run->nunits || atomic_load(&run->stop))
			break;
		u = &run->units[i];
		u->error = unit_run(run, u);
		if (u->error == -ENOMEM || u->error == -E2BIG)
			atomic_store(&run->stop, true);
	}
	return NULL;
}

/* KQL `sort by FileTime desc, RegTime desc`, nulls last, ties in input order. */
static int
compare_seed(const void *a, const void *b)
{
	const struct seed_hit *x = a, *y = b;
	bool xf = x->row.file && x->has_time, yf = y->row.file && y->has_time;
	bool xr = !x->row.file && x->has_time, yr = !y->row.file && y->has_time;

	if (xf != yf)
		return xf ? -1 : 1;
	if (xf && x->time != y->time)
		return x->time > y->time ? -1 : 1;
	if (xr != yr)
		return xr ? -1 : 1;
	if (xr && x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The timeline: oldest first, events without a time last, ties in input order. */
static int
compare_hits(const void *a, const void *b)
{
	const struct dhit *x = a, *y = b;

	if (x->has_time != y->has_time)
		return x->has_time ? -1 : 1;
	if (x->has_time && x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Turns unit-relative lines into file lines and moves results into res. */
static int
merge(struct run *run, struct input *inputs, size_t ninputs, struct hunt_result *res)
{
	size_t nseed = 0, nhits = 0, ndiags = res->ndiags, i, j, k;
	struct dhit *hits;

	for (i = 0; i < run->nunits; i++) {
		nseed += run->units[i].nseed;
		nhits += run->units[i].nhits;
		ndiags += run->units[i].ndiags;
	}
	res->seed = calloc(nseed ? nseed : 1, sizeof(*res->seed));
	hits = calloc(nhits ? nhits : 1, sizeof(*hits));
	res->findings = calloc(nhits ? nhits : 1, sizeof(*res->findings));
	if (ndiags > res->ndiags) {
		struct hunt_diag *d = realloc(res->diags, ndiags * sizeof(*d));

		if (!d) {
			free(hits);
			return -ENOMEM;
		}
		res->diags = d;
	}
	if (!res->seed || !hits || !res->findings) {
		free(hits);
		return -ENOMEM;
	}

	for (i = 0; i < ninputs; i++) {
		struct input *in = &inputs[i];
		long base_lines = in->header_lines;
		unsigned long base_records = 0;

		for (j = in->first_unit; j < in->first_unit + in->nunits; j++) {
			struct unit *u = &run->units[j];

			for (k = 0; k < u->nseed; k++)
				res->seed[res->nseed++] = u->seed[k];
			for (k = 0; k < u->nhits; k++) {
				struct dhit *h = &hits[res->nfindings++];

				*h = u->hits[k];
				if (h->f.event.source_line > 0)
					h->f.event.source_line += base_lines;
				if (h->f.event.source_record > 0)
					h->f.event.source_record += base_records;
			}
			for (k = 0; k < u->ndiags; k++) {
				struct hunt_diag *d = &res->diags[res->ndiags];

				d->file = strdup(in->name);
				d->line = u->diags[k].line > 0 ? u->diags[k].line + base_lines : 0;
				d->message = u->diags[k].message;
				u->diags[k].message = NULL;
				if (!d->file) {
					free(d->message);
					free(hits);
					return -ENOMEM;
				}
				res->ndiags++;
			}
			u->nseed = u->nhits = u->ndiags = 0;
			base_lines += u->lines;
			base_records += u->records;
			in->stats->records += u->records;
			in->stats->parsed += u->parsed;
			in->stats->skipped += u->skipped;
			in->stats->matches += u->matches;
			in->stats->diags_dropped += u->diags_dropped;
		}
		in->stats->lines = base_lines;
		in->stats->format = hunt_format_names[in->format];
	}

	qsort(res->seed, res->nseed, sizeof(*res->seed), compare_seed);
	qsort(hits, res->nfindings, sizeof(*hits), compare_hits);
	for (i = 0; i < res->nfindings; i++)
		res->findings[i] = hits[i].f;
	free(hits);
	return 0;
}

/*
 * Reads again, in one part, each CSV file whose split guessed a record
 * start inside a quoted field, dropping what its parts found.
 */
static int
redo_misaligned(struct run *run, struct input *inputs, size_t ninputs)
{
	size_t i, j;

	for (i = 0; i < ninputs; i++) {
		struct input *in = &inputs[i];
		struct unit *first;
		bool misaligned = false;

		for (j = in->first_unit; j < in->first_unit + in->nunits; j++)
			misaligned |= run->units[j].misaligned;
		if (!misaligned)
			continue;
		for (j = in->first_unit; j < in->first_unit + in->nunits; j++) {
			struct unit *u = &run->units[j];
			unsigned long index = u->index;

			/* What the dropped parts kept no longer counts against the cap. */
			atomic_fetch_sub(&run->kept, u->kept);
			unit_free(u);
			memset(u, 0, sizeof(*u));
			u->in = in;
			u->index = index;
			u->start = u->end = in->size;
		}
		first = &run->units[in->first_unit];
		first->start = in->data_start;
		first->end = in->size;
		first->last = true;
		first->error = unit_run(run, first);
		if (first->error == -ENOMEM || first->error == -E2BIG)
			return first->error;
	}
	return 0;
}

int
hunt_run(const struct hunt_options *opt, char *const *files, size_t nfiles,
	 struct hunt_result *res)
{
	struct input *inputs = calloc(nfiles ? nfiles : 1, sizeof(*inputs));
	struct run run = { .opt = opt };
	bool unread = false;
	size_t i;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	res->files = calloc(nfiles ? nfiles : 1, sizeof(*res->files));
	if (!inputs || !res->files) {
		free(inputs);
		return -ENOMEM;
	}
	res->nfiles = nfiles;
	atomic_init(&run.next, 0);
	atomic_init(&run.kept, 0);
	atomic_init(&run.stop, false);

	for (i = 0; i < nfiles && rc == 0; i++) {
		struct input *in = &inputs[i];
		int err;

		in->fd = -1;
		in->stats = &res->files[i];
		in->stats->name = strdup(files[i]);
		if (!in->stats->name) {
			rc = -ENOMEM;
			break;
		}
		err = input_open(in, files[i]);
		if (err < 0) {
			rc = input_fail(in, res, "cannot open: %s", strerror(-err));
			continue;
		}
		rc = input_sniff(in, res);
		if (rc == 0 && !in->stats->failed && in->format != FMT_NONE)
			rc = input_plan(in, opt->jobs, &run.units, &run.nunits);
		/* Each part opens a regular file again, so thousands of inputs need few descriptors. */
		if (!in->stream) {
			close(in->fd);
			in->fd = -1;
		}
	}

	if (rc == 0) {
		unsigned workers = opt->jobs > run.nunits ? (unsigned)run.nunits : opt->jobs;
		pthread_t *threads = calloc(workers ? workers : 1, sizeof(*threads));
		unsigned started = 0;

		if (!threads)
			rc = -ENOMEM;
		for (i = 1; rc == 0 && i < workers; i++) {
			if (pthread_create(&threads[started], NULL, worker, &run) == 0)
				started++;
		}
		if (rc == 0)
			worker(&run);
		for (i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
		free(threads);
	}
	if (rc == 0)
		rc = redo_misaligned(&run, inputs, nfiles);
	for (i = 0; rc == 0 && i < run.nunits; i++) {
		int err = run.units[i].error;

		if (err == -ENOMEM || err == -E2BIG)
			rc = err;
		else if (err < 0)
			unread = true;
	}
	if (rc == 0 || rc == -E2BIG) {
		int merged = merge(&run, inputs, nfiles, res);

		if (merged < 0)
			rc = merged;
	}
	for (i = 0; i < run.nunits; i++)
		unit_free(&run.units[i]);
	free(run.units);
	for (i = 0; i < nfiles; i++) {
		if (inputs[i].stats && inputs[i].stats->failed)
			unread = true;
		if (inputs[i].fd > STDIN_FILENO)
			close(inputs[i].fd);
		free(inputs[i].colmap);
		free(inputs[i].sniff);
	}
	free(inputs);
	if (rc == 0 && unread)
		rc = -EIO;
	return rc;
}

void
hunt_result_free(struct hunt_result *res)
{
	size_t i;

	for (i = 0; i < res->nseed; i++)
		free(res->seed[i].text[0]);
	free(res->seed);
	for (i = 0; i < res->nfindings; i++)
		finding_free(&res->findings[i]);
	free(res->findings);
	for (i = 0; i < res->ndiags; i++) {
		free(res->diags[i].file);
		free(res->diags[i].message);
	}
	free(res->diags);
	for (i = 0; i < res->nfiles; i++)
		free(res->files[i].name);
	free(res->files);
	memset(res, 0, sizeof(*res));
}
