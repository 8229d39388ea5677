"""grader/meta/test_each_hole.py: every single hole is caught by its lab's tests.

selfcheck opens all of a lab's holes at once. Here each hole is opened alone: the
project is copied, ONE file of solutions/NN-*/ is removed (so the starter's version of
that file is used and every other hole stays solved), and lab NN's own tests are run:
at least one must fail. A hole whose starter passes the grade would be a free point.
"""
import glob
import os
import subprocess
import sys

import pytest

from test_format_mutations import copy_project

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def hole_files():
    cases = []
    for lab_dir in sorted(glob.glob(os.path.join(ROOT, "solutions", "[0-9][0-9]-*"))):
        lab = int(os.path.basename(lab_dir)[:2])
        for dirpath, _, files in os.walk(lab_dir):
            for name in sorted(files):
                rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
                cases.append(pytest.param(lab, rel, id=rel))
    return cases


@pytest.mark.parametrize("lab,solution_file", hole_files())
def test_hole_alone_fails_its_lab(lab, solution_file, tmp_path):
    copy_project(str(tmp_path))
    os.remove(tmp_path / solution_file)
    r = subprocess.run([sys.executable, str(tmp_path / "grader" / "grade.py"), "--root", str(tmp_path),
                        "--lab", str(lab), "--solved", str(lab), "--only-lab", str(lab), "--quiet"],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode != 0, ("with only %s left as the starter has it, every lab %02d test passed:\n%s"
                               % (solution_file, lab, r.stdout[-2000:]))
