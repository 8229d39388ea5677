#!/usr/bin/env python3
"""grader/grade.py: `make grade`: run the grader on one stage and score it.

Runs pytest over grader/test_labNN_*.py for every NN <= the stage, prints a score table,
and writes machine-readable results next to the build: grade.json (Squall's own format,
also used by batch grading), grade.xml (JUnit XML) and results.json (Gradescope).

  grade.py --lab 2                 a student's tree, stage 02 (labs 01 and 02 graded)
  grade.py --lab 2 --solved 2      the reference solution of stage 02
  grade.py --lab 2 --only-lab 2    just lab 02's own tests (used by selfcheck)
  grade.py ... --progress FILE     also stream JSON lines (the collected tests, then each
                                   result as it finishes): batch grading reads them when
                                   a submission runs out of time
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Collector:
    """A pytest plugin that keeps one record per test (and streams them to `progress`)."""

    def __init__(self, progress=None):
        self.results = {}
        self.progress = progress

    def emit(self, event):
        if self.progress:
            with open(self.progress, "a") as f:
                f.write(json.dumps(event) + "\n")

    def pytest_collection_finish(self, session):
        from conftest import module_lab
        tests = []
        for item in session.items:
            marker = item.get_closest_marker("points")
            tests.append({"name": item.nodeid.split("::", 1)[-1], "lab": module_lab(item.fspath) or 0,
                          "max_points": marker.args[0] if marker else 1, "hidden": item.nodeid.startswith("hidden/")})
        self.emit({"event": "collected", "tests": tests})

    def pytest_runtest_logstart(self, nodeid, location):
        self.emit({"event": "start", "name": nodeid.split("::", 1)[-1]})

    def pytest_runtest_logfinish(self, nodeid, location):
        if nodeid in self.results:
            self.emit(dict(self.results[nodeid], event="result"))

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        rec = self.results.setdefault(report.nodeid, {
            "name": report.nodeid.split("::", 1)[-1],
            "module": report.nodeid.split("::", 1)[0].rsplit("/", 1)[-1],
            "lab": props.get("lab", 0),
            "max_points": props.get("points", 1),
            "provided": props.get("provided", False),
            "hidden": report.nodeid.startswith("hidden/"),
            "outcome": "passed",
            "failure_kind": None,
            "message": "",
            "seconds": 0.0,
        })
        rec["seconds"] += getattr(report, "duration", 0.0)
        if report.failed:
            rec["outcome"] = "failed"
            rec["failure_kind"] = rec["failure_kind"] or props.get("failure_kind", "test failed")
            if not rec["message"]:
                rec["message"] = props.get("failure_message") or str(report.longrepr)[-4000:]
        elif report.skipped and rec["outcome"] == "passed":
            rec["outcome"] = "skipped"


def write_gradescope(path, records, total, possible, note=""):
    """results.json in Gradescope's autograder format (instructor-only tests are shown
    to students only once grades are published)."""
    tests = []
    for r in records:
        out = r["message"] if r["outcome"] != "passed" else "passed"
        test = {"name": r["name"], "score": r["points"], "max_score": r["max_points"],
                "status": "passed" if r["outcome"] == "passed" else "failed",
                "output": out[:8000], "tags": ["lab%02d" % r["lab"]]}
        if r.get("hidden"):
            test["visibility"] = "after_published"
        tests.append(test)
    data = {"score": total, "execution_time": int(sum(r["seconds"] for r in records)),
            "output": "Squall grader: %s/%s points" % (total, possible) + ("\n" + note if note else ""),
            "tests": tests}
    with open(path, "w") as f:
        json.dump(data, f, indent=2)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--solved", type=int, default=0)
    ap.add_argument("--root", default=os.path.join(HERE, ".."), help="source tree to grade")
    ap.add_argument("--build-root", default=None, help="where builds and logs go (default ROOT/build)")
    ap.add_argument("--only-lab", type=int, default=None, help="run only this lab's tests")
    ap.add_argument("--hidden", action="store_true", help=argparse.SUPPRESS)  # instructor mode
    ap.add_argument("--progress", default=None, help="append JSON lines: collected tests, then each result")
    ap.add_argument("-k", dest="keyword", default=None, help="pytest -k expression (make grade T=...)")
    ap.add_argument("--out", default=None, help="directory for grade.json/grade.xml/results.json")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)

    root = os.path.abspath(args.root)
    os.environ["SQUALL_ROOT"] = root
    os.environ["SQUALL_LAB"] = str(args.lab)
    os.environ["SQUALL_SOLVED"] = str(args.solved)
    if args.build_root:
        os.environ["SQUALL_BUILD_ROOT"] = os.path.abspath(args.build_root)
    sys.path.insert(0, HERE)
    import pytest  # noqa: E402
    from conftest import stage_for  # noqa: E402

    stage = stage_for(args.lab, args.solved)
    out_dir = args.out or stage.build_dir
    os.makedirs(out_dir, exist_ok=True)

    labs = [args.only_lab] if args.only_lab else range(1, args.lab + 1)
    files = []
    for n in labs:
        files += sorted(f for f in os.listdir(HERE) if f.startswith("test_lab%02d" % n) and f.endswith(".py"))
        hidden_dir = os.path.join(HERE, "hidden")
        if args.hidden and os.path.isdir(hidden_dir):
            files += sorted(os.path.join("hidden", f) for f in os.listdir(hidden_dir)
                            if f.startswith("test_lab%02d" % n) and f.endswith(".py"))
    if not files:
        print("grade: no tests for stage %02d" % args.lab)
        return 2
    junit = os.path.join(out_dir, "grade.xml")
    pytest_args = [os.path.join(HERE, f) for f in files] + [
        "-p", "no:cacheprovider", "--rootdir", HERE, "-c", os.path.join(HERE, "pytest.ini"),
        "--junitxml", junit, "-o", "junit_family=xunit2"]
    pytest_args += ["-q", "--no-header", "-rN", "--tb=line"] if args.quiet else ["-v", "--tb=short", "-rN"]
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    collector = Collector(args.progress and os.path.abspath(args.progress))
    started = time.time()
    code = pytest.main(pytest_args, plugins=[collector])
    if code not in (0, 1):  # usage error, interrupted, internal error, no tests
        if code == 5:
            print("grade: no test matched")
        return code

    records = list(collector.results.values())
    total = possible = 0
    for r in records:
        r["points"] = r["max_points"] if r["outcome"] == "passed" else 0
        total += r["points"]
        possible += r["max_points"]
    summary = {"root": root, "lab": args.lab, "solved": args.solved, "score": total, "max_score": possible,
               "seconds": round(time.time() - started, 1), "tests": records}
    with open(os.path.join(out_dir, "grade.json"), "w") as f:
        json.dump(summary, f, indent=2)
    write_gradescope(os.path.join(out_dir, "results.json"), records, total, possible)

    if not args.quiet:
        print()
        print("Score for stage %02d%s:" % (args.lab, " (solutions overlaid up to lab %02d)" % args.solved if args.solved else ""))
        for r in records:
            status = "PASS" if r["outcome"] == "passed" else ("SKIP" if r["outcome"] == "skipped" else "FAIL")
            why = "" if status != "FAIL" else "  [%s]" % r["failure_kind"]
            print("  %-4s %3s/%-3s lab%02d %s%s" % (status, r["points"], r["max_points"], r["lab"], r["name"], why))
        print("  total: %s/%s points" % (total, possible))
        print("  results: %s (also grade.xml, results.json); serial logs: %s" % (
            os.path.join(out_dir, "grade.json"), stage.log_dir))
    return 0 if total == possible else 1


if __name__ == "__main__":
    sys.exit(main())
