"""grader/meta/test_handout.py: `make handout` exports a complete, leak-free student tree.

The export (made once, through the make target) must hold no instructor-only path, no file
equal to a solution or hidden test, nothing naming a hidden test; its tarball must match
its directory; every lab's starter must build, boot and fail its lab's graded tests in it;
and a student's `make grade` there must run without a word about hidden tests. The leak
check itself must catch a planted leak.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

from squall_meta import (INSTRUCTOR_ONLY, PYTHON, ROOT, digests, files_of, hidden_test_names, labs_present, make,
                         secret_digests)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    r = make("handout", "OUT=%s" % out, "J=2", timeout=1800)
    assert r.returncode == 0, "make handout failed:\n%s" % (r.stdout + r.stderr)[-4000:]
    highest = labs_present()[-1]
    tree = out / ("squall-lab%02d" % highest)
    tarballs = sorted(out.glob("squall-lab%02d-*.tar.gz" % highest))
    assert tree.is_dir() and len(tarballs) == 1, "expected %s and one tarball in %s" % (tree, os.listdir(out))
    report = json.loads((out / ("squall-lab%02d-verify.json" % highest)).read_text())
    return {"out": out, "tree": str(tree), "tarball": str(tarballs[0]), "report": report, "stdout": r.stdout}


def test_no_instructor_only_path(export):
    for rel in files_of(export["tree"]):
        assert not rel.startswith(INSTRUCTOR_ONLY), "instructor-only file exported: %s" % rel
    assert not os.path.exists(os.path.join(export["tree"], "solutions"))


def test_tarball_matches_directory(export):
    with tarfile.open(export["tarball"]) as tar:
        members = sorted(m.name.split("/", 1)[1] for m in tar.getmembers() if m.isfile())
        top = {m.name.split("/", 1)[0] for m in tar.getmembers()}
    assert top == {os.path.basename(export["tree"])}
    assert members == files_of(export["tree"])


def test_no_solution_or_hidden_content(export):
    secret = secret_digests()
    hidden = [n for names in hidden_test_names().values() for n in names]
    with tarfile.open(export["tarball"]) as tar:
        for m in tar.getmembers():
            if not m.isfile():
                continue
            data = tar.extractfile(m).read()
            same = digests(data) & set(secret)
            assert not same, "%s has the content of %s" % (m.name, secret[same.pop()])
            text = data.decode("utf-8", "replace")
            named = [n for n in hidden if n in text]
            assert not named, "%s names hidden test(s) %s" % (m.name, named)


def test_holes_stay_open(export):
    """Every file that has a solution is exported as its starter, TODO(labNN) and all."""
    for sol in sorted(os.listdir(os.path.join(ROOT, "solutions"))):
        lab = int(sol[:2])
        for rel in files_of(os.path.join(ROOT, "solutions", sol)):
            starter = os.path.join(export["tree"], "labs", sol, rel)
            assert os.path.exists(starter), "hole file %s missing from the handout" % starter
            text = open(starter).read()
            assert "TODO(lab%02d)" % lab in text, "%s lost its TODO(lab%02d) hole" % (starter, lab)


def test_complete_and_stamped(export):
    tree = export["tree"]
    for n in labs_present():
        assert [d for d in os.listdir(os.path.join(tree, "labs")) if d.startswith("%02d-" % n)], "lab %02d missing" % n
    public = sorted(f for f in os.listdir(os.path.join(ROOT, "grader")) if re.match(r"test_lab\d\d.*\.py$", f))
    assert public and all(os.path.exists(os.path.join(tree, "grader", f)) for f in public)
    for rel in ("Makefile", "README.md", "grader/grade.py", "grader/conftest.py", "grader/harness/stage.py",
                "tools/check_env.sh", "tools/run_qemu.py"):
        assert os.path.exists(os.path.join(tree, rel)), "%s missing from the handout" % rel
    stamp = open(os.path.join(tree, "VERSION")).read()
    version = re.search(r"^version: (\S+)$", stamp, re.M)
    assert version and re.search(r"^exported: \d{4}-\d\d-\d\dT", stamp, re.M), stamp
    assert version.group(1) in os.path.basename(export["tarball"])


def test_every_starter_builds_boots_and_fails(export):
    report = export["report"]
    assert report["ok"], "handout verification found problems: %s" % report["problems"]
    verified = {r["lab"]: r for r in report["labs_verified"]}
    assert sorted(verified) == labs_present()
    for n, r in verified.items():
        assert r["build"] and r["boot"] and r["grade"], r
        assert r["graded"] > 0 and r["graded_failing"] == r["graded"], r


def test_student_grade_in_handout_is_public_only(export, tmp_path):
    """`make grade` in the handout (HIDDEN=1 too: the handout has no instructor mode)."""
    tree = str(tmp_path / "student")
    shutil.copytree(export["tree"], tree)
    lab = labs_present()[-1]
    # A student on the last lab: the earlier labs done (the reference solutions laid over
    # the handout), this one's holes still open. Its hanging boots are cut short: only
    # the summary matters here.
    for n in range(1, lab):
        for sol in glob.glob(os.path.join(ROOT, "solutions", "%02d-*" % n)):
            shutil.copytree(sol, os.path.join(tree, "labs", os.path.basename(sol)), dirs_exist_ok=True)
    r = make("grade", "LAB=%02d" % lab, "HIDDEN=1", cwd=tree, timeout=1800, env={"SQUALL_TIMEOUT_SCALE": "0.3"})
    out = (r.stdout + r.stderr).replace(tree, "<handout>")
    assert r.returncode != 0, "make grade on the starters should run and fail:\n%s" % out[-3000:]
    assert "hidden" not in out.lower(), out[-3000:]
    summary = json.load(open(os.path.join(tree, "build", "lab%02d" % lab, "grade.json")))
    names = {t["name"] for t in summary["tests"]}
    assert not names & {n for v in hidden_test_names().values() for n in v}
    assert not [t for t in summary["tests"] if t["failure_kind"] == "build failed"]
    help_text = subprocess.run([PYTHON, os.path.join(tree, "grader", "grade.py"), "--help"],
                               capture_output=True, text=True).stdout
    assert "hidden" not in help_text.lower()


def test_lab_selection():
    sys.path.insert(0, os.path.join(ROOT, "grader"))
    import handout
    files = ["labs/01-boot/kernel/main.cc", "labs/02-trap/kernel/trap.cc", "grader/test_lab01_boot.py",
             "grader/test_lab02_trap.py", "grader/hidden/test_lab01_hidden.py", "solutions/01-boot/lib/x.cc",
             "Makefile", "mk/instructor.mk", "grader/meta/test_x.py", ".ci/run", "build/lab01/kernel.elf"]
    exported, left_out = handout.select(files, 1)
    assert exported == ["labs/01-boot/kernel/main.cc", "grader/test_lab01_boot.py", "Makefile"]
    exported, _ = handout.select(files, 2)
    assert "labs/02-trap/kernel/trap.cc" in exported and "grader/test_lab02_trap.py" in exported


def test_lab_selection_export(tmp_path):
    r = subprocess.run([PYTHON, os.path.join(ROOT, "grader", "handout.py"), "--lab", "1", "--no-verify",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    tree = tmp_path / "squall-lab01"
    assert [d.name for d in (tree / "labs").iterdir()] == [d for d in os.listdir(os.path.join(ROOT, "labs"))
                                                          if d.startswith("01-")]
    assert not [f for f in os.listdir(tree / "grader") if re.match(r"test_lab(?!01)\d\d", f)]


def test_leak_check_catches_leaks(export, tmp_path):
    """Plant a solution under another name and a hidden test: the check must name both."""
    sys.path.insert(0, os.path.join(ROOT, "grader"))
    import handout
    tree = tmp_path / "leaky"
    shutil.copytree(export["tree"], tree)
    sol = sorted(files_of(os.path.join(ROOT, "solutions")))[0]
    shutil.copy(os.path.join(ROOT, "solutions", sol), tree / "labs" / "copied_solution.cc")
    hidden = sorted(files_of(os.path.join(ROOT, "grader", "hidden")))[0]
    (tree / "grader" / "test_lab01_extra.py").write_text(
        open(os.path.join(ROOT, "grader", "hidden", hidden)).read() + "\n# reformatted\n")
    (tree / "solutions").mkdir()
    (tree / "solutions" / "note.txt").write_text("x")
    leaks = dict(handout.find_leaks(str(tree), ROOT))
    assert "labs/copied_solution.cc" in leaks
    assert "grader/test_lab01_extra.py" in leaks
    assert "solutions/note.txt" in leaks
