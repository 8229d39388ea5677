"""grader/test_lab01_boot.py: lab 01 (boot) tests.

Every expected value is computed here from the seed the grader passes in bootargs, and
every checked line carries this run's nonce, so no fixed output can pass.
"""
import os
import re
import subprocess

import pytest

from harness import qemu
from harness.seeded import SplitMix64, s32, s64
from harness.stage import TestFailed, QemuFailed, scaled


# ---- format ------------------------------------------------------------------------
def expected_format_lines(seed):
    """Python's %-formatting of the values tests_lab01.cc formats, in the same order."""
    rng = SplitMix64(seed)
    lines = []
    for i in range(48):
        r = rng.next()
        kind = rng.below(16)
        edge = rng.below(4)
        if i % 4 == 3:
            r = [0, (1 << 64) - 1, 1 << 63, r & 0xFF][edge]
        r32 = r & 0xFFFFFFFF
        w = rng.below(20)
        if kind == 0: out = "%d" % s32(r32)
        elif kind == 1: out = "%d" % r32
        elif kind == 2: out = "%x" % r32
        elif kind == 3: out = "%d" % s64(r)
        elif kind == 4: out = "%d" % r
        elif kind == 5: out = "%x" % r
        elif kind == 6: out = "%0*d" % (w, s64(r))
        elif kind == 7: out = "%*d" % (w, s64(r))
        elif kind == 8: out = "%0*x" % (w, r)
        elif kind == 9: out = "%*d" % (w, r)
        elif kind == 10: out = "0x%016x" % r
        elif kind == 11: out = "%-*d|" % (w, s32(r32))
        elif kind == 12: out = "%0*d" % (w, s32(r32) >> (r32 & 31))
        elif kind == 13: out = chr(ord("a") + r % 26) + chr(ord("A") + (r >> 8) % 26)
        elif kind == 14: out = "%*s" % (w, "sq")
        else: out = "%x:%d" % (r >> 32, -(r >> 40))
        lines.append(out)
    for _ in range(4):
        negative = -(1 + rng.below(1000000))
        w = 9 + rng.below(8)
        lines.append("%0*d|%*d|%-*d|" % (w, negative, w, negative, w, negative))
    return lines


@pytest.mark.points(4)
def test_format_integers(boot):
    """kprintf's %d %u %x %p %c %s with widths and zero padding, on seeded values."""
    r = boot(test="format")
    r.expect_reports("fmt", expected_format_lines(r.seed))
    r.expect_exit(0)


# ---- SBI -----------------------------------------------------------------------------
# What Debian's OpenSBI 1.1 implements (legacy 0x00-0x08 and these extensions).
OPENSBI_EXTENSIONS = {0x10, 0x54494D45, 0x735049, 0x52464E43, 0x48534D, 0x53525354, 0x504D55} | set(range(0, 9))
SBI_CANDIDATES = [0x10, 0x54494D45, 0x735049, 0x52464E43, 0x48534D, 0x53525354,
                  0x504D55, 0x4442434E, 0x53555350, 0x43505043, 0x01, 0x08]


@pytest.mark.points(2)
def test_sbi_probe(boot):
    """The SBI base extension: spec version, implementation id, and seeded extension probes."""
    r = boot(test="sbi")
    m = r.one("sbi", r"spec=([0-9a-f]+) impl=(\d+)")
    if int(m.group(1), 16) >> 24 < 1:
        r.fail("SBI spec version 0x%s: expected 1.0 or later from OpenSBI" % m.group(1))
    if m.group(2) != "1":
        r.fail("SBI implementation id %s: OpenSBI is 1" % m.group(2))
    rng = SplitMix64(r.seed ^ 0x5B1)
    expected = []
    for _ in range(10):
        pick = rng.next()
        ext = SBI_CANDIDATES[(pick >> 1) % len(SBI_CANDIDATES)] if pick & 1 else (0x0A000000 | (pick >> 40))
        expected.append("%x %d" % (ext, 1 if ext in OPENSBI_EXTENSIONS else 0))
    r.expect_reports("probe", expected)


# ---- device tree -------------------------------------------------------------------
def memory_configs(seed):
    rng = SplitMix64(seed)
    small = [64, 96, 128, 160, 192, 256][rng.below(6)]
    large = [320, 384, 448, 512, 768, 1024][rng.below(6)]
    return [(small, 1), (large, 1 + rng.below(4))]


@pytest.mark.points(3)
@pytest.mark.parametrize("slot", [0, 1])
def test_memory_and_harts(boot, slot):
    """RAM base/size and hart count read from the DTB match QEMU's -m and -smp."""
    import secrets
    mem, smp = memory_configs(secrets.randbits(32))[slot]
    r = boot(mem="%dM" % mem, smp=smp)
    m = r.one("mem", r"base=([0-9a-f]+) size=([0-9a-f]+)")
    base, size = int(m.group(1), 16), int(m.group(2), 16)
    if (base, size) != (0x80000000, mem << 20):
        r.fail("memory reported base=0x%x size=0x%x; QEMU -m %dM gives base=0x80000000 size=0x%x"
               % (base, size, mem, mem << 20))
    h = r.one("boot", r"hart=(\d+) harts=(\d+)")
    if int(h.group(2)) != smp:
        r.fail("harts=%s reported, QEMU was started with -smp %d" % (h.group(2), smp))
    r.expect_exit(0)


@pytest.mark.provided
@pytest.mark.points(1)
def test_bootargs_roundtrip(boot):
    """The kernel reads /chosen/bootargs and sees exactly what QEMU -append passed."""
    import secrets
    token = "token=%s" % secrets.token_hex(8)
    r = boot(args=token)
    line = r.reported("bootargs")
    if not line or line[0] != r.bootargs:
        r.fail("bootargs reported %r, expected %r" % (line[0] if line else None, r.bootargs))


# ---- boot order: .bss and constructors ----------------------------------------------
@pytest.mark.points(2)
def test_bss_cleared(boot):
    """.bss is zero when C++ code starts, although the grader filled it with garbage."""
    r = boot(test="boot")
    m = r.one("bss", r"dirty_words=(\d+)")
    if m.group(1) != "0":
        r.fail("%s words of .bss were not zero at kmain: clear_bss() left the garbage the grader loaded there"
               % m.group(1))


@pytest.mark.points(2)
def test_constructors_ran_once(boot):
    """Global constructors (.init_array) ran exactly once, after .bss clearing, before kmain."""
    r = boot(test="boot")
    m = r.one("ctor", r"runs=(\d+) in_order=(\d)")
    if m.group(1) != "1":
        r.fail("the global constructor's counter is %s, expected 1 (it ran %s, or .bss was not cleared first)"
               % (m.group(1), "never" if m.group(1) == "0" else "from a garbage start"))
    if m.group(2) != "1":
        r.fail("the constructor did not run between _start and kmain")


# ---- shutdown and panic ------------------------------------------------------------
@pytest.mark.points(2)
def test_shutdown_status(boot):
    """SBI shutdown: a clean run exits QEMU with 0, a failed run with non-zero."""
    ok = boot()
    ok.forbid(r"^panic:")
    if not ok.reported("boot"):
        ok.fail("no boot report line")
    ok.expect_exit(0)
    bad = boot(args="exit=fail")
    if not bad.reported("boot"):
        bad.fail("no boot report line")
    bad.expect_exit(1)


def symbolize(elf, addresses):
    """Function names for return addresses (addr - 1 lies inside the call instruction)."""
    if not addresses:
        return []
    out = subprocess.run([qemu.CROSS + "addr2line", "-f", "-C", "-e", elf] + ["0x%x" % (a - 1) for a in addresses],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return [re.sub(r"\(.*", "", out[i]).split("::")[-1] for i in range(0, len(out), 2)]


@pytest.mark.points(3)
def test_panic_backtrace(boot, stage):
    """panic() prints its message and a frame-pointer backtrace that addr2line resolves."""
    r = boot(test="panic")
    depth = 2 + r.seed % 5
    if not any(l.startswith("panic: deliberate panic") for l in r.lines):
        r.fail("no 'panic: deliberate panic ...' line")
    frames = [int(m.group(1), 16) for m in (re.match(r"\s+#\d+ 0x([0-9a-f]{16})\s*$", l) for l in r.lines) if m]
    names = symbolize(stage.elf, frames)
    want = ["panic_recurse"] * depth + ["kernel_test_panic", "run_selected_test", "kmain"]
    if names[:len(want)] != want:
        r.fail("backtrace resolves to %s\n  expected it to start with %s (depth %d from the seed)" % (names, want, depth))
    r.expect_exit(1)


# ---- real gdb ----------------------------------------------------------------------
@pytest.mark.points(2)
def test_gdb_breaks_at_kmain(stage, tmp_path):
    """gdb-multiarch stops at kmain: a0 holds the hart id, a1 the DTB, .bss is already clear."""
    import secrets
    stage.build()
    seed = secrets.randbits(32)
    fill = qemu.make_bss_fill(stage.build_dir, seed, str(tmp_path / "bss.fill"))
    for attempt in range(3):
        port = qemu.free_tcp_port()
        cmd = qemu.qemu_command(stage.build_dir, bootargs="seed=0x%x nonce=gdb" % seed, gdb_port=port, bss_fill=fill)
        proc = qemu.start(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            gdb = subprocess.run(
                ["gdb-multiarch", "-nx", "-batch", "-ex", "set architecture riscv:rv64", "-ex", "file " + stage.elf,
                 "-ex", "target remote 127.0.0.1:%d" % port, "-ex", "break kmain", "-ex", "continue",
                 "-ex", "p/x $pc == (long)&kmain", "-ex", "p/x $a0", "-ex", "x/wx $a1", "-ex", "p/x g_bss_canary"],
                capture_output=True, text=True, timeout=scaled(60))
        finally:
            qemu.kill(proc)
        if "Connection refused" in gdb.stderr + gdb.stdout and attempt < 2:
            continue  # the port was taken between our check and QEMU's bind
        break
    out = gdb.stdout + gdb.stderr
    log = os.path.join(stage.log_dir, "test_gdb_breaks_at_kmain.log")
    os.makedirs(stage.log_dir, exist_ok=True)
    with open(log, "w") as f:
        f.write(out)
    values = re.findall(r"^\$\d+ = (.*)$", out, re.M)
    if not re.search(r"Breakpoint 1, .*kmain", out) or len(values) < 3:
        raise TestFailed("gdb did not stop at kmain. gdb said:\n%s\n  log: %s" % (out[-2000:], log))
    if values[0] != "0x1":
        raise TestFailed("gdb stopped, but not at kmain's first instruction (pc check %s)" % values[0])
    if values[1] != "0x0":
        raise TestFailed("a0 = %s at kmain, expected the boot hart id 0" % values[1])
    if not re.search(r":\s+0xedfe0dd0", out):
        raise TestFailed("a1 does not point at a device tree (no FDT magic 0xd00dfeed there):\n%s" % out[-800:])
    if "0x0 <repeats 64 times>" not in values[2]:
        raise TestFailed("g_bss_canary is not zero at kmain (.bss not cleared): %s" % values[2][:200])
