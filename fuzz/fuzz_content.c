/*
 * libFuzzer target: content_analyse() on any bytes, as a .pth line and as
 * a module, must succeed, report offsets inside the input, give a reason
 * for every feature that fired, and keep its counters in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "assess/content.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_report(const struct content_report *report, size_t size)
{
	unsigned f;

	if (report->length != size || report->analysed > size ||
	    report->analysed > CONTENT_MAX_TEXT || report->truncated != (size > CONTENT_MAX_TEXT))
		abort();
	if (report->features >> CONTENT_FEATURE_COUNT)
		abort();
	for (f = 0; f < CONTENT_FEATURE_COUNT; f++) {
		if (!content_has(report, (enum content_feature)f))
			continue;
		if (report->hits[f].reason == NULL || report->hits[f].offset >= report->analysed)
			abort();
	}
	if (report->encoded_run > report->analysed ||
	    report->encoded_run_offset + report->encoded_run > report->analysed)
		abort();
	if (!(report->entropy >= 0.0 && report->entropy <= 8.000001))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct content_report report;

	if (content_analyse(data, size, CONTENT_PTH_LINE, &report) != 0)
		abort();
	check_report(&report, size);
	if (content_analyse(data, size, CONTENT_MODULE, &report) != 0)
		abort();
	check_report(&report, size);
	return 0;
}
