"""Labelled Defender events for the hunt tests.

Each event is one DeviceFileEvents or DeviceRegistryEvents row. DeviceName
carries the case id, so results can be matched back to their labels:
  seed     - whether the published Sentinel query returns the row
             (evaluated with --since all)
  default  - (rule, severity) the default rule reports, or None
"""

SID = "S-1-5-21-1111111111-2222222222-3333333333-1001"
NOW = "2024-05-03T12:00:00Z"


def f(case, action, folder, name, proc, cmd="", ts="2024-05-03T10:00:00.1234567Z", prev_folder="",
      prev_name="", account="alice", seed=False, default=None):
    return {
        "table": "DeviceFileEvents", "case": case, "seed": seed, "default": default,
        "row": {
            "Timestamp": ts, "DeviceId": "0" * 40, "DeviceName": case,
            "ActionType": action, "FileName": name, "FolderPath": folder,
            "PreviousFolderPath": prev_folder, "PreviousFileName": prev_name,
            "SHA256": "", "InitiatingProcessAccountDomain": "corp",
            "InitiatingProcessAccountName": account, "InitiatingProcessFileName": proc,
            "InitiatingProcessCommandLine": cmd, "InitiatingProcessId": 4242,
        },
    }


def r(case, action, key, name, data, proc, cmd="", ts="2024-05-03T09:00:00Z", seed=False,
      default=None):
    return {
        "table": "DeviceRegistryEvents", "case": case, "seed": seed, "default": default,
        "row": {
            "Timestamp": ts, "DeviceId": "1" * 40, "DeviceName": case,
            "ActionType": action, "RegistryKey": key, "RegistryValueName": name,
            "RegistryValueData": data, "InitiatingProcessAccountDomain": "corp",
            "InitiatingProcessAccountName": "bob", "InitiatingProcessFileName": proc,
            "InitiatingProcessCommandLine": cmd, "InitiatingProcessId": 77,
        },
    }


HKCU_ENV = "HKEY_CURRENT_USER\\" + SID + "\\Environment"
HKLM_ENV = "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment"

EVENTS = [
    # Files the seed query and the default rule both report.
    f("f01-sitecustomize-stdlib", "FileCreated", "/usr/lib/python3.11/sitecustomize.py",
      "sitecustomize.py", "bash", "bash -c 'cat > /usr/lib/python3.11/sitecustomize.py'",
      seed=True, default=("customize-write", "high")),
    f("f02-usercustomize-user-site", "FileModified",
      "/home/alice/.local/lib/python3.12/site-packages/usercustomize.py", "usercustomize.py",
      "python3", "python3 -c 'open(p, \"w\").write(s)'", ts="2024-05-03T10:00:01Z",
      seed=True, default=("customize-write", "high")),
    f("f03-pth-dist-packages-curl", "FileCreated", "/usr/lib/python3/dist-packages/evil.pth",
      "evil.pth", "curl", "curl -o /usr/lib/python3/dist-packages/evil.pth http://127.0.0.1/x",
      ts="2024-05-03T10:00:02.5Z", seed=True, default=("pth-write", "high")),
    f("f04-pth-pip", "FileCreated", "/usr/lib/python3.11/site-packages/helper.pth", "helper.pth",
      "pip", "pip install helper", ts="2024-05-03T10:00:03Z", seed=True,
      default=("pth-write", "medium")),
    f("f05-setuptools-name-pip", "FileCreated",
      "/usr/local/lib/python3.11/dist-packages/distutils-precedence.pth",
      "distutils-precedence.pth", "pip3.11", "pip3.11 install setuptools",
      ts="2024-05-03T10:00:04Z", seed=True, default=("pth-write", "low")),
    f("f07-pth-opt-lib-python", "FileCreated", "/opt/lib/python/x.pth", "x.pth", "cp",
      ts="2024-05-03T10:00:05Z", seed=True, default=("pth-write", "info")),
    f("f08-windows-site-packages", "FileCreated",
      "C:\\Users\\alice\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\site-packages\\evil.pth",
      "evil.pth", "powershell.exe", "powershell.exe -c Set-Content evil.pth",
      ts="2024-05-03T10:00:06Z", seed=True, default=("pth-write", "high")),
    f("f14-site-py-stdlib-39", "FileModified", "/usr/lib/python3.9/site.py", "site.py", "sh",
      ts="2024-05-03T10:00:07Z", seed=True, default=("site-module-write", "high")),
    f("f15-site-py-project", "FileCreated", "/home/alice/project/site.py", "site.py", "code",
      ts="2024-05-03T10:00:08Z", seed=True, default=("site-module-write", "info")),
    f("f16-case-mismatch", "FileCreated", "C:\\Python311\\Lib\\SITECUSTOMIZE.PY",
      "SITECUSTOMIZE.PY", "notepad.exe", ts="2024-05-03T10:00:09Z", seed=True,
      default=("customize-write", "info")),
    f("f17-sourceless-pyc", "FileCreated", "/usr/lib/python3.11/sitecustomize.pyc",
      "sitecustomize.pyc", "python3", ts="2024-05-03T10:00:10Z", seed=True,
      default=("customize-write", "high")),
    f("f21-nested-pth", "FileCreated", "/usr/lib/python3.11/site-packages/pkg/data.pth",
      "data.pth", "pip", ts="2024-05-03T10:00:11Z", seed=True, default=("pth-write", "info")),
    f("f24-windows-user-site", "FileCreated",
      "C:\\Users\\alice\\AppData\\Roaming\\Python\\Python311\\site-packages\\usercustomize.py",
      "usercustomize.py", "python.exe", ts="2024-05-03T10:00:12Z", seed=True,
      default=("customize-write", "high")),
    f("f25-free-threaded", "FileCreated", "/usr/lib/python3.13t/site-packages/ft.pth", "ft.pth",
      "uv", ts="2024-05-03T10:00:13Z", seed=True, default=("pth-write", "medium")),
    f("f26-upper-case-pth", "FileCreated", "/usr/lib/python3.11/site-packages/EVIL.PTH",
      "EVIL.PTH", "bash", ts="2024-05-03T10:00:14Z", seed=True, default=("pth-write", "info")),
    f("f28-folder-only", "FileCreated", "/usr/lib/python3/dist-packages", "evil2.pth",
      "python3.11", "python3.11 /tmp/drop.py", ts="2024-05-03T10:00:15Z", seed=True,
      default=("pth-write", "medium")),
    f("f23-no-timestamp", "FileCreated", "/usr/lib/python3.10/sitecustomize.py",
      "sitecustomize.py", "bash", ts="", seed=True, default=("customize-write", "high")),
    # Only the default rule reports these.
    f("f09-windows-install-root", "FileCreated", "C:\\Python311\\foo.pth", "foo.pth", "cmd.exe",
      ts="2024-05-03T10:00:16Z", default=("pth-write", "high")),
    f("f10-renamed-into-place", "FileRenamed",
      "/usr/lib/python3/dist-packages/sitecustomize.py", "sitecustomize.py", "mv",
      ts="2024-05-03T10:00:17Z", prev_folder="/tmp", prev_name="x.py",
      default=("customize-write", "high")),
    f("f11-aggregated-report", "FileCreatedAggregatedReport",
      "/usr/lib/python3.11/site-packages/agg.pth", "agg.pth", "python3",
      ts="2024-05-03T10:00:18Z", default=("pth-write", "medium")),
    f("f12-pycache", "FileCreated",
      "/usr/lib/python3.11/__pycache__/sitecustomize.cpython-311.pyc",
      "sitecustomize.cpython-311.pyc", "python3.11", ts="2024-05-03T10:00:19Z",
      default=("customize-write", "high")),
    f("f13-package-form", "FileCreated",
      "/usr/local/lib/python3.11/dist-packages/sitecustomize/__init__.py", "__init__.py", "pip",
      ts="2024-05-03T10:00:20Z", default=("customize-write", "high")),
    f("f18-dotpth", "FileCreated", "C:\\Python311\\python311._pth", "python311._pth",
      "powershell.exe", ts="2024-05-03T10:00:21Z", default=("dotpth-write", "high")),
    f("f19-deleted", "FileDeleted", "/usr/lib/python3.11/site-packages/evil.pth", "evil.pth",
      "rm", ts="2024-05-03T10:00:22Z", default=("hook-removed", "info")),
    f("f22-lower-case-action", "filecreated", "/usr/lib/python3.11/sitecustomize.py",
      "sitecustomize.py", "bash", ts="2024-05-03T10:00:23Z",
      default=("customize-write", "high")),
    f("f29-site-pyc-stdlib-312", "FileModified",
      "/usr/lib/python3.12/__pycache__/site.cpython-312.pyc", "site.cpython-312.pyc", "python3",
      ts="2024-05-03T10:00:24Z", default=("site-module-write", "medium")),
    # Neither reports these.
    f("f06-pth-in-stdlib-dir", "FileCreated", "/usr/lib/python3.11/x.pth", "x.pth", "bash",
      ts="2024-05-03T10:00:25Z"),
    f("f20-unrelated", "FileModified", "/tmp/notes.txt", "notes.txt", "vim",
      ts="2024-05-03T10:00:26Z"),
    f("f30-site-py-backup", "FileCreated", "/usr/lib/python3.11/site.py.bak", "site.py.bak",
      "cp", ts="2024-05-03T10:00:27Z"),
    f("f31-pth-unrelated-dir", "FileCreated", "/opt/app/config.pth", "config.pth", "bash",
      ts="2024-05-03T10:00:28Z"),
    # Registry.
    r("r01-startup-hkcu", "RegistryValueSet", HKCU_ENV, "PYTHONSTARTUP",
      "C:\\Users\\bob\\AppData\\Local\\Temp\\argus_pystartup.py", "powershell.exe",
      ts="2024-05-03T09:00:00Z", seed=True, default=("env-var-set", "high")),
    r("r02-path-hklm-gui", "RegistryValueSet", HKLM_ENV, "PYTHONPATH", "C:\\shared\\py",
      "SystemPropertiesAdvanced.exe", ts="2024-05-03T09:00:01Z", seed=True,
      default=("env-var-set", "high")),
    r("r03-service-key", "RegistryValueSet",
      "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\svc", "PYTHONPATH", "C:\\x",
      "reg.exe", ts="2024-05-03T09:00:02Z", seed=True, default=("seed-match", "info")),
    r("r10-lower-case-name", "RegistryValueSet", HKCU_ENV, "pythonpath", "C:\\evil",
      "setx.exe", ts="2024-05-03T09:00:03Z", seed=True, default=("env-var-set", "high")),
    r("r11-non-env-key", "RegistryValueSet", "HKEY_CURRENT_USER\\" + SID +
      "\\Software\\Vendor\\Environment", "PYTHONSTARTUP", "C:\\x.py", "vendor.exe",
      ts="2024-05-03T09:00:04Z", seed=True, default=("seed-match", "info")),
    r("r12-old", "RegistryValueSet", HKCU_ENV, "PYTHONSTARTUP", "C:\\old.py", "powershell.exe",
      ts="2024-04-29T09:00:00Z", seed=True, default=("env-var-set", "high")),
    r("r04-home", "RegistryValueSet", HKCU_ENV, "PYTHONHOME", "C:\\fakehome", "setx.exe",
      ts="2024-05-03T09:00:05Z", default=("env-var-set", "high")),
    r("r05-warnings-import", "RegistryValueSet", HKCU_ENV, "PYTHONWARNINGS",
      "ignore::evilmod.Warn", "powershell.exe", ts="2024-05-03T09:00:06Z",
      default=("env-var-set", "high")),
    r("r06-warnings-plain", "RegistryValueSet", HKCU_ENV, "PYTHONWARNINGS", "ignore",
      "explorer.exe", ts="2024-05-03T09:00:07Z", default=("env-var-set", "low")),
    r("r07-pythoncore", "RegistryValueSet",
      "HKEY_LOCAL_MACHINE\\SOFTWARE\\Python\\PythonCore\\3.11\\PythonPath\\evil", "",
      "C:\\evil", "evil.exe", ts="2024-05-03T09:00:08Z", default=("registry-pythonpath", "high")),
    r("r08-deleted", "RegistryValueDeleted", HKCU_ENV, "PYTHONSTARTUP", "", "explorer.exe",
      ts="2024-05-03T09:00:09Z", default=("hook-removed", "info")),
    r("r09-other-name", "RegistryValueSet", HKCU_ENV, "PYTHONSTARTUPX", "C:\\x.py",
      "powershell.exe", ts="2024-05-03T09:00:10Z"),
    r("r13-term-prefix", "RegistryValueSet", "HKEY_CURRENT_USER\\" + SID + "\\EnvironmentX",
      "PYTHONPATH", "C:\\x", "powershell.exe", ts="2024-05-03T09:00:11Z"),
    r("r14-key-created", "RegistryKeyCreated", HKCU_ENV, "", "", "explorer.exe",
      ts="2024-05-03T09:00:12Z"),
]
