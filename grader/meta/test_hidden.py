"""grader/meta/test_hidden.py: hidden tests run in instructor mode only, and can fail.

Every test in grader/hidden/test_labNN_*.py must be invisible to a plain grade, run with
`--hidden` (`make grade HIDDEN=1`), fail on lab NN's starter and pass on its solution.
"""
import os
import subprocess

import pytest

from squall_meta import PYTHON, ROOT, hidden_test_names, make

HIDDEN = hidden_test_names()


def grade(tmp_path, lab, solved, names, hidden):
    cmd = [PYTHON, os.path.join(ROOT, "grader", "grade.py"), "--lab", str(lab), "--solved", str(solved),
           "--only-lab", str(lab), "--build-root", str(tmp_path / "build"), "--out", str(tmp_path / "out"),
           "-k", " or ".join(names), "--quiet"]
    return subprocess.run(cmd + (["--hidden"] if hidden else []), capture_output=True, text=True, timeout=900)


def test_there_are_hidden_tests():
    assert HIDDEN.get(1), "lab 01 has no hidden test (grader/hidden/test_lab01_*.py)"


@pytest.mark.parametrize("lab", sorted(HIDDEN), ids=lambda n: "lab%02d" % n)
def test_hidden_tests_fail_on_starter_and_pass_on_solution(lab, tmp_path):
    names = HIDDEN[lab]
    plain = grade(tmp_path / "plain", lab, lab, names, hidden=False)
    assert plain.returncode == 5 and "no test matched" in plain.stdout, plain.stdout[-2000:]
    solved = grade(tmp_path / "solution", lab, lab, names, hidden=True)
    assert solved.returncode == 0, "hidden tests fail on the lab %02d solution:\n%s" % (lab, solved.stdout[-3000:])
    starter = grade(tmp_path / "starter", lab, lab - 1, names, hidden=True)
    assert starter.returncode == 1, "hidden tests pass on the lab %02d starter:\n%s" % (lab, starter.stdout[-3000:])
    assert starter.stdout.count("FAILED") + starter.stdout.count("F") >= len(names)


def test_make_grade_hidden_flag():
    name = HIDDEN[1][0]
    r = make("grade", "LAB=01", "SOLUTION=1", "HIDDEN=1", "T=%s" % name)
    assert r.returncode == 0 and name in r.stdout, r.stdout[-3000:]
    r = make("grade", "LAB=01", "SOLUTION=1", "T=%s" % name)
    assert r.returncode != 0 and name not in r.stdout and "no test matched" in r.stdout, r.stdout[-3000:]
