"""grader/meta/test_layers.py: stage N reads as stage N.

The rules of the layer stack (DESIGN.md, "Layout and staging"):
  - no layer below lab K names lab K ("lab K", "labK", "labs/K-"), in code or comments
    (handouts may look ahead: README.md files are not checked);
  - no layer below lab K uses an identifier that lab K introduces (declares first):
    its fields, functions, hooks, constants, error codes;
  - later labs extend earlier layers only through the extension points of
    kernel/hooks.hh: no weak symbols anywhere in labs/;
  - an extension point a stage needs and nobody filled stops the boot with a clear line;
  - a file a later layer replaces says why (`make tree` shows it).
"""
import glob
import os
import re
import subprocess

from squall_meta import ROOT, make
from test_format_mutations import copy_project

EXTENSIONS = (".cc", ".hh", ".S", ".inc", ".ld")

# Patterns of a declaration; group 1 is the name it introduces. Attributes ([[...]]) are
# dropped from the line first.
DECLARATIONS = [
    r"^\s*(?:struct|class|enum(?:\s+class)?|union)\s+([A-Za-z_]\w*)",
    r"^\s*#\s*define\s+([A-Za-z_]\w*)",
    r"^\s*using\s+([A-Za-z_]\w*)\s*=",
    r"^\s*ERROR\((\w+),",
    r"^\s*KERNEL_TEST\((\w+)\)",
    r"^\s*LAYER_SETUP\(\"\d*\",\s*(\w+)\)",
    r"^\s*(?:static\s+|extern\s+|inline\s+|const\s+|constexpr\s+|volatile\s+)*[A-Za-z_][\w:]*(?:<[^;()]*>)?"
    r"[\s\*&]+([A-Za-z_]\w*)\s*(?:=|;|\[|\{|\()",
]


def layers():
    out = []
    for d in sorted(glob.glob(os.path.join(ROOT, "labs", "[0-9][0-9]-*"))):
        name = os.path.basename(d)
        out.append((int(name[:2]), [d, os.path.join(ROOT, "solutions", name)]))
    return out


def layer_files(dirs):
    files = []
    for top in dirs:
        for dirpath, _, names in os.walk(top):
            files += [os.path.join(dirpath, n) for n in names if n.endswith(EXTENSIONS)]
    return sorted(files)


def declared(files):
    names = set()
    for path in files:
        for line in open(path, errors="replace"):
            line = re.sub(r"\[\[[^\]]*\]\]\s*", "", line)
            for pattern in DECLARATIONS:
                names.update(m.group(1) for m in re.finditer(pattern, line))
    return names


def distinctive(name):
    """Names long and specific enough that a match is not a coincidence."""
    return len(name) >= 5 and bool("_" in name.strip("_") or re.search(r"[a-z][A-Z]", name)
                                   or re.match(r"k[A-Z]", name))


def without_strings(text):
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)


def test_no_layer_names_a_later_lab():
    found = []
    for n, dirs in layers():
        for path in layer_files(dirs):
            for i, line in enumerate(open(path, errors="replace").read().splitlines()):
                for m in re.finditer(r"\b[Ll]abs?[ /]?(\d\d?)\b|\blabs/(\d\d)-", line):
                    k = int(m.group(1) or m.group(2))
                    if k > n:
                        found.append("%s:%d: %s" % (os.path.relpath(path, ROOT), i + 1, line.strip()[:100]))
    assert not found, "earlier layers name later labs (%d lines):\n  %s" % (len(found), "\n  ".join(found[:40]))


def test_no_layer_uses_a_later_labs_identifiers():
    introduced, seen = {}, set()
    for n, dirs in layers():
        mine = declared(layer_files(dirs)) - seen
        introduced[n] = {name for name in mine if distinctive(name)}
        seen |= mine
    found = []
    for n, dirs in layers():
        texts = {p: without_strings(open(p, errors="replace").read()) for p in layer_files(dirs)}
        for k, names in introduced.items():
            if k <= n or not names:
                continue
            pattern = re.compile(r"\b(%s)\b" % "|".join(re.escape(x) for x in sorted(names)))
            for path, text in texts.items():
                for i, line in enumerate(text.splitlines()):
                    for m in pattern.finditer(line):
                        found.append("%s:%d uses lab %02d's %s: %s" % (
                            os.path.relpath(path, ROOT), i + 1, k, m.group(1), line.strip()[:90]))
    assert not found, "earlier layers use later labs' identifiers (%d):\n  %s" % (len(found), "\n  ".join(found[:40]))


def test_no_weak_symbols_in_the_labs():
    r = subprocess.run(["grep", "-rn", "weak", "labs", "solutions"], cwd=ROOT, capture_output=True, text=True)
    assert r.stdout == "", "`grep -rn weak labs/ solutions/` must find nothing (extension points are " \
                           "kernel/hooks.hh's):\n" + r.stdout[:3000]


def replaced_files():
    """{relative path: [lab dirs that have it]} for paths more than one layer has."""
    where = {}
    for n, dirs in layers():
        for path in layer_files(dirs[:1]):
            rel = os.path.relpath(path, dirs[0])
            where.setdefault(rel, []).append(os.path.basename(dirs[0]))
    return {rel: labs for rel, labs in where.items() if len(labs) > 1}


def test_every_replaced_file_says_why():
    missing = []
    for rel, labs in sorted(replaced_files().items()):
        for lab in labs[1:]:
            head = open(os.path.join(ROOT, "labs", lab, rel)).read(1500)
            if "#include_next" in head:
                continue  # it extends the earlier file, it does not replace it
            if not re.search(r"Replaces labs/\d\d-[\w-]+/%s: \S" % re.escape(rel), head):
                missing.append("labs/%s/%s" % (lab, rel))
    assert not missing, ("a file that replaces an earlier layer's must say so near its top "
                         "('Replaces labs/NN-name/PATH: why'):\n  " + "\n  ".join(missing))


def test_make_tree_says_why_a_file_is_replaced():
    r = make("tree", "LAB=%02d" % layers()[-1][0])
    assert r.returncode == 0, r.stderr
    for rel in replaced_files():
        line = [l for l in r.stdout.splitlines() if l.split() and l.split()[0] == rel]
        assert line and ("replaces" in line[0] or "extends" in line[0]), \
            "make tree does not say why %s is in several layers:\n%s" % (rel, "\n".join(line))


def test_an_unfilled_extension_point_stops_the_boot(tmp_path):
    """Take out the line of lab 06 that fills the idle point: the stage-06 kernel must stop
    at boot naming the point and the file that needs it (not run with the feature off)."""
    copy_project(str(tmp_path))
    devices = tmp_path / "labs" / "06-async-fs" / "kernel" / "devices.cc"
    text = devices.read_text()
    assert "idle_hook.fill(" in text, "labs/06-async-fs/kernel/devices.cc no longer fills idle_hook"
    devices.write_text(re.sub(r"\n\s*idle_hook\.fill\([^;]*\);", "\n", text))
    r = make("kernel", "LAB=06", "SOLUTION=1", "BUILD_ROOT=%s" % (tmp_path / "build"), cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    qemu = subprocess.run([os.path.join(ROOT, "tools", "find_python.sh")], capture_output=True, text=True)
    python = qemu.stdout.strip() or "python3"
    boot = subprocess.run([python, os.path.join(str(tmp_path), "tools", "run_qemu.py"), "--build",
                           str(tmp_path / "build" / "lab06-solution"), "--bootargs", "run=hello"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    out = boot.stdout + boot.stderr
    assert re.search(r"hooks: extension point process\.idle is not filled \(needed by \S*kernel_tasks\.cc\)", out), \
        "the boot did not stop at the unfilled point:\n" + out[-2000:]
    assert boot.returncode != 0
