"""Writers for every Defender export shape the hunt command reads.

Each takes the labelled events and returns the file's bytes. The shapes
follow Microsoft's documentation of each API and export, with public
samples for the details: CSV quoting, ' [UTC]' header suffixes,
US-style portal datetimes, JSON wrappers and streaming records.
"""
import csv
import datetime
import io
import json

COLUMNS = [
    "Timestamp", "DeviceId", "DeviceName", "ActionType", "FileName", "FolderPath",
    "PreviousFolderPath", "PreviousFileName", "SHA256", "InitiatingProcessAccountDomain",
    "InitiatingProcessAccountName", "InitiatingProcessFileName", "InitiatingProcessCommandLine",
    "InitiatingProcessId", "RegistryKey", "RegistryValueName", "RegistryValueData",
    "AdditionalFields",
]
TYPES = {"Timestamp": "DateTime", "InitiatingProcessId": "Int64"}


def cells(ev):
    row = dict(ev["row"])
    row["AdditionalFields"] = json.dumps({"Case": ev["case"], "Quote": "a \"b\", c"})
    return [row.get(c, "") for c in COLUMNS]


def json_row(ev, nulls=True):
    """A row object; empty strings become JSON null, as the stream writes them."""
    out = {}
    for c, v in zip(COLUMNS, cells(ev)):
        if c == "AdditionalFields":
            out[c] = {"Case": ev["case"]}
        elif v == "" and nulls:
            out[c] = None
        else:
            out[c] = v
    return out


def ah_csv(events):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for ev in events:
        w.writerow(cells(ev))
    return buf.getvalue().encode()


def us_time(iso):
    if not iso:
        return ""
    base, _, frac = iso.rstrip("Z").partition(".")
    t = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    hour = t.hour % 12 or 12
    text = "%d/%d/%d, %d:%02d:%02d" % (t.month, t.day, t.year, hour, t.minute, t.second)
    if frac:
        text += "." + frac[:3].ljust(3, "0")
    return text + (" AM" if t.hour < 12 else " PM")


def portal_csv(events):
    """Log Analytics portal export: BOM, ' [UTC]' suffixes, US datetimes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = ["TimeGenerated [UTC]"] + [c + " [UTC]" if c == "Timestamp" else c for c in COLUMNS]
    w.writerow(header)
    for ev in events:
        row = cells(ev)
        row[0] = us_time(row[0])
        w.writerow([row[0]] + row)
    return ("\ufeff" + buf.getvalue()).encode()


def ah_api_json(events):
    doc = {
        "Stats": {"ExecutionTime": 0.1, "resource_usage": {"cache": {}}},
        "Schema": [{"Name": c, "Type": TYPES.get(c, "String")} for c in COLUMNS],
        "Results": [json_row(ev, nulls=False) for ev in events],
    }
    return json.dumps(doc, indent=2).encode()


def graph_json(events):
    doc = {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
        "results": [json_row(ev) for ev in events],
        "schema": [{"name": c, "type": TYPES.get(c, "String")} for c in COLUMNS],
    }
    return json.dumps(doc).encode()


def la_api_json(events):
    rows = []
    for ev in events:
        row = cells(ev)
        rows.append([None if v == "" else v for v in row])
    doc = {"tables": [{
        "name": "PrimaryResult",
        "columns": [{"name": c, "type": "datetime" if c == "Timestamp" else "string"}
                    for c in COLUMNS],
        "rows": rows,
    }]}
    return json.dumps(doc, indent=1).encode()


def record(ev):
    return {
        "time": "2024-05-03T12:30:00.0000000Z",
        "tenantId": "11111111-2222-3333-4444-555555555555",
        "operationName": "Publish",
        "category": "AdvancedHunting-" + ev["table"],
        "properties": json_row(ev),
        "Tenant": "DefaultTenant",
    }


def event_hub(events):
    lines = []
    for i in range(0, len(events), 3):
        lines.append(json.dumps({"records": [record(ev) for ev in events[i:i + 3]]}))
    return ("\n".join(lines) + "\n").encode()


def storage_jsonl(events):
    return "".join(json.dumps(record(ev)) + "\n" for ev in events).encode()


def plain_jsonl(events):
    return "".join(json.dumps(json_row(ev)) + "\n" for ev in events).encode()


FORMATS = {
    "ah.csv": ah_csv,
    "portal.csv": portal_csv,
    "ah-api.json": ah_api_json,
    "graph.json": graph_json,
    "la-api.json": la_api_json,
    "eventhub.json": event_hub,
    "storage.jsonl": storage_jsonl,
    "rows.jsonl": plain_jsonl,
}
