# The published Sentinel detection for T1546.018 (the "seed" rule of
# `sitehound hunt`) as a jq filter over JSON lines, with no time filter
# (`--since all`). A peer in bench/hunt-vs-peers:
#
#   jq -c -f bench/seed.jq defender.jsonl
#
# Input lines are streaming storage records (the table comes from
# "category"), Event Hub messages ({"records": [...]}) or plain row objects,
# which are tested against both halves of the query. Output objects have the
# keys and values of `sitehound hunt --rule seed -f jsonl`, unsorted.
#
# Kusto semantics: in~ and has fold ASCII letters only (ascii_downcase, never
# the regex "i" flag, which folds U+212A KELVIN SIGN to "k"); `has` matches
# whole terms, a term being a run of ASCII letters and digits, so each term is
# wrapped in lookarounds that reject a neighbouring letter or digit. Every
# term's first and last characters are letters, so both edges need the check.
# NOTE: timestamps are passed through with trailing zero fraction digits
# dropped; this is right only for ISO 8601 UTC values ending in "Z", which is
# what Defender and bench/gen-defender write.

def text($column): (.[$column] // "") | if type == "string" then . else tostring end;

def has_python_dir:
  ascii_downcase
  | test("(?<![a-z0-9])(site-packages|dist-packages|lib\\\\python|lib/python)(?![a-z0-9])");

def has_environment_key:
  ascii_downcase
  | test("(?<![a-z0-9])(environment|system\\\\currentcontrolset)(?![a-z0-9])");

def kusto_time:
  if type == "string"
  then sub("(?<kept>\\.[0-9]*?)0+Z$"; "\(.kept)Z") | sub("\\.Z$"; "Z")
  else null
  end;

def file_rule:
  text("FileName") as $name
  | text("FolderPath") as $folder
  | ($name | ascii_downcase) as $lname
  | ($folder | has_python_dir) as $in_python_dir
  | ($lname == "sitecustomize.py" or $lname == "usercustomize.py") as $customize
  | ($lname | endswith(".pth")) as $pth
  | select($customize or $lname == "site.py" or $lname == "sitecustomize.pyc"
           or ($pth and $in_python_dir))
  | select(text("ActionType") | . == "FileCreated" or . == "FileModified")
  | {
      FileTime: (.Timestamp | kusto_time),
      DeviceName: text("DeviceName"),
      AccountName: text("InitiatingProcessAccountName"),
      ActionType: text("ActionType"),
      FileName: $name,
      FolderPath: $folder,
      IsSitePackages: $in_python_dir,
      IsSitecustomize: $customize,
      IsPthFile: $pth,
      InitiatingProcessFileName: text("InitiatingProcessFileName"),
      InitiatingProcessCommandLine: text("InitiatingProcessCommandLine"),
      EventType: "FILE",
      RegTime: null,
      RegistryKey: "",
      RegistryValueName: "",
      RegistryValueData: ""
    };

def registry_rule:
  select(text("RegistryValueName") | ascii_downcase | . == "pythonstartup" or . == "pythonpath")
  | select(text("ActionType") | . == "RegistryValueSet" or . == "RegistryKeyCreated")
  | select(text("RegistryKey") | has_environment_key)
  | {
      FileTime: null,
      DeviceName: text("DeviceName"),
      AccountName: text("InitiatingProcessAccountName"),
      ActionType: "",
      FileName: "",
      FolderPath: "",
      IsSitePackages: null,
      IsSitecustomize: null,
      IsPthFile: null,
      InitiatingProcessFileName: text("InitiatingProcessFileName"),
      InitiatingProcessCommandLine: "",
      EventType: "ENV_VAR",
      RegTime: (.Timestamp | kusto_time),
      RegistryKey: text("RegistryKey"),
      RegistryValueName: text("RegistryValueName"),
      RegistryValueData: text("RegistryValueData")
    };

def any_row:
  if .Type == "DeviceFileEvents" then file_rule
  elif .Type == "DeviceRegistryEvents" then registry_rule
  else file_rule, registry_rule
  end;

if type == "object" and (.records | type) == "array" then .records[] else . end
| select(type == "object")
| if (.properties | type) == "object" and has("category") then
    if .category == "AdvancedHunting-DeviceFileEvents" then .properties | file_rule
    elif .category == "AdvancedHunting-DeviceRegistryEvents" then .properties | registry_rule
    else empty
    end
  else any_row
  end
