#!/usr/bin/env python3
"""grader/handout.py: `make handout`: export the student tree, then prove the export works.

Writes OUT/squall-labNN/ (a directory) and OUT/squall-labNN-VERSION.tar.gz holding labs
01..NN, their public grader tests and the build tools, and nothing instructor-only (the
list is INSTRUCTOR_ONLY below: the one place that decides it). A VERSION file in the
tree stamps the version (date + git commit) and the export date.

Then it proves the tarball: extracted into a fresh directory, it must leak nothing (no
instructor-only path, no file equal to a solution or hidden test, no hidden test's name),
and for every exported lab K the handout's own `make` must build stage K's starter, the
kernel must boot, and `make grade LAB=K` must run and fail every graded test of lab K
(its holes are open) without a word about hidden tests.

  handout.py                      every lab present, into dist/
  handout.py --lab 2 --out /tmp   labs 01..02 only
  handout.py --no-verify          export only
Python 3 standard library only.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))

# Instructor-only files: never handed out. A path ending in "/" is a whole directory.
# The handout Makefile works without mk/instructor.mk (the Makefile `-include`s it).
INSTRUCTOR_ONLY = {
    "solutions/": "reference solutions",
    "grader/hidden/": "hidden tests (instructor mode: make grade HIDDEN=1, batch, Gradescope)",
    "grader/meta/": "tests of the grader and of these tools",
    "grader/handout.py": "this exporter",
    "grader/batch.py": "batch grading",
    "grader/gradescope/": "the Gradescope autograder bundle",
    "grader/selfcheck.py": "proves starters fail and solutions pass: needs solutions/",
    "mk/instructor.mk": "instructor make targets (handout, batch, gradescope)",
    ".ci/": "the CI script (runs selfcheck and the meta tests)",
}
# Generated or private files that are never exported either.
NEVER_EXPORTED = ("build/", "dist/", ".git/", ".git", "compile_commands.json")
NEVER_EXPORTED_NAMES = ("__pycache__", ".pytest_cache")


def is_instructor_only(rel):
    return any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in INSTRUCTOR_ONLY)


def is_generated(rel):
    parts = rel.split("/")
    return (any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in NEVER_EXPORTED)
            or any(n in parts for n in NEVER_EXPORTED_NAMES) or rel.endswith((".pyc", "~")))


def labs_present(root):
    return sorted(int(os.path.basename(d)[:2]) for d in glob.glob(os.path.join(root, "labs", "[0-9][0-9]-*")))


def lab_of(rel):
    """The lab a path belongs to (labs/NN-*/..., grader/test_labNN*), or None."""
    m = re.match(r"labs/(\d\d)-[^/]+/", rel) or re.match(r"grader/test_lab(\d\d)", rel)
    return int(m.group(1)) if m else None


def repo_files(root):
    """Every file of the working tree that git does not ignore (or every file, without git)."""
    try:
        out = subprocess.run(["git", "-c", "safe.directory=*", "-C", root, "ls-files", "-z", "--cached",
                              "--others", "--exclude-standard"], capture_output=True, check=True).stdout
        files = sorted({f for f in out.decode().split("\0") if f})
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if not is_generated(os.path.relpath(os.path.join(d, x), root) + "/")]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
        files.sort()
    return [f for f in files if os.path.isfile(os.path.join(root, f)) and not os.path.islink(os.path.join(root, f))]


def select(files, lab):
    """(exported, left_out): the student files of labs 01..lab, and what was left out and why."""
    exported, left_out = [], {}
    for rel in files:
        if is_generated(rel):
            continue
        if is_instructor_only(rel):
            key = next(p for p in INSTRUCTOR_ONLY if rel == p or (p.endswith("/") and rel.startswith(p)))
            left_out.setdefault(key, []).append(rel)
        elif (lab_of(rel) or 0) > lab:
            left_out.setdefault("labs after %02d" % lab, []).append(rel)
        else:
            exported.append(rel)
    return exported, left_out


def version_stamp(root):
    date = time.strftime("%Y.%m.%d", time.gmtime())
    try:
        rev = subprocess.run(["git", "-c", "safe.directory=*", "-C", root, "describe", "--always", "--dirty",
                              "--abbrev=8"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        rev = "nogit"
    return "%s-%s" % (date, rev)


def export(root, lab, out):
    """Write OUT/squall-labNN/ and its tarball; return (directory, tarball, version, left_out)."""
    inside = os.path.relpath(os.path.abspath(out), root) + "/"
    files = [f for f in repo_files(root) if not f.startswith(inside)]  # an OUT inside the tree
    exported, left_out = select(files, lab)
    version = version_stamp(root)
    name = "squall-lab%02d" % lab
    tree = os.path.join(out, name)
    if os.path.isdir(tree):
        shutil.rmtree(tree)
    os.makedirs(tree)
    for rel in exported:
        dst = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(root, rel), dst)
    labs = [os.path.basename(d) for d in sorted(glob.glob(os.path.join(tree, "labs", "[0-9][0-9]-*")))]
    with open(os.path.join(tree, "VERSION"), "w") as f:
        f.write("Squall student handout\nlabs: %s\nversion: %s\nexported: %s\n"
                % (" ".join(labs), version, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
    tarball = os.path.join(out, "%s-%s.tar.gz" % (name, version))

    def clean(info):
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(tree, arcname=name, filter=clean)
    return tree, tarball, version, left_out


# ---- leak check ---------------------------------------------------------------------
def _digests(path):
    data = open(path, "rb").read()
    return hashlib.sha256(data).hexdigest(), hashlib.sha256(b"".join(data.split())).hexdigest()


def find_leaks(tree, root=ROOT):
    """Everything instructor-only in `tree`: [(path in tree, why)]. Checks paths, contents
    (exact, and with all whitespace removed) against solutions/ and grader/hidden/, and the
    names of hidden tests."""
    secret, public = {}, set()
    hidden_names = set()
    for rel in repo_files(root):
        if is_generated(rel):
            continue
        path = os.path.join(root, rel)
        if rel.startswith(("solutions/", "grader/hidden/")):
            if os.path.getsize(path) > 0:
                for d in _digests(path):
                    secret[d] = rel
            if rel.startswith("grader/hidden/") and rel.endswith(".py"):
                hidden_names |= set(re.findall(r"^def (test_\w+)", open(path, errors="replace").read(), re.M))
        elif not is_instructor_only(rel):
            public.update(_digests(path))
    for d in public:
        secret.pop(d, None)  # a file that is also public is no secret
    leaks = []
    for d, dirs, names in os.walk(tree):
        for n in names:
            path = os.path.join(d, n)
            rel = os.path.relpath(path, tree)
            if is_instructor_only(rel):
                leaks.append((rel, "instructor-only path (%s)" % INSTRUCTOR_ONLY.get(rel, "under an instructor-only directory")))
                continue
            if os.path.islink(path):
                continue
            for digest in _digests(path):
                if digest in secret:
                    leaks.append((rel, "same content as %s" % secret[digest]))
                    break
            else:
                text = open(path, "rb").read().decode("utf-8", "replace")
                named = sorted(x for x in hidden_names if x in text)
                if named:
                    leaks.append((rel, "names hidden test(s) %s" % ", ".join(named)))
    return leaks


# ---- proving the export -------------------------------------------------------------
def boot_once(build_dir, timeout=15):
    """Boot a built stage once (no test); return (booted, first kernel line or reason)."""
    sys.path.insert(0, HERE)
    from harness import qemu
    cmd = qemu.qemu_command(build_dir, bootargs="seed=0x5eed nonce=handout")
    proc = qemu.start(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        qemu.kill(proc)
        out, _ = proc.communicate()
    finally:
        qemu.kill(proc)
    text = out.decode("utf-8", "replace")
    m = re.search(r"^.*Squall stage \S+.*$", text, re.M)
    return (True, m.group(0).strip()) if m else (False, "no 'Squall stage' line; QEMU printed:\n" + text[-1500:])


def make_in(tree, *args, timeout=600):
    cmd = ["make", "-s", "--no-print-directory", "-C", tree, "SKIP_ENV_CHECK=1"] + list(args)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        return None, "timed out after %d s: %s" % (timeout, " ".join(cmd))


def verify_build(tree, lab):
    rec = {"lab": lab, "build": False, "boot": False, "grade": False, "problems": []}
    code, out = make_in(tree, "LAB=%02d" % lab, "kernel")
    rec["build"] = code == 0
    if not rec["build"]:
        rec["problems"].append("the starter of stage %02d does not build:\n%s" % (lab, out[-3000:]))
        return rec
    rec["boot"], rec["boot_line"] = boot_once(os.path.join(tree, "build", "lab%02d" % lab))
    if not rec["boot"]:
        rec["problems"].append("the starter of stage %02d does not boot: %s" % (lab, rec["boot_line"]))
    return rec


def verify_grade(tree, rec):
    """`make grade LAB=K` (lab K's own tests) in the handout: it must run and fail where holes are open."""
    lab = rec["lab"]
    code, out = make_in(tree, "grade", "LAB=%02d" % lab, "GRADE_ARGS=--only-lab %d" % lab, timeout=1800)
    rec["grade_output_tail"] = out[-2000:]
    path = os.path.join(tree, "build", "lab%02d" % lab, "grade.json")
    if code is None or not os.path.exists(path):
        rec["problems"].append("make grade LAB=%02d did not run to the end:\n%s" % (lab, out[-2000:]))
        return rec
    tests = json.load(open(path))["tests"]
    graded = [t for t in tests if t["lab"] == lab and not t["provided"]]
    provided = [t for t in tests if t["lab"] == lab and t["provided"]]
    rec["graded_failing"] = sum(t["outcome"] == "failed" for t in graded)
    rec["graded"] = len(graded)
    rec["provided_passing"] = sum(t["outcome"] == "passed" for t in provided)
    rec["provided"] = len(provided)
    if not graded:
        rec["problems"].append("make grade LAB=%02d ran no graded test of lab %02d" % (lab, lab))
    passing = [t["name"] for t in graded if t["outcome"] == "passed"]
    if passing:
        rec["problems"].append("lab %02d starter passes graded tests (holes open): %s" % (lab, ", ".join(passing)))
    broken = [t["name"] for t in tests if t["failure_kind"] == "build failed"]
    if broken:
        rec["problems"].append("lab %02d: tests failed with 'build failed': %s" % (lab, ", ".join(broken)))
    if "hidden" in out.replace(tree, "").lower() or any(t.get("hidden") for t in tests):
        rec["problems"].append("make grade LAB=%02d in the handout mentions hidden tests" % lab)
    rec["grade"] = not rec["problems"]
    return rec


def verify(tarball, labs, jobs=2, keep=False, root=ROOT):
    """Extract the tarball and prove it; return (records, leaks, extracted tree)."""
    scratch = tempfile.mkdtemp(prefix="squall-handout-verify-")
    with tarfile.open(tarball) as tar:
        tar.extractall(scratch, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(scratch)
    tree = os.path.join(scratch, os.listdir(scratch)[0])
    leaks = find_leaks(tree, root)
    # Builds one at a time (they share the tree's top-level files), grading in parallel.
    records = [verify_build(tree, lab) for lab in labs]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        records = list(pool.map(lambda r: verify_grade(tree, r) if r["build"] else r, records))
    if not keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return records, leaks, tree


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=ROOT)
    ap.add_argument("--lab", type=int, default=None, help="export labs 01..LAB (default: every lab present)")
    ap.add_argument("--out", default=None, help="output directory (default ROOT/dist)")
    ap.add_argument("--no-verify", action="store_true", help="export only; do not build, boot and grade it")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="labs graded in parallel while verifying")
    ap.add_argument("--keep", action="store_true", help="keep the directory the tarball was verified in")
    ap.add_argument("--json", default=None, help="also write the report here (default OUT/squall-labNN-verify.json)")
    args = ap.parse_args(argv)
    root = os.path.abspath(args.root)
    present = labs_present(root)
    if not present:
        print("handout: no labs/NN-* in %s" % root)
        return 2
    lab = args.lab or present[-1]
    if lab not in present:
        print("handout: no lab %02d; labs present: %s" % (lab, " ".join("%02d" % n for n in present)))
        return 2
    labs = [n for n in present if n <= lab]
    out = os.path.abspath(args.out or os.path.join(root, "dist"))
    os.makedirs(out, exist_ok=True)

    tree, tarball, version, left_out = export(root, lab, out)
    count = sum(len(files) for _, _, files in os.walk(tree))
    print("handout: labs %s, version %s: %d files" % (" ".join("%02d" % n for n in labs), version, count))
    print("  directory: %s\n  tarball:   %s" % (tree, tarball))
    print("  left out: " + "; ".join("%s (%d)" % (k, len(v)) for k, v in sorted(left_out.items())))
    report = {"version": version, "labs": labs, "directory": tree, "tarball": tarball,
              "left_out": {k: len(v) for k, v in left_out.items()}, "labs_verified": []}
    problems = ["%s: %s" % leak for leak in find_leaks(tree, root)]
    if not args.no_verify:
        print("handout: verifying the tarball: build, boot and grade every stage's starter")
        records, leaks, vtree = verify(tarball, labs, args.jobs, args.keep, root)
        problems += ["%s: %s" % leak for leak in leaks]
        for rec in records:
            cells = ["build %s" % ("ok" if rec["build"] else "FAILED"), "boot %s" % ("ok" if rec["boot"] else "FAILED")]
            if "graded" in rec:
                cells.append("grade: %d/%d graded tests fail (holes open)" % (rec["graded_failing"], rec["graded"]))
                if rec["provided"]:
                    cells.append("%d/%d provided pass" % (rec["provided_passing"], rec["provided"]))
            print("  lab %02d: %s%s" % (rec["lab"], ", ".join(cells), "" if not rec["problems"] else "  << PROBLEM"))
            problems += rec["problems"]
        report["labs_verified"] = records
        if args.keep:
            print("  verified tree kept: %s" % vtree)
    report["problems"] = problems
    report["ok"] = not problems
    with open(args.json or os.path.join(out, "squall-lab%02d-verify.json" % lab), "w") as f:
        json.dump(report, f, indent=2)
    for p in problems:
        print("  - " + p.replace("\n", "\n    "))
    if problems:
        print("handout: FAILED (%d problem(s))" % len(problems))
        return 1
    print("handout: ok: no instructor-only file, solution or hidden test in the export%s"
          % ("" if args.no_verify else "; every starter builds, boots and fails its lab's tests"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
