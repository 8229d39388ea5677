"""grader/meta/test_docs_and_env.py: `make check-env`, and the instructor docs and file headers.

check-env must list every tool here and, when one is missing or too old, say the fix. The
README's Instructors section must document every instructor target, and every file of
the instructor tooling must open with a comment saying what it is.
"""
import glob
import os
import re
import stat

from squall_meta import ROOT, make

TOOLING = ["grader/handout.py", "grader/batch.py", "grader/gradescope/bundle.py", "grader/gradescope/setup.sh",
           "grader/gradescope/run_autograder", "mk/instructor.mk", "grader/meta/squall_meta.py"]


def test_check_env_reports_every_tool():
    r = make("check-env")
    assert r.returncode == 0, r.stdout + r.stderr
    for tool in ("riscv64 g++", "qemu", "opensbi", "gdb-multiarch", "host g++", "python (pytest)", "all tools present"):
        assert tool in r.stdout, "check-env does not report %r:\n%s" % (tool, r.stdout)


def test_check_env_says_the_fix_for_missing_firmware():
    r = make("check-env", env={"OPENSBI": "/nonexistent/fw_jump.bin"})
    assert r.returncode != 0
    assert "missing OpenSBI firmware" in r.stderr and "apt-get install opensbi" in r.stderr, r.stderr


def test_check_env_rejects_old_qemu(tmp_path):
    fake = tmp_path / "qemu-system-riscv64"
    fake.write_text("#!/bin/sh\necho 'QEMU emulator version 6.2.0'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    r = make("check-env", env={"PATH": "%s:%s" % (tmp_path, os.environ["PATH"])})
    assert r.returncode != 0 and "7.2 or newer" in r.stderr, r.stdout + r.stderr


def instructors_section():
    text = open(os.path.join(ROOT, "README.md")).read()
    m = re.search(r"^## Instructors\n(.*?)(?=^## )", text, re.M | re.S)
    assert m, "README.md has no '## Instructors' section"
    return m.group(1)


def test_readme_documents_instructor_targets():
    section = instructors_section()
    for needle in ("make handout", "make batch SUBMISSIONS=", "make gradescope", "HIDDEN=1", "make check-env",
                   "summary.csv", "results.json", "grade.xml"):
        assert needle in section, "the README's Instructors section does not mention %r" % needle
    mk = open(os.path.join(ROOT, "mk", "instructor.mk")).read()
    for target in ("handout", "batch", "gradescope"):
        assert re.search(r"^%s:" % target, mk, re.M), "mk/instructor.mk has no %s target" % target


def test_tooling_files_say_what_they_are():
    files = TOOLING + sorted(os.path.relpath(p, ROOT) for pattern in ("grader/meta/*.py", "grader/hidden/*.py")
                             for p in glob.glob(os.path.join(ROOT, pattern)))
    for rel in files:
        lines = open(os.path.join(ROOT, rel)).read(2000).splitlines()
        first = lines[1] if lines[0].startswith("#!") else lines[0]
        assert rel in first, "%s does not open with a comment naming it: %r" % (rel, first)
