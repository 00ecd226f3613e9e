#include "hunt/event.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const column_names[COL_COUNT] = {
	[COL_TIMESTAMP] = "Timestamp",
	[COL_TIME_GENERATED] = "TimeGenerated",
	[COL_DEVICE_ID] = "DeviceId",
	[COL_DEVICE_NAME] = "DeviceName",
	[COL_ACTION_TYPE] = "ActionType",
	[COL_FILE_NAME] = "FileName",
	[COL_FOLDER_PATH] = "FolderPath",
	[COL_PREVIOUS_FILE_NAME] = "PreviousFileName",
	[COL_PREVIOUS_FOLDER_PATH] = "PreviousFolderPath",
	[COL_SHA256] = "SHA256",
	[COL_ACCOUNT_DOMAIN] = "InitiatingProcessAccountDomain",
	[COL_ACCOUNT_NAME] = "InitiatingProcessAccountName",
	[COL_PROCESS_FILE_NAME] = "InitiatingProcessFileName",
	[COL_PROCESS_COMMAND_LINE] = "InitiatingProcessCommandLine",
	[COL_PROCESS_FOLDER_PATH] = "InitiatingProcessFolderPath",
	[COL_PROCESS_ID] = "InitiatingProcessId",
	[COL_PARENT_FILE_NAME] = "InitiatingProcessParentFileName",
	[COL_REGISTRY_KEY] = "RegistryKey",
	[COL_REGISTRY_VALUE_NAME] = "RegistryValueName",
	[COL_REGISTRY_VALUE_DATA] = "RegistryValueData",
	[COL_PREVIOUS_REGISTRY_KEY] = "PreviousRegistryKey",
	[COL_PREVIOUS_REGISTRY_VALUE_NAME] = "PreviousRegistryValueName",
	[COL_REPORT_ID] = "ReportId",
	[COL_TYPE] = "Type",
};

int
event_column_lookup(const char *name, size_t len)
{
	int col;

	for (col = 0; col < COL_COUNT; col++) {
		const char *known = column_names[col];

		if (strlen(known) == len && kql_equals_ci(name, len, known, len))
			return col;
	}
	return -1;
}

const char *
event_column_name(enum event_column col)
{
	return column_names[col];
}

void
event_reset(struct event *ev)
{
	memset(ev->col, 0, sizeof(ev->col));
	ev->table = TABLE_UNKNOWN;
	ev->has_timestamp = false;
}

static bool
has_prefix(struct event_str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.data, prefix, n) == 0;
}

static enum event_table
table_from_name(const char *name, size_t len)
{
	static const char stream_prefix[] = "AdvancedHunting-";
	size_t n = sizeof(stream_prefix) - 1;

	if (len >= n && kql_equals_ci(name, n, stream_prefix, n)) {
		name += n;
		len -= n;
	}
	if (kql_equals_ci(name, len, "DeviceFileEvents", 16))
		return TABLE_FILE;
	if (kql_equals_ci(name, len, "DeviceRegistryEvents", 20))
		return TABLE_REGISTRY;
	return TABLE_OTHER;
}

void
event_classify(struct event *ev, const char *category, size_t category_len)
{
	struct event_str action = ev->col[COL_ACTION_TYPE];

	if (category && category_len > 0) {
		ev->table = table_from_name(category, category_len);
		return;
	}
	if (ev->col[COL_TYPE].len > 0) {
		ev->table = table_from_name(ev->col[COL_TYPE].data, ev->col[COL_TYPE].len);
		return;
	}
	/* An export of a union query has no table column; the action names it. */
	if (has_prefix(action, "File")) {
		ev->table = TABLE_FILE;
		return;
	}
	if (has_prefix(action, "Registry")) {
		ev->table = TABLE_REGISTRY;
		return;
	}
	if (ev->col[COL_REGISTRY_KEY].len > 0 || ev->col[COL_REGISTRY_VALUE_NAME].len > 0)
		ev->table = TABLE_REGISTRY;
	else if (ev->col[COL_FILE_NAME].len > 0 || ev->col[COL_FOLDER_PATH].len > 0)
		ev->table = TABLE_FILE;
	else
		ev->table = TABLE_UNKNOWN;
}

/* Stores an integer column's value as text in one of the scratch slots. */
static void
set_number(struct event *ev, int col, json_int_t value)
{
	int slot = col == COL_PROCESS_ID ? 0 : 1;
	int n = snprintf(ev->number[slot], EVENT_NUMBER_MAX, "%lld", (long long)value);

	if (n < 0 || n >= EVENT_NUMBER_MAX)
		return;
	ev->col[col].data = ev->number[slot];
	ev->col[col].len = (size_t)n;
}

static void
fill_from_object(struct event *ev, json_t *obj)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		int col = event_column_lookup(key, strlen(key));

		if (col == COL_TIMESTAMP)
			ev->has_timestamp = true;
		if (col >= 0)
			event_set_json(ev, col, value);
	}
}

void
event_set_json(struct event *ev, int col, json_t *value)
{
	if (col < 0 || col >= COL_COUNT)
		return;
	if (json_is_string(value)) {
		ev->col[col].data = json_string_value(value);
		ev->col[col].len = json_string_length(value);
	} else if (json_is_integer(value) && (col == COL_PROCESS_ID || col == COL_REPORT_ID)) {
		set_number(ev, col, json_integer_value(value));
	}
}

int
event_from_json(struct event *ev, json_t *obj)
{
	json_t *properties, *category;

	if (!json_is_object(obj))
		return -EINVAL;
	event_reset(ev);
	properties = json_object_get(obj, "properties");
	category = json_object_get(obj, "category");
	if (json_is_object(properties)) {
		fill_from_object(ev, properties);
		if (json_is_string(category))
			event_classify(ev, json_string_value(category), json_string_length(category));
		else
			event_classify(ev, NULL, 0);
		return 0;
	}
	fill_from_object(ev, obj);
	event_classify(ev, NULL, 0);
	return 0;
}

int
event_time(const struct event *ev, kql_ticks *out)
{
	struct event_str s = ev->has_timestamp ? ev->col[COL_TIMESTAMP] : ev->col[COL_TIME_GENERATED];

	if (s.len == 0)
		return 0;
	if (kql_parse_datetime(s.data, s.len, out) < 0)
		return -EINVAL;
	return 1;
}
