#!/usr/bin/env python3
"""Reference implementation of the published Sentinel detection for T1546.018.

This is the "seed" rule of `sitehound hunt`, written plainly in Python (standard
library only) so that it can cross-check sitehound's results and serve as a peer
in bench/hunt-vs-peers. It is written to be correct, not fast. The query it
evaluates, with `ago(24h)` replaced by `--now`/`--since`:

    FILE rows: DeviceFileEvents
      where FileName in~ ("sitecustomize.py","usercustomize.py","site.py",
                          "sitecustomize.pyc")
         or (FileName endswith ".pth" and FolderPath has_any (PythonDirs))
      where ActionType in ("FileCreated", "FileModified")
    ENV_VAR rows: DeviceRegistryEvents
      where RegistryValueName in~ ("PYTHONSTARTUP", "PYTHONPATH")
      where ActionType in ("RegistryValueSet", "RegistryKeyCreated")
      where RegistryKey has_any ("Environment", "System\\CurrentControlSet")
    PythonDirs = "site-packages", "dist-packages", "lib\\python", "lib/python"

Kusto semantics used (Kusto query language reference, "String operators"):
`in~` is equality after ASCII-only case folding, and `in` is case-sensitive.
`endswith` is an ASCII case-insensitive suffix test. `has` matches whole
terms, where a term is a maximal run of ASCII letters and digits. The query
names `AccountName`, which neither table has; like sitehound, this fills it
from InitiatingProcessAccountName.

Input: storage JSON lines (one streaming record per line, the table taken from
its "category"), plain JSON lines of row objects, Event Hub messages
({"records": [...]}) one per line, and advanced hunting or Log Analytics CSV
exports. A row of unknown table (plain rows or CSV without a "Type" column) is
tested against both halves of the query; a row cannot satisfy both because
their columns do not overlap. Rows whose Timestamp is missing or invalid have
a null time: `--since all` keeps them, any time window drops them, as Kusto's
comparison with null is false.

Output: one JSON object per row (`-f jsonl`), sorted by FileTime desc, then
RegTime desc (nulls last), ties in input order.

`--self-test` checks the operators and datetime handling against worked
examples and exits.
"""

import argparse
import csv
import datetime
import fractions
import json
import re
import sys
import time

TICKS_PER_SECOND = 10_000_000
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

PYTHON_STARTUP_FILES = ("sitecustomize.py", "usercustomize.py", "site.py", "sitecustomize.pyc")
PYTHON_DIRS = ("site-packages", "dist-packages", "lib\\python", "lib/python")
CUSTOMIZE_FILES = ("sitecustomize.py", "usercustomize.py")
FILE_ACTIONS = ("FileCreated", "FileModified")
ENV_VALUE_NAMES = ("PYTHONSTARTUP", "PYTHONPATH")
REGISTRY_ACTIONS = ("RegistryValueSet", "RegistryKeyCreated")
ENV_KEY_TERMS = ("Environment", "System\\CurrentControlSet")

OUTPUT_KEYS = (
    "FileTime", "DeviceName", "AccountName", "ActionType", "FileName", "FolderPath",
    "IsSitePackages", "IsSitecustomize", "IsPthFile", "InitiatingProcessFileName",
    "InitiatingProcessCommandLine", "EventType", "RegTime", "RegistryKey",
    "RegistryValueName", "RegistryValueData",
)

FILE_CATEGORY = "AdvancedHunting-DeviceFileEvents"
REGISTRY_CATEGORY = "AdvancedHunting-DeviceRegistryEvents"

# --- Kusto string operators ------------------------------------------------

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(s):
    """Lower-case ASCII letters only, as Kusto's case-insensitive operators do."""
    return s.translate(_ASCII_LOWER)


def is_term_char(c):
    return ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9")


def kql_in_ci(value, choices):
    folded = fold(value)
    return any(folded == fold(c) for c in choices)


def kql_endswith(value, suffix):
    return fold(value).endswith(fold(suffix))


def kql_contains(value, needle):
    return fold(needle) in fold(value)


def kql_has(value, needle):
    """Match needle as whole terms: an occurrence counts when its edges are term edges.

    A needle edge that is a separator needs nothing from its neighbour. A needle
    edge that is a letter or digit needs a non-term neighbour or the end of the value."""
    if not needle:
        return False
    haystack = fold(value)
    target = fold(needle)
    need_left = is_term_char(target[0])
    need_right = is_term_char(target[-1])
    start = 0
    while True:
        i = haystack.find(target, start)
        if i < 0:
            return False
        end = i + len(target)
        left_ok = not need_left or i == 0 or not is_term_char(haystack[i - 1])
        right_ok = not need_right or end == len(haystack) or not is_term_char(haystack[end])
        if left_ok and right_ok:
            return True
        start = i + 1


def kql_has_any(value, needles):
    return any(kql_has(value, n) for n in needles)


# --- datetimes and timespans ----------------------------------------------

_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?"
    r"(Z|[+-]\d{2}:\d{2})?")
_US_RE = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))? ([AaPp][Mm])")


def _ticks(year, month, day, hour, minute, second, fraction):
    try:
        ordinal = datetime.date(year, month, day).toordinal()
    except ValueError:
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    seconds = (ordinal - EPOCH_ORDINAL) * 86400 + hour * 3600 + minute * 60 + second
    frac = int((fraction or "").ljust(7, "0"))
    return seconds * TICKS_PER_SECOND + frac


def parse_datetime(text):
    """Return ticks since the Unix epoch, or None for text that is no datetime."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    m = _ISO_RE.fullmatch(s)
    if m:
        y, mo, d, h, mi, sec, frac, zone = m.groups()
        t = _ticks(int(y), int(mo), int(d), int(h), int(mi), int(sec), frac)
        if t is None or zone in (None, "Z"):
            return t
        sign = 1 if zone[0] == "+" else -1
        offset = (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60) * TICKS_PER_SECOND
        return t - sign * offset
    m = _US_RE.fullmatch(s)
    if m:
        mo, d, y, h, mi, sec, frac, ampm = m.groups()
        hour = int(h)
        if hour < 1 or hour > 12:
            return None
        hour %= 12
        if ampm.upper() == "PM":
            hour += 12
        return _ticks(int(y), int(mo), int(d), hour, int(mi), int(sec), frac)
    return None


def format_datetime(ticks):
    """Format ticks as Kusto prints datetimes: 7 fraction digits, trailing zeros dropped."""
    if ticks is None:
        return None
    seconds, frac = divmod(ticks, TICKS_PER_SECOND)
    days, rem = divmod(seconds, 86400)
    date = datetime.date.fromordinal(EPOCH_ORDINAL + days)
    hour, rem = divmod(rem, 3600)
    minute, second = divmod(rem, 60)
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % (date.year, date.month, date.day, hour, minute, second)
    if frac:
        text += "." + ("%07d" % frac).rstrip("0")
    return text + "Z"


_TIMESPAN_UNITS = {
    "d": 864_000_000_000, "day": 864_000_000_000, "days": 864_000_000_000,
    "h": 36_000_000_000, "hr": 36_000_000_000, "hrs": 36_000_000_000,
    "hour": 36_000_000_000, "hours": 36_000_000_000,
    "m": 600_000_000, "min": 600_000_000, "minute": 600_000_000, "minutes": 600_000_000,
    "s": TICKS_PER_SECOND, "sec": TICKS_PER_SECOND, "second": TICKS_PER_SECOND,
    "seconds": TICKS_PER_SECOND,
    "ms": 10_000, "milli": 10_000, "millis": 10_000, "millisecond": 10_000,
    "milliseconds": 10_000,
    "microsecond": 10, "microseconds": 10,
    "tick": 1, "ticks": 1,
}
_TIMESPAN_RE = re.compile(r"(\d+(?:\.\d+)?)([A-Za-z]+)")


def parse_timespan(text):
    """Return the ticks of a Kusto timespan literal such as 24h, 1.5h or 1tick, or None."""
    m = _TIMESPAN_RE.fullmatch(text.strip())
    if not m or m.group(2) not in _TIMESPAN_UNITS:
        return None
    return int(fractions.Fraction(m.group(1)) * _TIMESPAN_UNITS[m.group(2)])


# --- the rule ---------------------------------------------------------------

def text_of(row, column):
    """Kusto string value of a column: missing and null become ""."""
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def match_file(row, ticks):
    file_name = text_of(row, "FileName")
    folder_path = text_of(row, "FolderPath")
    picked = kql_in_ci(file_name, PYTHON_STARTUP_FILES) or (
        kql_endswith(file_name, ".pth") and kql_has_any(folder_path, PYTHON_DIRS))
    if not picked or text_of(row, "ActionType") not in FILE_ACTIONS:
        return None
    return {
        "FileTime": format_datetime(ticks),
        "DeviceName": text_of(row, "DeviceName"),
        "AccountName": text_of(row, "InitiatingProcessAccountName"),
        "ActionType": text_of(row, "ActionType"),
        "FileName": file_name,
        "FolderPath": folder_path,
        "IsSitePackages": kql_has_any(folder_path, PYTHON_DIRS),
        "IsSitecustomize": kql_in_ci(file_name, CUSTOMIZE_FILES),
        "IsPthFile": kql_endswith(file_name, ".pth"),
        "InitiatingProcessFileName": text_of(row, "InitiatingProcessFileName"),
        "InitiatingProcessCommandLine": text_of(row, "InitiatingProcessCommandLine"),
        "EventType": "FILE",
        "RegTime": None,
        "RegistryKey": "",
        "RegistryValueName": "",
        "RegistryValueData": "",
    }


def match_registry(row, ticks):
    if not kql_in_ci(text_of(row, "RegistryValueName"), ENV_VALUE_NAMES):
        return None
    if text_of(row, "ActionType") not in REGISTRY_ACTIONS:
        return None
    if not kql_has_any(text_of(row, "RegistryKey"), ENV_KEY_TERMS):
        return None
    return {
        "FileTime": None,
        "DeviceName": text_of(row, "DeviceName"),
        "AccountName": text_of(row, "InitiatingProcessAccountName"),
        "ActionType": "",
        "FileName": "",
        "FolderPath": "",
        "IsSitePackages": None,
        "IsSitecustomize": None,
        "IsPthFile": None,
        "InitiatingProcessFileName": text_of(row, "InitiatingProcessFileName"),
        "InitiatingProcessCommandLine": "",
        "EventType": "ENV_VAR",
        "RegTime": format_datetime(ticks),
        "RegistryKey": text_of(row, "RegistryKey"),
        "RegistryValueName": text_of(row, "RegistryValueName"),
        "RegistryValueData": text_of(row, "RegistryValueData"),
    }


class Hunt:
    """Applies the rule to rows one at a time and keeps the results."""

    def __init__(self, since_ticks):
        self.since_ticks = since_ticks  # None: no time filter
        self.results = []  # output rows in input order

    def add(self, row, table):
        """table: "file", "registry" or None when unknown (both halves are tested)."""
        ticks = parse_datetime(row.get("Timestamp"))
        if self.since_ticks is not None and (ticks is None or ticks <= self.since_ticks):
            return
        for kind, matcher in (("file", match_file), ("registry", match_registry)):
            if table not in (None, kind):
                continue
            out = matcher(row, ticks)
            if out is not None:
                self.results.append(out)

    def sorted_results(self):
        def key(row):
            file_time = parse_datetime(row["FileTime"])
            reg_time = parse_datetime(row["RegTime"])
            return (file_time is None, -(file_time or 0), reg_time is None, -(reg_time or 0))
        return sorted(self.results, key=key)  # stable: ties keep input order


# --- readers ----------------------------------------------------------------

def table_of_category(category):
    if category == FILE_CATEGORY:
        return "file"
    if category == REGISTRY_CATEGORY:
        return "registry"
    return "other"


def table_of_type(row):
    kind = row.get("Type")
    if kind == "DeviceFileEvents":
        return "file"
    if kind == "DeviceRegistryEvents":
        return "registry"
    return None


def feed_object(hunt, obj):
    """Feed one parsed JSON value: a record, a row, a message or an API result."""
    if isinstance(obj, list):
        for item in obj:
            feed_object(hunt, item)
        return
    if not isinstance(obj, dict):
        return
    if isinstance(obj.get("records"), list):
        feed_object(hunt, obj["records"])
        return
    for rows_key in ("Results", "results"):
        if isinstance(obj.get(rows_key), list):
            feed_object(hunt, obj[rows_key])
            return
    if isinstance(obj.get("tables"), list):
        for table in obj["tables"]:
            names = [c.get("name") for c in table.get("columns", [])]
            for values in table.get("rows", []):
                row = dict(zip(names, values))
                hunt.add(row, table_of_type(row))
        return
    props = obj.get("properties")
    if isinstance(props, dict) and "category" in obj:
        table = table_of_category(obj.get("category"))
        if table != "other":
            hunt.add(props, table)
        return
    hunt.add(obj, table_of_type(obj))


def read_json(hunt, path):
    """Read JSON lines one at a time.

    A file whose first line is not a whole JSON value is read as one document,
    such as a pretty-printed API result."""
    with open(path, encoding="utf-8-sig") as f:
        values = 0
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                if values == 0:
                    break
                raise SystemExit("hunt_reference: %s:%d: invalid JSON: %s" % (path, number, e))
            values += 1
            feed_object(hunt, obj)
        else:
            return
    with open(path, encoding="utf-8-sig") as f:
        feed_object(hunt, json.load(f))


_HEADER_SUFFIXES = (" [UTC]", " [Local Time]")


def header_name(cell):
    name = cell.lstrip("\ufeff").strip()
    for suffix in _HEADER_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def read_csv(hunt, path):
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return
        names = [header_name(c) for c in header]
        for cells in reader:
            if cells == []:
                continue
            row = dict(zip(names, cells))
            hunt.add(row, table_of_type(row))


def read_file(hunt, path):
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.lstrip()[:1] in (b"{", b"["):
        read_json(hunt, path)
    else:
        read_csv(hunt, path)


# --- self-test --------------------------------------------------------------

def self_test():
    # Worked examples of has, contains and endswith.
    assert not kql_has("/usr/lib/python3.11/site-packages/x.pth", "lib/python")
    assert kql_contains("/usr/lib/python3.11/site-packages/x.pth", "lib/python")
    assert kql_has("/usr/lib/python3.11/site-packages/x.pth", "site-packages")
    assert kql_has("C:\\Python311\\Lib\\site-packages", "site-packages")
    assert kql_has("C:\\Python311\\Lib\\site-packages", "lib\\site-packages")
    assert not kql_has("C:\\Python311\\Lib\\site-packages", "lib\\python")
    assert not kql_has("KustoExplorerQueryRun", "Explorer")
    assert kql_has("North America", "america")
    assert not kql_has("North America", "amer")
    assert not kql_has("/srv/mysite-packages/x.pth", "site-packages")
    assert not kql_has("/opt/site-packages2/x.pth", "site-packages")
    assert kql_has("C:\\tools\\lib\\python\\hooks.pth", "lib\\python")
    assert kql_has("/opt/app/LIB/Python/vendor.pth", "lib/python")
    assert not kql_has("/usr/lib/python3.11/x.pth", "lib/python")
    assert not kql_has("anything", "")
    assert not kql_has("", "site-packages")
    assert kql_has("HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Environment", "Environment")
    assert kql_has("HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Volatile Environment", "Environment")
    assert not kql_has("HKEY_CURRENT_USER\\Software\\X\\EnvironmentSettings", "Environment")
    assert not kql_has("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control", "System\\CurrentControlSet")
    assert kql_has("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services", "System\\CurrentControlSet")
    # A later occurrence may satisfy the boundaries when an earlier one does not.
    assert kql_has("xsite-packages/site-packages", "site-packages")
    assert kql_endswith("EVIL.PTH", ".pth")
    assert not kql_endswith("python311._pth", ".pth")
    assert not kql_endswith("site.py.bak", ".py")

    # in~ folds ASCII letters only; in is case-sensitive.
    assert kql_in_ci("SiteCustomize.PY", PYTHON_STARTUP_FILES)
    assert kql_in_ci("SITE.PY", PYTHON_STARTUP_FILES)
    assert not kql_in_ci("S\u0130TE.PY", PYTHON_STARTUP_FILES)  # dotted capital I
    assert not kql_in_ci("\u017fite.py", PYTHON_STARTUP_FILES)  # long s
    assert not kql_in_ci("usercustomize.pyc", PYTHON_STARTUP_FILES)
    assert kql_in_ci("pythonPath", ENV_VALUE_NAMES)
    assert "filecreated" not in FILE_ACTIONS

    # Datetimes: parse, then print as Kusto does.
    cases = {
        "2023-10-18T14:37:28.2012261Z": "2023-10-18T14:37:28.2012261Z",
        "2023-10-18T14:37:28.2000000Z": "2023-10-18T14:37:28.2Z",
        "2023-10-18T14:37:28.0Z": "2023-10-18T14:37:28Z",
        "2023-10-18T14:37:28Z": "2023-10-18T14:37:28Z",
        "2023-10-18 14:37:28.5": "2023-10-18T14:37:28.5Z",
        "2023-10-18T16:37:28.5+02:00": "2023-10-18T14:37:28.5Z",
        "5/25/2023, 4:32:49.469 AM": "2023-05-25T04:32:49.469Z",
        "5/25/2023, 12:00:00 AM": "2023-05-25T00:00:00Z",
        "5/25/2023, 12:00:00.5 PM": "2023-05-25T12:00:00.5Z",
        "12/31/1999, 11:59:59 PM": "1999-12-31T23:59:59Z",
    }
    for given, expected in cases.items():
        assert format_datetime(parse_datetime(given)) == expected, (given, expected)
    for bad in ("2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z", "2023-10-18T14:37:28.12345678Z",
                "", "yesterday", "5/25/2023, 13:00:00 PM", None):
        assert parse_datetime(bad) is None, bad

    spans = {"24h": 864_000_000_000, "1.5h": 54_000_000_000, "30m": 18_000_000_000,
             "7d": 6_048_000_000_000, "10s": 100_000_000, "100ms": 1_000_000,
             "10microsecond": 100, "1tick": 1}
    for given, expected in spans.items():
        assert parse_timespan(given) == expected, given
    assert parse_timespan("-1h") is None
    assert parse_timespan("5 fortnights") is None

    # The rule on whole rows.
    base = {"Timestamp": "2024-05-20T10:00:00.1Z", "DeviceName": "d",
            "InitiatingProcessAccountName": "alice"}
    row = dict(base, ActionType="FileCreated", FileName="x.PTH",
               FolderPath="C:\\Python311\\Lib\\site-packages\\x.PTH")
    out = match_file(row, parse_datetime(row["Timestamp"]))
    assert out["IsPthFile"] is True
    assert out["IsSitePackages"] is True
    assert out["IsSitecustomize"] is False
    assert out["AccountName"] == "alice"
    assert list(out) == list(OUTPUT_KEYS)
    assert match_file(dict(row, ActionType="FileDeleted"), 0) is None
    assert match_file(dict(row, FolderPath="/usr/lib/python3.11/x.pth"), 0) is None
    assert match_file(dict(row, FileName="Site.py", FolderPath="/tmp"), 0)["IsSitePackages"] is False
    assert match_file(dict(row, FileName="site.py.bak"), 0) is None
    assert match_file(dict(row, FileName=None), 0) is None

    reg = dict(base, ActionType="RegistryValueSet", RegistryValueName="PythonStartup",
               RegistryKey="HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Environment",
               RegistryValueData="C:\\x.py")
    out = match_registry(reg, parse_datetime(reg["Timestamp"]))
    assert out["RegTime"] == "2024-05-20T10:00:00.1Z"
    assert out["FileTime"] is None
    assert list(out) == list(OUTPUT_KEYS)
    assert match_registry(dict(reg, ActionType="RegistryValueDeleted"), 0) is None
    assert match_registry(dict(reg, RegistryValueName="PYTHONHOME"), 0) is None
    assert match_registry(dict(reg, RegistryKey="HKEY_CURRENT_USER\\Software\\EnvironmentX"), 0) is None

    # Time window and sort order: FileTime desc, RegTime desc, nulls last.
    hunt = Hunt(parse_datetime("2024-05-20T09:00:00Z"))
    hunt.add(dict(row, Timestamp="2024-05-20T08:59:59Z"), "file")
    hunt.add(dict(row, Timestamp="2024-05-20T09:00:00Z"), "file")  # not after the start
    hunt.add(dict(row, Timestamp="garbage"), "file")
    hunt.add(dict(reg, Timestamp="2024-05-20T09:30:00Z"), "registry")
    hunt.add(dict(reg, Timestamp="2024-05-20T09:45:00Z"), "registry")
    hunt.add(dict(row, Timestamp="2024-05-20T09:10:00Z", DeviceName="first"), None)
    hunt.add(dict(row, Timestamp="2024-05-20T09:10:00Z", DeviceName="second"), None)
    hunt.add(reg, "file")  # a registry row read as a file event never matches
    got = [(r["EventType"], r["FileTime"] or r["RegTime"], r["DeviceName"])
           for r in hunt.sorted_results()]
    assert got == [
        ("FILE", "2024-05-20T09:10:00Z", "first"),
        ("FILE", "2024-05-20T09:10:00Z", "second"),
        ("ENV_VAR", "2024-05-20T09:45:00Z", "d"),
        ("ENV_VAR", "2024-05-20T09:30:00Z", "d"),
    ], got
    print("hunt_reference self-test: 1 passed, 0 failed")


# --- command line -----------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(
        description="Reference evaluation of the seed T1546.018 hunting rule.")
    parser.add_argument("--rule", default="seed", choices=["seed"],
                        help="only the published (seed) rule is implemented")
    parser.add_argument("--now", help="the query's now() as an RFC 3339 datetime "
                        "(default: the current time)")
    parser.add_argument("--since", default="all",
                        help="keep rows with Timestamp > now - SINCE (a Kusto timespan "
                        "such as 24h); 'all' disables the time filter (default)")
    parser.add_argument("-f", "--format", default="jsonl", choices=["jsonl"])
    parser.add_argument("-o", "--output", help="write results here instead of standard output")
    parser.add_argument("--self-test", action="store_true",
                        help="check the operators against worked examples and exit")
    parser.add_argument("files", nargs="*", metavar="FILE")
    args = parser.parse_args()

    if args.self_test:
        self_test()
        return 0
    if not args.files:
        parser.error("no input FILE given")

    since_ticks = None
    if args.since != "all":
        span = parse_timespan(args.since)
        if span is None:
            parser.error("invalid --since %r: expected a timespan such as 24h or 'all'" % args.since)
        if args.now is None:
            now = time.time_ns() // 100
        else:
            now = parse_datetime(args.now)
            if now is None:
                parser.error("invalid --now %r: expected a datetime such as "
                             "2024-05-21T00:00:00Z" % args.now)
        since_ticks = now - span

    hunt = Hunt(since_ticks)
    for path in args.files:
        read_file(hunt, path)

    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        for row in hunt.sorted_results():
            out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
