/*
 * out: render findings as a text table or as JSON Lines.
 *
 * Writers decide nothing; they escape every string from the scanned system
 * (see core/escape.h) and print. Functions return 0, -EIO when the stream
 * fails, or -ENOMEM.
 */
#ifndef SITEHOUND_OUT_OUT_H
#define SITEHOUND_OUT_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/finding.h"

enum out_format { OUT_TEXT, OUT_JSONL };

struct out_writer {
	FILE *fp;
	enum out_format format;
	unsigned long count; /* findings written so far */
	unsigned long by_severity[SEV_HIGH + 1];
	unsigned long below;         /* findings the caller left out under min_severity */
	enum severity min_severity;  /* the caller's reporting threshold, for the summary */
};

void out_init(struct out_writer *w, FILE *fp, enum out_format format);
__attribute__((warn_unused_result))
int out_finding(struct out_writer *w, const struct finding *f);
/*
 * Ends the output; the text table prints its summary line here, noting a
 * partial scan when some paths could not be read and how many findings
 * fell below the threshold.
 */
__attribute__((warn_unused_result))
int out_finish(struct out_writer *w, bool partial);
/* Parses "text" or "jsonl"; returns 0 or -EINVAL. */
__attribute__((warn_unused_result))
int out_format_parse(const char *text, enum out_format *format);
/* Formats t as RFC 3339 UTC with a Z suffix; buf needs 21 bytes. */
void out_format_time(time_t t, char *buf, size_t size);

#endif
