"""grader/meta/test_course_platforms.py: Gradescope and JUnit outputs, and the autograder zip.

Every grade writes results.json (Gradescope's documented fields: top-level score,
execution_time, output, tests; per test name, score, max_score, status, output) and
grade.xml (JUnit, as GitHub Classroom and CI read it). `make gradescope` builds a zip with
setup.sh and run_autograder at its top level and no solution in it; run locally against a
fake /autograder it grades a submission into a valid results.json.
"""
import glob
import json
import os
import shutil
import stat
import subprocess
import tarfile
import zipfile

import pytest

from squall_meta import (INSTRUCTOR_ONLY, PYTHON, ROOT, copy_labs, digests, gradescope_problems, junit_cases,
                         labs_present, make, secret_digests)


@pytest.mark.parametrize("solved", ["solution", "starter"])
def test_grade_results_validate(solved, tmp_path):
    lab = 1
    r = subprocess.run([PYTHON, os.path.join(ROOT, "grader", "grade.py"), "--lab", str(lab), "--solved",
                        str(lab if solved == "solution" else 0), "--hidden", "--build-root", str(tmp_path / "build"),
                        "--out", str(tmp_path), "--quiet"], capture_output=True, text=True, timeout=900)
    assert r.returncode in (0, 1), r.stdout[-3000:]
    summary = json.load(open(tmp_path / "grade.json"))
    results = json.load(open(tmp_path / "results.json"))
    assert not gradescope_problems(results), gradescope_problems(results)
    assert results["score"] == summary["score"] and len(results["tests"]) == len(summary["tests"])
    hidden = {t["name"] for t in summary["tests"] if t["hidden"]}
    assert hidden and all(t.get("visibility") == "after_published" for t in results["tests"] if t["name"] in hidden)
    cases = junit_cases(str(tmp_path / "grade.xml"))
    assert sorted(n for n, _ in cases) == sorted(t["name"] for t in summary["tests"])
    failed = {n for n, f in cases if f}
    assert failed == {t["name"] for t in summary["tests"] if t["outcome"] == "failed"}
    if solved == "solution":
        assert not failed and results["score"] == summary["max_score"]
    else:
        assert failed and all(t["output"] for t in results["tests"] if t["status"] == "failed")


def test_validator_rejects_bad_results():
    good = {"score": 2, "tests": [{"name": "a", "score": 2, "max_score": 2, "status": "passed", "output": ""}]}
    assert not gradescope_problems(good)
    for broken in ({"tests": "x"}, {"score": 1, "tests": [{"name": "a", "score": 2, "max_score": 2}]},
                   {"score": 3, "tests": good["tests"]}, dict(good, scroe=2)):
        assert gradescope_problems(broken)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradescope")
    lab = labs_present()[-1]
    r = make("gradescope", "LAB=%02d" % lab, "OUT=%s" % out)
    assert r.returncode == 0, r.stdout + r.stderr
    zips = glob.glob(str(out / ("squall-gradescope-lab%02d-*.zip" % lab)))
    assert len(zips) == 1, os.listdir(out)
    source = out / "autograder" / "source"
    with zipfile.ZipFile(zips[0]) as z:
        z.extractall(source)
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
    for name, mode in modes.items():  # as unzip does (zipfile does not)
        os.chmod(source / name, mode & 0o777)
    return {"zip": zips[0], "modes": modes, "autograder": out / "autograder", "lab": lab}


def test_bundle_layout(bundle):
    modes = bundle["modes"]
    for name in ("setup.sh", "run_autograder"):
        assert name in modes, "%s not at the top of the zip" % name
        assert modes[name] & stat.S_IXUSR, "%s is not executable in the zip" % name
    setup = open(bundle["autograder"] / "source" / "setup.sh").read()
    assert "install_deps.sh" in setup and "check_env.sh" in setup
    install = open(os.path.join(ROOT, "tools", "install_deps.sh")).read()
    for package in ("gcc-riscv64-unknown-elf", "qemu-system-misc", "opensbi", "python3-pytest"):
        assert package in install
    names = set(modes)
    assert "squall/grader/batch.py" in names and "squall/Makefile" in names
    assert [n for n in names if n.startswith("squall/grader/hidden/test_lab")], "hidden tests missing"
    for name in names:
        rel = name[len("squall/"):]
        assert not rel.startswith(tuple(p for p in INSTRUCTOR_ONLY if p not in ("grader/hidden/", "grader/batch.py"))), name
    secret = {d: p for d, p in secret_digests().items() if p.startswith("solutions")}
    with zipfile.ZipFile(bundle["zip"]) as z:
        for name in names:
            same = digests(z.read(name)) & set(secret)
            assert not same, "%s holds %s" % (name, secret[same.pop()])


def run_autograder(bundle, submission_setup, env=None):
    a = bundle["autograder"]
    for d in ("submission", "results", "squall-work"):
        shutil.rmtree(a / d, ignore_errors=True)
    (a / "submission").mkdir()
    submission_setup(str(a / "submission"))
    r = subprocess.run([str(a / "source" / "run_autograder")], capture_output=True, text=True, timeout=900,
                       env=dict(os.environ, AUTOGRADER_ROOT=str(a), **(env or {})))
    assert r.returncode == 0, r.stdout + r.stderr
    results = json.load(open(a / "results" / "results.json"))
    assert not gradescope_problems(results), gradescope_problems(results)
    return results, r.stdout


def test_autograder_grades_reference(bundle):
    results, out = run_autograder(bundle, lambda d: copy_labs(d, solved_upto=bundle["lab"]))
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0, out
    assert any(t.get("visibility") == "after_published" for t in results["tests"]), "no hidden test ran"


def test_autograder_grades_uploaded_archive(bundle, tmp_path):
    # A student on the last lab, its holes still open: the earlier labs pass, this one
    # fails (its hanging boots cut short: only the scoring matters here).
    def upload(d):
        copy_labs(str(tmp_path / "tree"), solved_upto=bundle["lab"] - 1)
        with tarfile.open(os.path.join(d, "lab.tar.gz"), "w:gz") as tar:
            tar.add(str(tmp_path / "tree"), arcname="mywork")
    results, out = run_autograder(bundle, upload, env={"SQUALL_TIMEOUT_SCALE": "0.3"})
    assert 0 < results["score"] < sum(t["max_score"] for t in results["tests"]), out
    assert len(results["tests"]) > 1


def test_autograder_empty_submission(bundle):
    results, out = run_autograder(bundle, lambda d: open(os.path.join(d, "notes.txt"), "w").write("hi"))
    assert results["score"] == 0 and "labs/" in results["output"], results
