#!/usr/bin/env python3
"""grader/batch.py: `make batch`: grade every submission in a directory, in parallel.

A submission is an entry of SUBMISSIONS: a directory holding a student tree (labs/ at
least: a whole handout, a git checkout, or just labs/), or an archive of one (.tar.gz,
.tgz, .tar, .zip). Each is graded in its own work directory that holds the submission's
labs/ (the student's code, and nothing else of theirs) beside this repository's PRISTINE
grader/, Makefile, mk/ and tools/: a student cannot change the tests or the make rules
that run them. Lab directories a submission lacks are taken from the starter.

Every submission runs `grader/grade.py --lab NN` (the same tests as the student's own
`make grade LAB=NN`, plus grader/hidden unless --no-hidden) in its own session, under a
time limit that kills the whole session, QEMU and compilers included. A hang costs the
hanging tests (the grader's own QEMU timeouts), at worst the rest of that submission's
tests (the time limit), never the batch; a build that fails costs that submission.

Output in OUT (default build/batch-labNN): summary.csv and summary.json (per student:
score, per-test points, failure reason, files that differ from the pristine grader or
Makefile, edited non-hole lab files), and OUT/<student>/ with that submission's grade.out,
grade.json, grade.xml (JUnit), results.json (Gradescope) and serial logs.

  batch.py --submissions DIR --lab 1 [-j 2] [--timeout 600] [--out DIR]
  batch.py --single DIR --lab 1 --results results.json     (one submission: Gradescope)
Python 3 standard library only (the grader it runs needs pytest).
"""
import argparse
import concurrent.futures
import csv
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))

# What a work directory takes from this repository (never from the submission).
PRISTINE = ("Makefile", "mk", "tools", "grader")
PRISTINE_SKIP = ("meta", "__pycache__", "build", "dist", ".pytest_cache")
# Files of a submission compared with the pristine ones ("tampered").
CHECKED = ("Makefile", "mk/", "tools/", "grader/")
ARCHIVES = (".tar.gz", ".tgz", ".tar", ".zip")
JUNK = ("__pycache__", ".pytest_cache", "build", ".git")

_active = set()  # session ids of graders running now
_active_lock = threading.Lock()


# ---- processes --------------------------------------------------------------------------
def session_members(sid):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 3 and fields[3] == str(sid):
            pids.append(int(entry))
    return pids


def kill_session(sid):
    """SIGKILL every process of session `sid` (the grader, make, g++, QEMU, gdb)."""
    for _ in range(20):
        pids = session_members(sid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


# ---- submissions --------------------------------------------------------------------------
def student_name(entry):
    base = os.path.basename(entry.rstrip("/"))
    for suffix in ARCHIVES:
        if base.endswith(suffix):
            base = base[:-len(suffix)]
    return re.sub(r"[^A-Za-z0-9_.@+-]+", "_", base) or "unnamed"


def list_submissions(directory, exclude=()):
    entries = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.startswith(".") or os.path.abspath(path) in exclude:
            continue
        if os.path.isdir(path) or name.endswith(ARCHIVES):
            entries.append(path)
    return entries


def unpack(archive, dest):
    os.makedirs(dest, exist_ok=True)
    if archive.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            for member in z.namelist():
                target = os.path.realpath(os.path.join(dest, member))
                if not target.startswith(os.path.realpath(dest) + os.sep):
                    raise ValueError("unsafe path in archive: %s" % member)
            z.extractall(dest)
    else:
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(dest, filter="data")
            else:
                for m in tar.getmembers():
                    if m.issym() or m.islnk() or m.name.startswith("/") or ".." in m.name.split("/"):
                        raise ValueError("unsafe member in archive: %s" % m.name)
                tar.extractall(dest)
    return dest


def find_tree(path, depth=3):
    """The directory under `path` holding labs/ (the submission itself, or a folder in it)."""
    if os.path.isdir(os.path.join(path, "labs")):
        return path
    if depth == 0:
        return None
    for name in sorted(os.listdir(path)):
        sub = os.path.join(path, name)
        if os.path.isdir(sub) and not os.path.islink(sub) and name not in JUNK and not name.startswith("."):
            found = find_tree(sub, depth - 1)
            if found:
                return found
    return None


def git_commit(tree):
    if not os.path.exists(os.path.join(tree, ".git")):
        return None
    try:
        return subprocess.run(["git", "-c", "safe.directory=*", "-C", tree, "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def files_under(top, rel_dir=""):
    """Relative paths of the regular files under top/rel_dir, skipping build junk."""
    out = []
    start = os.path.join(top, rel_dir)
    if os.path.isfile(start):
        return [rel_dir]
    for d, dirs, names in os.walk(start):
        dirs[:] = sorted(x for x in dirs if x not in JUNK)
        for n in sorted(names):
            if not n.endswith(".pyc"):
                out.append(os.path.relpath(os.path.join(d, n), top))
    return out


def same_file(a, b):
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return fa.read() == fb.read()
    except OSError:
        return False


def tampered_files(tree, root):
    """Grader and build files of the submission that differ from the pristine ones."""
    changed = []
    for top in CHECKED:
        for rel in files_under(tree, top.rstrip("/")) if os.path.exists(os.path.join(tree, top.rstrip("/"))) else []:
            pristine = os.path.join(root, rel)
            if not os.path.isfile(pristine):
                changed.append("added " + rel)
            elif not same_file(os.path.join(tree, rel), pristine):
                changed.append("modified " + rel)
    return changed


def lab_dirs(top, lab):
    """{NN: path of labs/NN-*} for NN <= lab."""
    found = {}
    for d in sorted(glob.glob(os.path.join(top, "labs", "[0-9][0-9]-*"))):
        n = int(os.path.basename(d)[:2])
        if n <= lab and os.path.isdir(d):
            found.setdefault(n, d)
    return found


def edited_provided(tree, root, lab):
    """Lab files outside the holes (no solutions/ counterpart) that the student changed or added."""
    edited = []
    pristine_labs = lab_dirs(root, lab)
    for n, sdir in lab_dirs(tree, lab).items():
        pdir = pristine_labs.get(n)
        if not pdir:
            continue
        holes = set()
        for sol in glob.glob(os.path.join(root, "solutions", "%02d-*" % n)):
            holes |= set(files_under(sol))
        for rel in files_under(sdir):
            if rel in holes or os.path.basename(rel) == "README.md":
                continue
            p = os.path.join(pdir, rel)
            where = "labs/%s/%s" % (os.path.basename(pdir), rel)
            if not os.path.exists(p):
                edited.append("added " + where)
            elif not same_file(os.path.join(sdir, rel), p):
                edited.append("modified " + where)
    return edited


def prepare_work(tree, work, root, lab):
    """Fill `work` with the pristine grader and build files and the student's labs/; return notes."""
    notes = []
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    for name in PRISTINE:
        src = os.path.join(root, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(work, name), ignore=shutil.ignore_patterns(*PRISTINE_SKIP))
        elif os.path.exists(src):
            shutil.copy2(src, os.path.join(work, name))
    student = lab_dirs(tree, lab)
    skipped = []

    def ignore(d, names):
        out = [n for n in names if n in JUNK or os.path.islink(os.path.join(d, n))]
        skipped.extend(os.path.relpath(os.path.join(d, n), tree) for n in out if os.path.islink(os.path.join(d, n)))
        return out

    for n, pdir in lab_dirs(root, lab).items():
        dst = os.path.join(work, "labs", os.path.basename(pdir))
        if n in student:
            shutil.copytree(student[n], dst, ignore=ignore)
        else:
            shutil.copytree(pdir, dst, ignore=shutil.ignore_patterns(*JUNK))
            notes.append("no labs/%02d-*: graded the starter of lab %02d" % (n, n))
    if skipped:
        notes.append("symbolic links ignored: %s" % ", ".join(skipped[:10]))
    return notes


# ---- grading one submission -------------------------------------------------------------
def read_progress(path):
    """(collected tests, {name: result}, name of the test running last) from grade.py --progress."""
    collected, results, running = [], {}, None
    try:
        with open(path) as f:
            for line in f:
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue  # a line cut short by the kill
                if ev.get("event") == "collected":
                    collected = ev["tests"]
                elif ev.get("event") == "start":
                    running = ev["name"]
                elif ev.get("event") == "result":
                    results[ev["name"]] = ev
    except OSError:
        pass
    return collected, results, running


def failure_reason(rec):
    tests = rec["tests"]
    failed = [t for t in tests if t["outcome"] != "passed"]
    if rec["status"] == "timed out":
        return "timed out after %d s%s; %d test(s) not run" % (
            rec["timeout"], " (in %s)" % rec["running"] if rec.get("running") else "",
            sum(t["failure_kind"] == "not run" for t in tests))
    if rec["status"] in ("no labs/", "grader error"):
        return rec.get("error", rec["status"])
    if rec["status"] == "build failed":
        msg = next((t["message"] for t in tests if t["failure_kind"] == "build failed"), "")
        first = next((l.strip() for l in msg.splitlines() if "error" in l.lower() and ":" in l), "")
        return "build failed" + (": " + first[:300] if first else "")
    if not failed:
        return ""
    kinds = {}
    for t in failed:
        kinds[t["failure_kind"] or "failed"] = kinds.get(t["failure_kind"] or "failed", 0) + 1
    return "%d of %d tests failed (%s)" % (len(failed), len(tests), ", ".join("%s: %d" % kv for kv in sorted(kinds.items())))


def test_record(name, lab, max_points, hidden, outcome="failed", kind=None, message="", points=0, seconds=0.0):
    return {"name": name, "lab": lab, "max_points": max_points, "hidden": hidden, "points": points,
            "outcome": outcome, "failure_kind": kind, "message": message, "seconds": seconds}


def grade_submission(entry, opts):
    """Grade one submission; return its record (never raises for a submission's own faults)."""
    name = opts.get("name") or student_name(entry)
    out = os.path.join(opts["out"], name)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    work = opts.get("work") or os.path.join(out, "work")
    started = time.monotonic()
    rec = {"student": name, "source": os.path.abspath(entry), "commit": None, "status": "graded", "score": 0,
           "max_score": 0, "failure_reason": "", "tampered": [], "edited": [], "notes": [], "seconds": 0.0,
           "timeout": opts["timeout"], "tests": [], "log_dir": out}
    try:
        src = entry
        if os.path.isfile(entry):
            src = unpack(entry, os.path.join(out, "unpacked"))
        tree = find_tree(src)
        archives = [n for n in sorted(os.listdir(src)) if n.endswith(ARCHIVES)] if tree is None else []
        if archives:  # a directory holding the student's archive (an upload, say)
            tree = find_tree(unpack(os.path.join(src, archives[0]), os.path.join(out, "unpacked")))
        if tree is None:
            rec.update(status="no labs/", error="no student tree: no labs/ directory in the submission")
            return finish(rec, opts, started)
        rec["commit"] = git_commit(tree)
        rec["tampered"] = tampered_files(tree, opts["root"])
        rec["edited"] = edited_provided(tree, opts["root"], opts["lab"])
        rec["notes"] = prepare_work(tree, work, opts["root"], opts["lab"])
    except (OSError, ValueError, tarfile.TarError, zipfile.BadZipFile, shutil.Error) as e:
        rec.update(status="grader error", error="could not read the submission: %s" % e)
        return finish(rec, opts, started)

    progress = os.path.join(out, "progress.jsonl")
    cmd = [sys.executable, os.path.join(work, "grader", "grade.py"), "--root", work, "--build-root",
           os.path.join(work, "build"), "--lab", str(opts["lab"]), "--out", out, "--quiet", "--progress", progress]
    if opts["hidden"]:
        cmd.append("--hidden")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SQUALL_") or k == "SQUALL_TIMEOUT_SCALE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    timed_out = False
    with open(os.path.join(out, "grade.out"), "w") as log:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        with _active_lock:
            _active.add(proc.pid)
        try:
            proc.wait(timeout=opts["timeout"])
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            kill_session(proc.pid)  # also anything a finished grader left behind
            proc.wait()
            with _active_lock:
                _active.discard(proc.pid)

    collected, results, running = read_progress(progress)
    summary_path = os.path.join(out, "grade.json")
    if not timed_out and os.path.exists(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)
        rec["tests"] = [test_record(t["name"], t["lab"], t["max_points"], t.get("hidden", False), t["outcome"],
                                    t["failure_kind"], t["message"], t["points"], t["seconds"])
                        for t in summary["tests"]]
        if any(t["failure_kind"] == "build failed" for t in rec["tests"]):
            rec["status"] = "build failed"
    else:
        rec["status"] = "timed out" if timed_out else "grader error"
        if not timed_out:
            with open(os.path.join(out, "grade.out")) as f:
                rec["error"] = "the grader stopped with status %s: %s" % (proc.returncode, f.read()[-600:].strip())
        rec["running"] = running if running not in results else None
        for t in collected:
            done = results.get(t["name"])
            if done:
                rec["tests"].append(test_record(t["name"], t["lab"], t["max_points"], t["hidden"], done["outcome"],
                                                done["failure_kind"], done["message"],
                                                t["max_points"] if done["outcome"] == "passed" else 0, done["seconds"]))
            elif timed_out and t["name"] == running:
                rec["tests"].append(test_record(t["name"], t["lab"], t["max_points"], t["hidden"], kind="timed out",
                                                message="still running when the submission's %d s ran out" % opts["timeout"]))
            else:
                rec["tests"].append(test_record(t["name"], t["lab"], t["max_points"], t["hidden"],
                                                kind="not run", message=rec.get("error") or
                                                "not run: the submission's %d s ran out" % opts["timeout"]))
    # Serial logs, then the work directory goes (it holds the student's build).
    logs = os.path.join(work, "build", "lab%02d" % opts["lab"], "logs")
    if os.path.isdir(logs):
        shutil.copytree(logs, os.path.join(out, "logs"), dirs_exist_ok=True)
    if not opts.get("keep_work") and not opts.get("work"):
        shutil.rmtree(work, ignore_errors=True)
    return finish(rec, opts, started)


def finish(rec, opts, started):
    rec["score"] = sum(t["points"] for t in rec["tests"])
    rec["max_score"] = sum(t["max_points"] for t in rec["tests"])
    rec["seconds"] = round(time.monotonic() - started, 1)
    rec["failure_reason"] = failure_reason(rec)
    write_gradescope(os.path.join(rec["log_dir"], "results.json"), rec)
    return rec


def gradescope_note(rec):
    lines = []
    if rec["status"] != "graded":
        lines.append("%s: %s" % (rec["status"], rec["failure_reason"]))
    lines += ["note: " + n for n in rec["notes"]]
    if rec["tampered"]:
        lines.append("note: graded with the course's own grader and Makefile; your copies differ: "
                     + ", ".join(rec["tampered"][:20]))
    return "\n".join(lines)


def write_gradescope(path, rec):
    sys.path.insert(0, HERE)
    from grade import write_gradescope as write
    write(path, rec["tests"], rec["score"], rec["max_score"], gradescope_note(rec))


# ---- the batch ------------------------------------------------------------------------
def fill_missing_tests(records):
    """A submission that produced no test list (stopped early) gets every test, at 0 points."""
    reference = next((r["tests"] for r in records if r["tests"] and r["status"] != "timed out"), None) or \
        next((r["tests"] for r in records if r["tests"]), None)
    if not reference:
        return []
    columns = [(t["name"], t["lab"], t["max_points"], t.get("hidden", False)) for t in reference]
    for r in records:
        have = {t["name"] for t in r["tests"]}
        for name, lab, pts, hidden in columns:
            if name not in have:
                r["tests"].append(test_record(name, lab, pts, hidden, kind="not run",
                                              message=r.get("error") or r["status"]))
        r["max_score"] = sum(t["max_points"] for t in r["tests"])
        r["score"] = sum(t["points"] for t in r["tests"])
    return columns


def write_summaries(out, records, columns, meta):
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(dict(meta, tests=[{"name": c[0], "lab": c[1], "max_points": c[2], "hidden": c[3]} for c in columns],
                       submissions=records), f, indent=2)
    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", "status", "failure_reason", "tampered", "edited", "seconds",
                    "commit"] + ["%s [%s]" % (c[0], c[2]) for c in columns])
        for r in records:
            points = {t["name"]: t["points"] for t in r["tests"]}
            w.writerow([r["student"], r["score"], r["max_score"], r["status"], r["failure_reason"],
                        "; ".join(r["tampered"]), "; ".join(r["edited"]), r["seconds"], r["commit"] or ""]
                       + [points.get(c[0], 0) for c in columns])


def version_stamp(root):
    try:
        return subprocess.run(["git", "-c", "safe.directory=*", "-C", root, "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "nogit"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--submissions", help="directory of submissions (one entry each)")
    ap.add_argument("--single", help="grade this one submission (with --results: Gradescope)")
    ap.add_argument("--results", help="with --single: write the Gradescope results.json here")
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=600, help="seconds per submission (default 600)")
    ap.add_argument("--out", default=None, help="output directory (default ROOT/build/batch-labNN)")
    ap.add_argument("--work", default=None, help="with --single: the work directory (kept)")
    ap.add_argument("--root", default=ROOT, help="the pristine tree (default: this repository)")
    ap.add_argument("--no-hidden", action="store_true", help="leave out grader/hidden")
    ap.add_argument("--keep-work", action="store_true", help="keep each submission's work directory and build")
    args = ap.parse_args(argv)
    root = os.path.abspath(args.root)
    if not lab_dirs(root, args.lab).get(args.lab):
        print("batch: no labs/%02d-* in %s" % (args.lab, root))
        return 2
    out = os.path.abspath(args.out or os.path.join(root, "build", "batch-lab%02d" % args.lab))
    opts = {"root": root, "lab": args.lab, "timeout": args.timeout, "hidden": not args.no_hidden, "out": out,
            "keep_work": args.keep_work}

    if args.single:
        os.makedirs(out, exist_ok=True)
        opts.update(name="submission", work=args.work and os.path.abspath(args.work))
        rec = grade_submission(args.single, opts)
        if args.results:
            os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
            write_gradescope(args.results, rec)
        print("%s: %s/%s points, %s%s" % (rec["student"], rec["score"], rec["max_score"], rec["status"],
                                          " (%s)" % rec["failure_reason"] if rec["failure_reason"] else ""))
        for t in rec["tests"]:
            print("  %-4s %3s/%-3s %s%s" % ("PASS" if t["outcome"] == "passed" else "FAIL", t["points"], t["max_points"],
                                            t["name"], "  [%s]" % t["failure_kind"] if t["failure_kind"] else ""))
        if rec["tampered"]:
            print("  tampered (ignored; pristine grader used): %s" % ", ".join(rec["tampered"]))
        return 0

    if not args.submissions or not os.path.isdir(args.submissions):
        print("batch: SUBMISSIONS=%s is not a directory" % args.submissions)
        return 2
    entries = list_submissions(args.submissions, exclude={out})
    names = [student_name(e) for e in entries]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        print("batch: two submissions would share a name: %s" % ", ".join(sorted(dupes)))
        return 2
    if not entries:
        print("batch: no submissions in %s" % args.submissions)
        return 2
    os.makedirs(out, exist_ok=True)
    print("batch: %d submission(s), stage %02d%s, %d at a time, %d s each; output in %s"
          % (len(entries), args.lab, " with hidden tests" if opts["hidden"] else "", args.jobs, args.timeout, out))
    started = time.monotonic()
    records = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        futures = {pool.submit(grade_submission, e, opts): e for e in entries}
        for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            rec = fut.result()
            records.append(rec)
            print("  [%d/%d] %-24s %3s/%-3s %-12s %s%s" % (
                i, len(entries), rec["student"], rec["score"], rec["max_score"] or "?", rec["status"],
                rec["failure_reason"][:80], "  TAMPERED" if rec["tampered"] else ""), flush=True)
    except KeyboardInterrupt:
        print("batch: interrupted; stopping every grader")
        pool.shutdown(wait=False, cancel_futures=True)
        with _active_lock:
            for sid in list(_active):
                kill_session(sid)
        return 130
    pool.shutdown()
    records.sort(key=lambda r: r["student"])
    columns = fill_missing_tests(records)
    for r in records:
        r["failure_reason"] = failure_reason(r)
        write_gradescope(os.path.join(r["log_dir"], "results.json"), r)
    meta = {"lab": args.lab, "hidden": opts["hidden"], "pristine": version_stamp(root), "timeout": args.timeout,
            "jobs": args.jobs, "seconds": round(time.monotonic() - started, 1),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write_summaries(out, records, columns, meta)
    print("batch: %d graded in %.0f s" % (len(records), meta["seconds"]))
    print("  %-24s %9s  %-12s %s" % ("student", "score", "status", "tampered"))
    for r in records:
        print("  %-24s %4s/%-4s  %-12s %s" % (r["student"], r["score"], r["max_score"], r["status"],
                                              ", ".join(r["tampered"]) or "-"))
    print("  summary: %s, %s; logs: %s/<student>/" % (os.path.join(out, "summary.csv"),
                                                     os.path.join(out, "summary.json"), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
