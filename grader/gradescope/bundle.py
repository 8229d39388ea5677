#!/usr/bin/env python3
"""grader/gradescope/bundle.py: `make gradescope`: the Gradescope autograder zip of one stage.

The zip holds, at its top level, what Gradescope asks for: setup.sh (installs the
Debian/Ubuntu packages; run once when Gradescope builds the image) and run_autograder
(grades /autograder/submission, writes /autograder/results/results.json), plus squall/:
the pristine tree they use: the student handout of labs 01..NN (grader, Makefile, tools,
starters) with the hidden tests and grader/batch.py added, and no solution. Grading scales
this way on Gradescope's own workers; each test's name, score, max_score, status and
output appear there, hidden tests with visibility "after_published".

  bundle.py --lab 1 [--out dist] [--timeout 540]
Python 3 standard library only.
"""
import argparse
import os
import shutil
import stat
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
GRADER = os.path.abspath(os.path.join(HERE, ".."))
ROOT = os.path.abspath(os.path.join(GRADER, ".."))
sys.path.insert(0, GRADER)

import handout  # noqa: E402

# Instructor-only files the autograder needs; every other one stays out (solutions/ first).
BUNDLE_KEEPS = ("grader/hidden/", "grader/batch.py")


def bundled(rel):
    return rel.startswith(BUNDLE_KEEPS) or rel in BUNDLE_KEEPS


def stage(root, lab, dest, timeout):
    """Lay the bundle out in `dest`; return the list of its files (relative)."""
    files, _ = handout.select(handout.repo_files(root), lab)
    keep = [f for f in handout.repo_files(root) if bundled(f) and not handout.is_generated(f)
            and (handout.lab_of(f.replace("grader/hidden/", "grader/")) or 0) <= lab]
    tree = os.path.join(dest, "squall")
    for rel in sorted(set(files + keep)):
        dst = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(root, rel), dst)
    version = handout.version_stamp(root)
    with open(os.path.join(tree, "VERSION"), "w") as f:
        f.write("Squall Gradescope autograder\nstage: %02d\nversion: %s\nbuilt: %s\n"
                % (lab, version, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
    for name in ("setup.sh", "run_autograder"):
        text = open(os.path.join(HERE, name)).read().replace("@LAB@", str(lab)).replace("@TIMEOUT@", str(timeout))
        with open(os.path.join(dest, name), "w") as f:
            f.write(text)
        os.chmod(os.path.join(dest, name), 0o755)
    return version


def write_zip(src, path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for d, dirs, names in os.walk(src):
            dirs.sort()
            for n in sorted(names):
                full = os.path.join(d, n)
                info = zipfile.ZipInfo(os.path.relpath(full, src), time.gmtime(os.path.getmtime(full))[:6])
                info.external_attr = (stat.S_IFREG | stat.S_IMODE(os.stat(full).st_mode)) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(full, "rb") as f:
                    z.writestr(info, f.read())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--out", default=None, help="output directory (default ROOT/dist)")
    ap.add_argument("--timeout", type=int, default=540,
                    help="seconds per submission; keep it under Gradescope's own limit (default 10 min)")
    ap.add_argument("--root", default=ROOT)
    args = ap.parse_args(argv)
    root = os.path.abspath(args.root)
    if args.lab not in handout.labs_present(root):
        print("gradescope: no lab %02d in %s" % (args.lab, root))
        return 2
    out = os.path.abspath(args.out or os.path.join(root, "dist"))
    os.makedirs(out, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="squall-gradescope-")
    try:
        version = stage(root, args.lab, scratch, args.timeout)
        leaks = [l for l in handout.find_leaks(os.path.join(scratch, "squall"), root)
                 if not bundled(l[0]) and not l[1].startswith("same content as grader/hidden/")
                 and not l[1].startswith("names hidden test")]
        if leaks:
            for rel, why in leaks:
                print("  - %s: %s" % (rel, why))
            print("gradescope: FAILED: the bundle would hold instructor-only files")
            return 1
        path = os.path.join(out, "squall-gradescope-lab%02d-%s.zip" % (args.lab, version))
        write_zip(scratch, path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("gradescope: %s" % path)
    print("  upload it as the autograder of a Gradescope programming assignment (base image: the newest Ubuntu;")
    print("  QEMU must be 7.2 or newer). Students submit their tree (labs/ at least) by upload or GitHub.")
    print("  try it locally: unzip into DIR/source, put a tree in DIR/submission, then")
    print("  AUTOGRADER_ROOT=DIR DIR/source/run_autograder; the result is DIR/results/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
