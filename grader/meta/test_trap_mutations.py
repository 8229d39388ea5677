"""grader/meta/test_trap_mutations.py: lab 02's tests catch the classic trap-entry bugs.

Each case copies the project, plants one bug in the reference trap entry
(solutions/02-trap/kernel/*.inc), and runs the lab 02 tests named for it: they must fail.
"""
import subprocess
import sys

import pytest

from test_format_mutations import copy_project

MUTATIONS = {
    # The bug an earlier Rust kernel had: a non-ecall trap with a7 == 0 left scause - 8 in a7.
    "a7 not restored before the full path": (
        "kernel/trap_fast.inc", "2:  li      a7, 0", "2:", "full_path_preserves"),
    "one register not restored": (
        "kernel/trap_frame.inc", "    ld      x20, TF_REG(20)(sp)\n", "", "full_path_preserves"),
    "fast path clobbers s1": (
        "kernel/trap_fast.inc", "    call    fast_syscall", "    li      s1, 0\n    call    fast_syscall",
        "fast_path_preserves"),
    "fast path saves into the trap frame": (
        "kernel/trap_fast.inc", "    call    fast_syscall", "    sd      a0, 80(sp)\n    call    fast_syscall",
        "no_trap_frame"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_trap_mutation_is_caught(mutation, tmp_path):
    copy_project(str(tmp_path))
    rel, old, new, tests = MUTATIONS[mutation]
    path = tmp_path / "solutions" / "02-trap" / rel
    text = path.read_text()
    assert old in text, "mutation %r no longer applies to %s" % (mutation, rel)
    path.write_text(text.replace(old, new, 1))
    r = subprocess.run([sys.executable, str(tmp_path / "grader" / "grade.py"), "--root", str(tmp_path), "--lab", "2",
                        "--solved", "2", "--only-lab", "2", "-k", tests, "--quiet"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode != 0, "lab 02's %s test passed a trap entry with '%s':\n%s" % (tests, mutation, r.stdout[-2000:])
