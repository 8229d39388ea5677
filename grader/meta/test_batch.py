"""grader/meta/test_batch.py: `make batch` over a generated class of submissions.

Seven students: the reference (a git checkout), the reference again as a .tar.gz of a
whole handout, the bare starter (labs/ only), a broken lab (syntax error: build failed),
a kernel that hangs in kmain (the per-submission time limit stops it), a kernel that
hangs only in the panic test (the grader's own QEMU timeout costs just that test) and a
student who edited the tests and the Makefile to pass (the pristine grader ignores it,
and the batch flags it). The batch must give each its expected score, write the CSV,
the JSON summary and each submission's logs, leave no QEMU behind and finish in bounded
time. Lab 01 is the stage graded: these edits are specific to it.
"""
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

import pytest

from squall_meta import PYTHON, ROOT, copy_labs, gradescope_problems, junit_cases, make

TIMEOUT = 30          # per submission
SCALE = "0.3"         # SQUALL_TIMEOUT_SCALE: a hanging boot fails after 9 s, not 30
BOUND = 100           # the whole batch, seconds (7 submissions, 2 at a time)
BOOT_DIR = "labs/01-boot"


def edit(path, old, new):
    text = open(path).read()
    assert old in text, "%s no longer holds %r" % (path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def handout_tree(dst):
    """A whole student handout of lab 01 (grader, Makefile, tools, labs)."""
    subprocess.run([PYTHON, os.path.join(ROOT, "grader", "handout.py"), "--lab", "1", "--no-verify", "--out",
                    dst], check=True, capture_output=True, timeout=300)
    return os.path.join(dst, "squall-lab01")


def solve(tree):
    for sol in glob.glob(os.path.join(ROOT, "solutions", "01-*")):
        shutil.copytree(sol, os.path.join(tree, BOOT_DIR), dirs_exist_ok=True)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    subs = base / "submissions"
    subs.mkdir()
    handout = handout_tree(str(base / "handout"))
    git = ["git", "-c", "user.name=student", "-c", "user.email=student@example.com"]

    ref = str(subs / "alice_reference")
    copy_labs(ref, solved_upto=1, labs=[1])
    subprocess.run(git + ["init", "-q", ref], check=True)
    subprocess.run(git + ["-C", ref, "add", "-A"], check=True)
    subprocess.run(git + ["-C", ref, "commit", "-qm", "lab 01"], check=True)

    archived = str(base / "bob_archive")
    shutil.copytree(handout, archived)
    solve(archived)
    with tarfile.open(str(subs / "bob_archive.tar.gz"), "w:gz") as tar:
        tar.add(archived, arcname="squall-lab01")

    copy_labs(str(subs / "carol_starter"), solved_upto=0, labs=[1])

    broken = str(subs / "dave_broken")
    shutil.copytree(handout, broken)
    solve(broken)
    with open(os.path.join(broken, BOOT_DIR, "lib", "format_int.cc"), "a") as f:
        f.write("\nint unfinished( {\n")

    hang = str(subs / "erin_hangs")
    copy_labs(hang, solved_upto=1, labs=[1])
    edit(os.path.join(hang, BOOT_DIR, "kernel", "main.cc"), "  kprintf(\"\\nSquall stage",
         "  for (;;) asm volatile(\"wfi\");\n  kprintf(\"\\nSquall stage")

    slow = str(subs / "frank_hangs_in_panic")
    copy_labs(slow, solved_upto=1, labs=[1])
    edit(os.path.join(slow, BOOT_DIR, "kernel", "main.cc"), "  bool ok = run_selected_test();",
         "  if (bootargs_get(\"test\") && strcmp(bootargs_get(\"test\"), \"panic\") == 0) for (;;) asm volatile(\"wfi\");\n"
         "  bool ok = run_selected_test();")

    tampered = str(subs / "mallory_tampered")
    shutil.copytree(handout, tampered)
    test_file = os.path.join(tampered, "grader", "test_lab01_boot.py")
    text = re.sub(r"^def test_", "def _real_test_", open(test_file).read(), flags=re.M)
    with open(test_file, "w") as f:
        f.write(text + "\n\n@pytest.mark.points(24)\ndef test_everything():\n    pass\n")
    with open(os.path.join(tampered, "Makefile"), "a") as f:
        f.write("\ngrade:\n\t@echo 24/24\n")

    out = base / "out"
    started = time.monotonic()
    r = make("batch", "SUBMISSIONS=%s" % subs, "LAB=01", "J=2", "TIMEOUT=%d" % TIMEOUT, "OUT=%s" % out,
             env={"SQUALL_TIMEOUT_SCALE": SCALE}, timeout=600)
    elapsed = time.monotonic() - started
    assert r.returncode == 0, "make batch failed:\n%s" % (r.stdout + r.stderr)[-4000:]
    summary = json.load(open(out / "summary.json"))
    by_student = {s["student"]: s for s in summary["submissions"]}
    return {"out": out, "base": base, "summary": summary, "students": by_student, "elapsed": elapsed,
            "stdout": r.stdout}


def points(rec):
    return {t["name"]: t["points"] for t in rec["tests"]}


def test_every_submission_graded(batch):
    assert sorted(batch["students"]) == ["alice_reference", "bob_archive", "carol_starter", "dave_broken",
                                         "erin_hangs", "frank_hangs_in_panic", "mallory_tampered"]
    maxima = {s["max_score"] for s in batch["students"].values()}
    assert len(maxima) == 1 and maxima.pop() == sum(t["max_points"] for t in batch["summary"]["tests"])


def test_reference_gets_full_marks(batch):
    for name in ("alice_reference", "bob_archive"):
        rec = batch["students"][name]
        assert rec["status"] == "graded" and rec["score"] == rec["max_score"] > 0, rec["failure_reason"]
        assert not rec["tampered"] and not rec["edited"], (rec["tampered"], rec["edited"])
    assert re.fullmatch(r"[0-9a-f]{40}", batch["students"]["alice_reference"]["commit"] or "")
    hidden = [t for t in batch["students"]["alice_reference"]["tests"] if t["hidden"]]
    assert hidden, "instructor mode: batch grading runs the hidden tests"


def test_starter_gets_only_provided_points(batch):
    rec = batch["students"]["carol_starter"]
    starter = json.load(open(os.path.join(rec["log_dir"], "grade.json")))
    provided = {t["name"] for t in starter["tests"] if t["provided"]}
    assert {t["name"] for t in rec["tests"] if t["outcome"] == "passed"} == provided
    assert rec["score"] == sum(t["max_points"] for t in rec["tests"] if t["name"] in provided) < rec["max_score"]


def test_broken_lab_is_build_failed(batch):
    rec = batch["students"]["dave_broken"]
    assert rec["status"] == "build failed" and rec["score"] == 0
    assert all(t["failure_kind"] == "build failed" for t in rec["tests"])
    assert "format_int.cc" in rec["failure_reason"], rec["failure_reason"]


def test_hang_costs_that_submission_only(batch):
    rec = batch["students"]["erin_hangs"]
    assert rec["status"] == "timed out" and rec["score"] == 0, rec
    assert rec["seconds"] < TIMEOUT + 15
    assert "modified labs/01-boot/kernel/main.cc" in rec["edited"]
    assert batch["elapsed"] < BOUND, "the batch took %.0f s" % batch["elapsed"]
    left = []
    for stat in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            cmd = open(stat, "rb").read().decode(errors="replace")
        except OSError:
            continue
        if "qemu-system" in cmd and str(batch["base"]) in cmd:
            left.append(cmd.replace("\0", " ")[:200])
    assert not left, "QEMU left running after the batch: %s" % left


def test_hang_in_one_test_costs_that_test(batch):
    rec = batch["students"]["frank_hangs_in_panic"]
    failed = {t["name"]: t for t in rec["tests"] if t["outcome"] != "passed"}
    assert list(failed) == ["test_panic_backtrace"], rec["failure_reason"]
    assert failed["test_panic_backtrace"]["failure_kind"] == "QEMU failed or crashed"
    assert rec["score"] == rec["max_score"] - failed["test_panic_backtrace"]["max_points"]


def test_tampering_is_flagged_and_ignored(batch):
    rec = batch["students"]["mallory_tampered"]
    assert "modified grader/test_lab01_boot.py" in rec["tampered"] and "modified Makefile" in rec["tampered"]
    assert "test_everything" not in points(rec), "the student's own test file was run"
    assert rec["score"] == batch["students"]["carol_starter"]["score"]
    untouched = [n for n, s in batch["students"].items() if s["tampered"] and n != "mallory_tampered"]
    assert not untouched, "flagged without cause: %s" % untouched


def test_csv_and_json_agree(batch):
    with open(batch["out"] / "summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(batch["students"])
    tests = batch["summary"]["tests"]
    for row in rows:
        rec = batch["students"][row["student"]]
        assert int(row["score"]) == rec["score"] and int(row["max_score"]) == rec["max_score"]
        assert row["status"] == rec["status"] and row["failure_reason"] == rec["failure_reason"]
        assert sum(int(row["%s [%s]" % (t["name"], t["max_points"])]) for t in tests) == rec["score"]
        assert bool(row["tampered"]) == bool(rec["tampered"])


def test_logs_and_platform_files_per_submission(batch):
    for name, rec in batch["students"].items():
        d = rec["log_dir"]
        assert os.path.exists(os.path.join(d, "grade.out")), name
        results = json.load(open(os.path.join(d, "results.json")))
        assert not gradescope_problems(results), (name, gradescope_problems(results))
        assert results["score"] == rec["score"]
        assert not os.path.exists(os.path.join(d, "work")), "%s: work directory left behind" % name
    ref = batch["students"]["alice_reference"]
    assert glob.glob(os.path.join(ref["log_dir"], "logs", "*.log")), "no serial logs kept"
    cases = junit_cases(os.path.join(ref["log_dir"], "grade.xml"))
    assert len(cases) == len(ref["tests"]) and not any(failed for _, failed in cases)
    note = json.load(open(os.path.join(batch["students"]["mallory_tampered"]["log_dir"], "results.json")))["output"]
    assert "test_lab01_boot.py" in note
