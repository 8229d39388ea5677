"""grader/hidden/test_lab01_hidden.py: lab 01 tests that run only in instructor mode.

Never handed out (grader/handout.py leaves grader/hidden/ out of every export), so they
check what the public tests leave to chance. `make grade LAB=01 SOLUTION=1 HIDDEN=1` runs
them; batch grading and the Gradescope bundle always include them.
"""
import secrets

import pytest

from harness.seeded import SplitMix64


def large_machine(seed):
    """A seeded machine bigger than the public tests use: RAM above 4 GiB, 5..8 harts."""
    rng = SplitMix64(seed)
    return 4096 + 64 * (1 + rng.below(32)), 5 + rng.below(4)  # 4160M .. 6144M


@pytest.mark.points(2)
def test_memory_above_4g(boot):
    """RAM larger than 4 GiB: the memory node's size needs both of its cells, and the
    hart count goes past the public tests' 4."""
    mem, smp = large_machine(secrets.randbits(63))
    r = boot(mem="%dM" % mem, smp=smp)
    m = r.one("mem", r"base=([0-9a-f]+) size=([0-9a-f]+)")
    base, size = int(m.group(1), 16), int(m.group(2), 16)
    if (base, size) != (0x80000000, mem << 20):
        r.fail("memory reported base=0x%x size=0x%x; QEMU -m %dM gives base=0x80000000 size=0x%x "
               "(a size above 4 GiB needs both cells of reg)" % (base, size, mem, mem << 20))
    h = r.one("boot", r"hart=(\d+) harts=(\d+)")
    if int(h.group(2)) != smp:
        r.fail("harts=%s reported, QEMU was started with -smp %d" % (h.group(2), smp))
    r.expect_exit(0)
