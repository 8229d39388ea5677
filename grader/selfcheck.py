#!/usr/bin/env python3
"""grader/selfcheck.py: `make selfcheck`: prove that every lab's tests can fail.

For every lab N present:
  starter  = labs 01..N with the solutions of labs < N: every graded test of lab N must
             FAIL (a test marked `provided` checks only handed-out code; it must PASS
             and is listed apart);
  solution = labs 01..N with all their solutions: every test of labs 01..N must PASS.
Prints a lab x {starter, solution} table and exits non-zero if any cell is wrong.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))


def run_grade(root, lab, solved, only_lab, out_dir, build_root, hidden):
    cmd = [sys.executable, os.path.join(HERE, "grade.py"), "--root", root, "--lab", str(lab), "--solved", str(solved),
           "--out", out_dir, "--quiet"]
    if build_root:
        cmd += ["--build-root", build_root]
    if only_lab:
        cmd += ["--only-lab", str(only_lab)]
    if hidden:
        cmd += ["--hidden"]
    os.makedirs(out_dir, exist_ok=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    with open(os.path.join(out_dir, "pytest.out"), "w") as f:
        f.write(proc.stdout + proc.stderr)
    try:
        with open(os.path.join(out_dir, "grade.json")) as f:
            return json.load(f), proc
    except (OSError, ValueError):
        return None, proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--labs", default=None, help="comma-separated lab numbers (default: all present)")
    ap.add_argument("--root", default=ROOT)
    ap.add_argument("--hidden", action="store_true", help="include grader/hidden tests")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    present = sorted(int(os.path.basename(d)[:2]) for d in glob.glob(os.path.join(root, "labs", "[0-9][0-9]-*")))
    labs = [int(x) for x in args.labs.split(",")] if args.labs else present
    out_root = os.path.join(root, "build", "selfcheck")

    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for n in labs:
            jobs[(n, "starter")] = pool.submit(run_grade, root, n, n - 1, n, os.path.join(out_root, "lab%02d-starter" % n),
                                               None, args.hidden)
            jobs[(n, "solution")] = pool.submit(run_grade, root, n, n, None, os.path.join(out_root, "lab%02d-solution" % n),
                                                None, args.hidden)
    bad = False
    good_cells = bad_cells = 0
    print("Squall selfcheck: starter must FAIL its own lab's tests; solution must PASS labs 01..N")
    print("  %-5s  %-44s  %s" % ("lab", "starter (labs<N solved)", "solution"))
    notes = []
    for n in labs:
        starter, sp = jobs[(n, "starter")].result()
        solution, lp = jobs[(n, "solution")].result()
        if starter is None:
            cell_s, ok_s = "ERROR (grader did not run)", False
            notes.append("lab %02d starter: %s" % (n, (sp.stdout + sp.stderr)[-1500:]))
        else:
            graded = [t for t in starter["tests"] if t["lab"] == n and not t["provided"]]
            provided = [t for t in starter["tests"] if t["lab"] == n and t["provided"]]
            wrongly_passing = [t["name"] for t in graded if t["outcome"] == "passed"]
            provided_failing = [t["name"] for t in provided if t["outcome"] != "passed"]
            build_fail = [t["name"] for t in graded if t["failure_kind"] == "build failed"]
            ok_s = bool(graded) and not wrongly_passing and not provided_failing and not build_fail
            cell_s = "FAIL %d/%d%s" % (len(graded) - len(wrongly_passing), len(graded),
                                       " (+%d provided: PASS %d)" % (len(provided), len(provided) - len(provided_failing)) if provided else "")
            if wrongly_passing:
                notes.append("lab %02d starter PASSES (should fail): %s" % (n, ", ".join(wrongly_passing)))
            if provided_failing:
                notes.append("lab %02d starter fails provided-code tests: %s" % (n, ", ".join(provided_failing)))
            if build_fail:
                notes.append("lab %02d starter does not build (the starter must compile and boot)" % n)
        if solution is None:
            cell_l, ok_l = "ERROR (grader did not run)", False
            notes.append("lab %02d solution: %s" % (n, (lp.stdout + lp.stderr)[-1500:]))
        else:
            failing = [t for t in solution["tests"] if t["outcome"] != "passed"]
            ok_l = not failing and bool(solution["tests"])
            cell_l = "PASS %d/%d" % (len(solution["tests"]) - len(failing), len(solution["tests"]))
            for t in failing:
                notes.append("lab %02d solution fails %s (lab %02d) [%s]:\n      %s" % (
                    n, t["name"], t["lab"], t["failure_kind"], t["message"][:1200].replace("\n", "\n      ")))
        bad |= not (ok_s and ok_l)
        good_cells += ok_s + ok_l
        bad_cells += (not ok_s) + (not ok_l)
        print("  %02d     %-44s  %s" % (n, ("ok   " if ok_s else "WRONG ") + cell_s, ("ok   " if ok_l else "WRONG ") + cell_l))
    for note in notes:
        print("  - " + note)
    print("selfcheck: %s (details: %s)" % ("FAILED" if bad else "ok", out_root))
    # The plain closing line CI readers look for: one cell = one (lab, starter|solution) check.
    print("selfcheck: %d passed, %d failed" % (good_cells, bad_cells))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
