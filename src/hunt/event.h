/*
 * event: one Defender DeviceFileEvents or DeviceRegistryEvents row, reduced
 * to the columns the detection rules read, from any export format.
 *
 * Columns are found by name (ASCII case-insensitively); unknown columns are
 * ignored, and JSON null, a missing column and an empty string all read as
 * empty, as Kusto treats strings. Column values are views: into the CSV
 * record, into the jansson object, or into the event's own scratch space
 * for numbers. They stay valid until the event is reset or its source is
 * freed. Nothing here allocates except event_from_json's scratch text.
 */
#ifndef SITEHOUND_HUNT_EVENT_H
#define SITEHOUND_HUNT_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "hunt/kql.h"

enum event_table {
	TABLE_UNKNOWN,   /* neither table could be recognised */
	TABLE_FILE,      /* DeviceFileEvents */
	TABLE_REGISTRY,  /* DeviceRegistryEvents */
	TABLE_OTHER,     /* a Defender table the rules do not read */
};

enum event_column {
	COL_TIMESTAMP,
	COL_TIME_GENERATED,
	COL_DEVICE_ID,
	COL_DEVICE_NAME,
	COL_ACTION_TYPE,
	COL_FILE_NAME,
	COL_FOLDER_PATH,
	COL_PREVIOUS_FILE_NAME,
	COL_PREVIOUS_FOLDER_PATH,
	COL_SHA256,
	COL_ACCOUNT_DOMAIN,
	COL_ACCOUNT_NAME,       /* InitiatingProcessAccountName */
	COL_PROCESS_FILE_NAME,
	COL_PROCESS_COMMAND_LINE,
	COL_PROCESS_FOLDER_PATH,
	COL_PROCESS_ID,
	COL_PARENT_FILE_NAME,
	COL_REGISTRY_KEY,
	COL_REGISTRY_VALUE_NAME,
	COL_REGISTRY_VALUE_DATA,
	COL_PREVIOUS_REGISTRY_KEY,
	COL_PREVIOUS_REGISTRY_VALUE_NAME,
	COL_REPORT_ID,
	COL_TYPE,               /* Sentinel's table name column */
	COL_COUNT
};

struct event_str {
	const char *data;
	size_t len;             /* 0 for null, missing or empty */
};

/* Scratch space for numbers rendered as text (ProcessId, ReportId). */
#define EVENT_NUMBER_MAX 32

struct event {
	enum event_table table;
	bool has_timestamp;     /* the row has a Timestamp column, even an empty one */
	struct event_str col[COL_COUNT];
	char number[2][EVENT_NUMBER_MAX];
};

/* Returns the column a header or property name stands for, or -1. */
int event_column_lookup(const char *name, size_t len);
/* Returns the column's canonical Defender name. */
const char *event_column_name(enum event_column col);

void event_reset(struct event *ev);

/*
 * Decides which table a row came from: an explicit table name (a streaming
 * record's category, Sentinel's Type column) when there is one, else the
 * ActionType prefix (File..., Registry...), else which columns hold values.
 * category may be NULL.
 */
void event_classify(struct event *ev, const char *category, size_t category_len);

/*
 * Fills ev from a row object: either the row itself or a streaming record
 * whose "properties" object contains it (the record's "category" then names
 * the table). Strings and numbers are read; objects, arrays and booleans
 * are ignored. Returns 0 or -EINVAL when obj is not an object.
 */
__attribute__((warn_unused_result))
int event_from_json(struct event *ev, json_t *obj);

/*
 * Sets column col from a JSON value: a string is viewed in place, an
 * integer ProcessId or ReportId is rendered as text; other values leave
 * the column empty.
 */
void event_set_json(struct event *ev, int col, json_t *value);

/*
 * Reads the event time: Timestamp, which the published query filters and
 * sorts on, or TimeGenerated when the row has no Timestamp column at all
 * (Sentinel exports that kept only TimeGenerated). Returns 1 with *out
 * set, 0 when the time is empty, or -EINVAL when it is not a datetime.
 */
__attribute__((warn_unused_result))
int event_time(const struct event *ev, kql_ticks *out);

#endif
