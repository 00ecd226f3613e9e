"""Compare sitehound's .pth model with what real CPython interpreters run.

Usage: pth_diff.py PREDICT WORKDIR [SITEHOUND]

Builds directories of generated .pth files under WORKDIR. Every import line
appends "HEXNAME OFFSET N" to the file named by $SITEHOUND_MARKERS, where
HEXNAME is the .pth file name in hex, OFFSET is the byte offset of that
"import" in the file and N is site.addpackage()'s own line counter. Each
interpreter then runs `python -s -S -c "import site; site.addsitedir(DIR)"`,
the same addsitedir() that runs at start-up, and the markers it wrote must
equal, in order, what PREDICT (tests/differential/predict.c) prints for that
exact release runs. With SITEHOUND, the `pth-exec` and `pth-abort` findings of
`SITEHOUND scan --python-version VERSION DIR` must name the same lines and the
same aborting file too. Prints one PASS/FAIL/SKIP line per directory and
interpreter, and exits 1 when any case fails.

Runs on Python 3.6 or later.
"""
import glob
import json
import os
import subprocess
import sys

MARKER_ENV = "SITEHOUND_MARKERS"
CHUNK = 8192  # bytes per io.TextIOWrapper read in CPython 3.x
BOM = b"\xef\xbb\xbf"
RUN_TIMEOUT = 60  # seconds per interpreter run; a run takes well under 1 s
CALIBRATION = b"!cal.pth"  # sorts before every other generated name


class PthFile:
    """The bytes of one generated .pth file, built line by line."""

    def __init__(self, name):
        self.name = name
        self.data = bytearray()

    def raw(self, data):
        self.data += data
        return self

    def exec_line(self, term=b"\n", prefix=b"import os; ", pad_to=None):
        """Append an import line that records its marker when it runs."""
        offset = len(self.data)
        code = (
            "open(os.environ['" + MARKER_ENV + "'], 'a').write('%s %d %d\\n' % ('"
            + self.name.hex() + "', " + str(offset) + ", n))"
        ).encode()
        line = prefix + code
        if pad_to is not None:
            room = pad_to - offset - len(line) - len(term)
            if room < 2:
                raise ValueError("line at %d cannot end at %d" % (offset, pad_to))
            line += b" #" + b"x" * (room - 2)
        self.data += line + term
        return self

    def path_line(self, size, term=b"\n"):
        """Append a path line of size bytes in all, line break included."""
        self.data += b"z" * (size - len(term)) + term
        return self

    def exec_ending_at(self, end, term=b"\n"):
        """Append path lines, then an import line whose break ends at end."""
        while end - len(self.data) > 400:
            self.path_line(200)
        return self.exec_line(term=term, pad_to=end)


def main_files():
    """Return the files of the directory where no file aborts start-up."""
    files = []

    def add(name):
        pth = PthFile(name)
        files.append(pth)
        return pth

    add(b"a_basic.pth").exec_line().raw(b"some/dir\n#comment\n\n").exec_line(
        prefix=b"import\tos; "
    ).exec_line(term=b"   \n").raw(b"trailing text\n").exec_line()
    lookalike = add(b"b_lookalike.pth")
    for prefix in (b" import os; ", b"Import os; import os; ", b"#import os; ",
                   b"importos = 1; import os; ", b"\timport os; "):
        lookalike.exec_line(prefix=prefix)
    lookalike.raw(b"import\n").exec_line()
    add(b"c_cr.pth").exec_line(term=b"\r").exec_line(term=b"\r").raw(b"path\r").exec_line(
        term=b"\r")
    add(b"d_crlf.pth").exec_line(term=b"\r\n").exec_line(term=b"\r\n").raw(
        b"\r\r\n").exec_line(term=b"\r\n")
    breaks = add(b"e_breaks.pth")
    for sep in (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\xc2\x85",
                b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\x1f", b"\xe2\x80\xa7"):
        breaks.raw(b"zzz" + sep).exec_line()
    breaks.exec_line()
    add(b"f_formfeed_mid.pth").exec_line(term=b";\x0c").exec_line().exec_line()
    add(b"g_bom.pth").raw(BOM).exec_line().exec_line()
    add(b"h_no_final_newline.pth").exec_line().exec_line(term=b"")
    add(b"i_empty.pth")
    add(b"j_bom_only.pth").raw(BOM)
    add(b".hidden.pth").exec_line()
    add(b".pth").exec_line()
    add(b"k.PTH").exec_line()
    add(b"k.pth~").exec_line()
    add(b"o_blank.pth").raw(b"\n \t\n\xe3\x80\x80\n\x1c\n\xc2\xa0\n").exec_line()
    for name in (b"\xff_x.pth", b"\xee\x80\x80_x.pth", b"\xc3\xa9_x.pth", b"B_upper.pth"):
        add(name).exec_line()
    add(b"p_text.pth").raw(b"caf\xc3\xa9\n").exec_line()
    # A valid file across chunk boundaries: \n at a chunk end, \r\n split
    # over two chunks, a lone \r as the last byte of a chunk.
    add(b"q_long.pth").exec_ending_at(CHUNK).exec_ending_at(
        2 * CHUNK + 1, term=b"\r\n").exec_ending_at(3 * CHUNK, term=b"\r").exec_line()
    return files


def abort_files():
    """Return (case, bad file) pairs: each bad file aborts 3.x start-up."""
    cases = []

    def add(case):
        pth = PthFile(b"m_bad.pth")
        cases.append((case, pth))
        return pth

    add("bad byte in line 2").exec_line().raw(b"caf\xff\n").exec_line()
    add("lone surrogate").exec_line().raw(b"\xed\xa0\x80\n").exec_line()
    add("truncated at end of file").exec_line().exec_line().raw(b"\xe2\x82")
    # Lines that end before the bad byte but inside its chunk do not run.
    add("bad byte late in first chunk").exec_ending_at(CHUNK // 2).exec_ending_at(
        CHUNK // 2 + 900).raw(b"bad\xff\n").exec_line()
    add("lf ends at chunk end").exec_ending_at(CHUNK).exec_line().raw(
        b"bad\xff\n").exec_line()
    add("crlf across chunk end").exec_ending_at(CHUNK + 1, term=b"\r\n").raw(
        b"bad\xff\n").exec_line()
    add("cr at chunk end").exec_ending_at(CHUNK, term=b"\r").raw(b"\xff\n").exec_line()
    add("cr before char across chunks").exec_ending_at(CHUNK - 2, term=b"\r").raw(
        b"\xe2\x82\xac\xff\n").exec_line()
    add("lead byte last in chunk").exec_ending_at(CHUNK - 1).raw(b"\xe2A\n").exec_line()
    add("bad byte last in chunk").exec_ending_at(CHUNK - 1).raw(b"\xff\n").exec_line()
    add("bad byte in third chunk").exec_ending_at(CHUNK).exec_ending_at(2 * CHUNK).exec_ending_at(
        2 * CHUNK + 300).raw(b"bad\xff\n").exec_line()
    return cases


def write_dir(path, files):
    os.mkdir(path)
    for pth in [PthFile(CALIBRATION).exec_line()] + files:
        with open(os.path.join(os.fsencode(path), pth.name), "wb") as f:
            f.write(pth.data)


def build_dirs(work):
    """Create every case directory and return [(case name, path)]."""
    dirs = []
    main = os.path.join(work, "main")
    files = main_files()
    write_dir(main, files)
    os.mkdir(os.path.join(main, "m_dir.pth"))
    os.mkdir(os.path.join(main, "sub"))
    link = PthFile(b"n_link.pth").exec_line().exec_line()
    with open(os.path.join(main, "sub", "target"), "wb") as f:
        f.write(link.data)
    os.symlink(os.path.join("sub", "target"), os.path.join(main, "n_link.pth"))
    dirs.append(("edge cases", main))

    for i, (case, bad) in enumerate(abort_files()):
        path = os.path.join(work, "abort%02d" % i)
        before = PthFile(b"a_before.pth").exec_line()
        after = PthFile(b"z_after.pth").exec_line()
        write_dir(path, [before, bad, after])
        dirs.append(("abort: " + case, path))
    return dirs


def find_interpreters():
    """Return the real paths of pyenv's and the system's CPython binaries."""
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = sorted(glob.glob(os.path.join(root, "versions", "*", "bin", "python")))
    candidates += sorted(glob.glob("/usr/bin/python2.7"))
    candidates += sorted(glob.glob("/usr/bin/python3.[0-9]"))
    candidates += sorted(glob.glob("/usr/bin/python3.[0-9][0-9]"))
    found, seen = [], set()
    for c in candidates:
        real = os.path.realpath(c)
        if real in seen or not os.access(real, os.X_OK):
            continue
        seen.add(real)
        found.append(c)
    return found


def interpreter_version(python):
    """Return the interpreter's exact release as "3.11.7" or "3.13.0b1"."""
    out = subprocess.run(
        [python, "-S", "-c", "import sys; v = sys.version_info; "
         "print('%d %d %d %s %d' % (v[0], v[1], v[2], v[3], v[4]))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT, check=True,
    ).stdout.split()
    level = {b"alpha": "a", b"beta": "b", b"candidate": "rc", b"final": ""}[out[3]]
    text = "%s.%s.%s" % (out[0].decode(), out[1].decode(), out[2].decode())
    return text + (level + out[4].decode() if level else "")


def predict(tool, version, path):
    """Return (rules text, [(hexname, line, offset, len)], abort hexname or None)."""
    out = subprocess.run([tool, version, path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    if out.returncode != 0:
        raise RuntimeError("predict failed: " + out.stderr.decode(errors="replace"))
    rules, lines, abort = [], [], None
    for row in out.stdout.decode().splitlines():
        f = row.split("\t")
        if f[0] == "rules":
            rules.append(" ".join(f[1:]))
        elif f[0] == "exec":
            lines.append((f[1], int(f[2]), int(f[3]), int(f[4])))
        elif f[0] == "abort":
            abort = f[1]
    if len(rules) != 1:
        raise RuntimeError("%s spans %d rule sets, expected 1" % (version, len(rules)))
    return rules[0], lines, abort


def run_python(python, path, markers):
    if os.path.exists(markers):
        os.unlink(markers)
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", MARKER_ENV: markers}
    proc = subprocess.run(
        [python, "-s", "-S", "-c", "import site, sys; site.addsitedir(sys.argv[1])", path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=RUN_TIMEOUT,
    )
    seen = []
    if os.path.exists(markers):
        with open(markers) as f:
            for row in f.read().split("\n"):
                if row:
                    tag, offset, n = row.split()
                    seen.append((tag, int(offset), int(n)))
    return proc, seen


def compare(predicted, abort, proc, seen):
    """Return a list of differences; empty when CPython ran what was predicted."""
    problems = []
    stderr = proc.stderr.decode(errors="replace")
    if "Error processing line" in stderr:
        problems.append("a generated line raised, so the test itself is wrong:\n" + stderr)
    decode_failed = proc.returncode != 0 and "UnicodeDecodeError" in stderr
    if proc.returncode != 0 and not decode_failed:
        problems.append("interpreter failed (status %d):\n%s" % (proc.returncode, stderr))
    if abort and not decode_failed:
        problems.append("predicted start-up abort at %s, but none happened"
                        % bytes.fromhex(abort))
    if decode_failed and not abort:
        problems.append("start-up aborted, which was not predicted:\n" + stderr)

    calibration = [n for tag, _, n in seen if tag == CALIBRATION.hex()]
    if not calibration:
        return problems + ["the calibration line did not run"]
    base = 1 - calibration[0]  # site.py counts from 0 before 3.12.4, from 1 after
    ran = []
    for tag, offset, n in seen:
        if ran and ran[-1][0] == tag and ran[-1][1] == n + base:
            ran[-1][2].append(offset)  # several statements of one line
        else:
            ran.append((tag, n + base, [offset]))
    want = [(t, line) for t, line, _, _ in predicted]
    got = [(t, line) for t, line, _ in ran]
    if want != got:
        problems.append("predicted:\n%s\nran:\n%s" % (describe(want), describe(got)))
        return problems
    for (tag, line, offset, length), (_, _, offsets) in zip(predicted, ran):
        for off in offsets:
            if not offset <= off <= offset + length:
                problems.append("%s line %d: marker from offset %d is outside bytes %d-%d"
                                % (bytes.fromhex(tag), line, off, offset, offset + length))
    return problems


def unescape(text):
    """Return the bytes behind sitehound's escaped form of a path."""
    out = bytearray()
    i = 0
    simple = {"\\": b"\\", "n": b"\n", "r": b"\r", "t": b"\t", "f": b"\f", "v": b"\v"}
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode()
            i += 1
        elif text[i + 1] in simple:
            out += simple[text[i + 1]]
            i += 2
        elif text[i + 1] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        elif text[i + 1] == "U":
            out += chr(int(text[i + 2:i + 10], 16)).encode()
            i += 10
        else:
            out += chr(int(text[i + 2:i + 6], 16)).encode()
            i += 6
    return bytes(out)


def scan_predict(binary, version, path):
    """Return ([(hexname, line)], abort hexname or None) from sitehound scan."""
    out = subprocess.run([binary, "scan", "--python-version", version, "--format", "jsonl", path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    if out.returncode not in (0, 1):
        raise RuntimeError("scan failed (status %d): %s"
                           % (out.returncode, out.stderr.decode(errors="replace")))
    lines, abort = [], None
    for row in out.stdout.decode().splitlines():
        finding = json.loads(row)
        name = os.path.basename(unescape(finding["path"])).hex()
        if finding["rule"] == "pth-exec":
            lines.append((name, finding["line"]))
        elif finding["rule"] == "pth-abort" and abort is None:
            abort = name
    return lines, abort


def describe(pairs):
    return "\n".join("    %r:%d" % (bytes.fromhex(t), line) for t, line in pairs) or "    (nothing)"


def main():
    tool, work = sys.argv[1], sys.argv[2]
    binary = sys.argv[3] if len(sys.argv) > 3 else None
    interpreters = find_interpreters()
    if not interpreters:
        print("SKIP: pth differential: no CPython interpreter found under pyenv or /usr/bin")
        return 0
    dirs = build_dirs(work)
    markers = os.path.join(work, "markers")
    failed = 0
    for python in interpreters:
        try:
            version = interpreter_version(python)
        except (subprocess.SubprocessError, OSError, KeyError, IndexError) as exc:
            print("FAIL: pth version query %s: %s" % (python, exc))
            failed += 1
            continue
        print("interpreter: %s is CPython %s" % (python, version))
        for case, path in dirs:
            name = "pth %s on %s" % (case, version)
            try:
                rules, predicted, abort = predict(tool, version, path)
                proc, seen = run_python(python, path, markers)
            except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                print("FAIL: %s: %s" % (name, exc))
                failed += 1
                continue
            problems = compare(predicted, abort, proc, seen)
            if binary:
                try:
                    scanned, scan_abort = scan_predict(binary, version, path)
                except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
                    scanned, scan_abort = None, None
                    problems.append("sitehound scan: %s" % exc)
                want = [(t, line) for t, line, _, _ in predicted]
                if scanned is not None and scanned != want:
                    problems.append("sitehound scan reported:\n%s\nexpected:\n%s"
                                    % (describe(scanned), describe(want)))
                if scanned is not None and scan_abort != abort:
                    problems.append("sitehound scan names %r as the aborting file, expected %r"
                                    % (scan_abort, abort))
            if problems:
                print("FAIL: %s (rules %s)" % (name, rules))
                for p in problems:
                    print("    " + p.replace("\n", "\n    "))
                failed += 1
            else:
                print("PASS: %s (%d lines ran%s)"
                      % (name, len(predicted), ", start-up aborted" if abort else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
