"""grader/test_lab02_trap.py: lab 02 (traps, user mode, timer, fast syscalls).

User programs (user/programs/*.cc) run in the order bootargs `run=` gives; each gets a
seed derived from the test's seed and its position, which the grader recomputes here
(program_seed). Expected values come from those seeds, never from the kernel.
"""
import os
import re
import secrets
import subprocess

import pytest

from harness import qemu
from harness.seeded import MASK, SplitMix64, s64
from harness.stage import TestFailed, scaled

ENOSYS, EFAULT = -38, -14
TIMEBASE = 10_000_000  # QEMU virt: the `time` CSR counts at 10 MHz


def program_seed(seed, index):
    """kernel/process.cc: program_seed(test_seed, index)."""
    return SplitMix64(seed ^ 0x5EED0000 ^ index).next()


def echo_mix(*values):
    """lib/syscall_abi.hh: echo_mix(a0..a5)."""
    h = 0xCBF29CE484222325
    for v in values:
        h = ((h ^ (v & MASK)) * 0x100000001B3) & MASK
    return h


def run(boot, programs, slice_us=10000, **options):
    r = boot(args="run=%s slice=%d" % (",".join(programs), slice_us), **options)
    r.forbid(r"^panic:", r"kernel trap:")
    return r


def expected_args(seed):
    rng = SplitMix64(seed)
    lines = []
    for round_ in range(4):
        v = [rng.next() for _ in range(6)]
        mix = echo_mix(*v)
        lines.append("round=%d slow=%x fast=%x" % (round_, mix, mix))
    return lines


# ---- the system-call boundary --------------------------------------------------------
@pytest.mark.points(3)
def test_syscall_args_roundtrip(boot):
    """Seeded a0..a5 arrive in the right registers on the full path and on the fast path."""
    before = secrets.randbelow(3)
    r = run(boot, ["hello"] * before + ["args"])
    r.expect_reports("args", expected_args(program_seed(r.seed, before)))
    hello = r.reported("hello")
    if len(hello) != before:
        r.fail("%d hello program(s) ran before args, the kernel reported %d" % (before, len(hello)))
    r.expect_exit(0)


@pytest.mark.points(3)
def test_fast_path_preserves_callee_saved(boot):
    """Hundreds of fast calls keep sp, gp, tp and s0..s11 (seeded patterns) intact."""
    r = run(boot, ["fastregs"], slice_us=0)
    rng = SplitMix64(program_seed(r.seed, 0))
    total = sum(rng.next() for _ in range(14)) & MASK
    calls = 200 + rng.below(200)
    m = r.one("fastregs", r"calls=(\d+) damaged=([0-9a-f]+) sum=([0-9a-f]+)")
    if int(m.group(1)) != calls or int(m.group(3), 16) != total:
        r.fail("fastregs reported calls=%s sum=%s; its seed gives calls=%d sum=%x"
               % (m.group(1), m.group(3), calls, total))
    damaged = int(m.group(2), 16)
    if damaged:
        names = {2: "sp", 3: "gp", 4: "tp", 8: "s0", 9: "s1"}
        names.update({18 + i: "s%d" % (2 + i) for i in range(10)})
        r.fail("fast calls changed %s, which the fast ABI must preserve"
               % ", ".join(names.get(i, "x%d" % i) for i in range(32) if damaged >> i & 1))
    r.expect_exit(0)


@pytest.mark.points(4)
def test_full_path_preserves_all_registers(boot):
    """Two programs spinning on seeded patterns in every register (a7 = 0) survive >= 50
    timer interrupts each, and the switches between them."""
    # -icount: virtual time, so a busy host cannot make the guest miss ticks.
    r = run(boot, ["spinregs", "spinregs"], slice_us=1000, icount=True, timeout=120)
    lines = r.reported("spinregs")
    if len(lines) != 2:
        r.fail("expected a spinregs line from each of the two programs, got %d" % len(lines))
    sums = {}
    for index in range(2):
        rng = SplitMix64(program_seed(r.seed, index))
        values = [rng.next() for n in range(1, 32) if n != 2]
        sums[sum(v for n, v in zip([n for n in range(1, 32) if n != 2], values) if n != 17) & MASK] = index
    for line in lines:
        m = re.fullmatch(r"bad=(\d+) rounds=(\w+) ticks=(\d+) sum=([0-9a-f]+)", line)
        if not m:
            r.fail("spinregs line %r does not have the form 'bad=N rounds=W ticks=N sum=X'" % line)
        if int(m.group(4), 16) not in sums:
            r.fail("spinregs sum=%s matches neither program's seed" % m.group(4))
        if m.group(1) != "0":
            r.fail("register x%s changed while the program was interrupted: the full path must restore all 31"
                   % m.group(1))
        if m.group(2) != "some":
            r.fail("spinregs never completed a round")
        if int(m.group(3)) < 50:
            r.fail("only %s timer interrupts hit spinregs in 60+ ms with a 1 ms slice (expected >= 50): "
                   "is the timer re-armed on every tick?" % m.group(3))
    r.expect_exit(0)


@pytest.mark.points(2)
def test_bad_syscalls_return_enosys(boot):
    """Unknown syscall numbers and fast ids give -ENOSYS, a bad pointer -EFAULT; the program goes on."""
    r = run(boot, ["badcall", "hello"])
    rng = SplitMix64(program_seed(r.seed, 0))
    for _ in range(4):
        rng.next()
    want = "slow=%d huge=%d fast=%d pointer=%d after=%x" % (ENOSYS, ENOSYS, ENOSYS, EFAULT, rng.next())
    r.expect_reports("badcall", [want])
    if not r.reported("hello"):
        r.fail("the program after badcall did not run")
    r.expect_exit(0)


# ---- faults ------------------------------------------------------------------------
FAULTS = {
    # program: (accepted causes, stval from the program's seed or None)
    "fault_illegal": ({"illegal-instruction"}, None),
    "fault_ebreak": ({"breakpoint"}, None),
    # QEMU reports a misaligned AMO as a load-misaligned fault; the spec allows either.
    "fault_misaligned": ({"load-misaligned", "store-misaligned"}, None),
    # Access faults without paging; page faults from lab 03 on (the address is not mapped).
    "fault_load": ({"load-access-fault", "load-page-fault"}, lambda s: (1 << 40) + ((s & 0xFFFF) << 3)),
    "fault_store": ({"store-access-fault", "store-page-fault"}, lambda s: (1 << 40) + ((s & 0xFFFF) << 3)),
    "fault_fetch": ({"instruction-access-fault", "instruction-page-fault"}, lambda s: (1 << 40) + ((s & 0xFFFF) << 2)),
}


@pytest.mark.points(4)
def test_faults_kill_only_the_offender(boot):
    """Each fault kills only its program, with the right cause and stval; the next program runs."""
    order = sorted(FAULTS, key=lambda _: secrets.randbits(16))[:4]
    programs = order + ["args"]
    r = run(boot, programs)
    kills = r.reported("kill")
    if len(kills) != len(order):
        r.fail("%d kill line(s) for %d faulting programs (%s)" % (len(kills), len(order), ", ".join(order)))
    # From lab 05 on the programs run side by side, so the kills may come in any order:
    # each program's own kill line is checked, found by its name.
    by_name = {}
    for line in kills:
        m = re.fullmatch(r"(\w+) pid=(\d+) cause=([\w-]+) scause=(\d+) sepc=([0-9a-f]+) stval=([0-9a-f]+)", line)
        if not m:
            r.fail("kill line %r does not have the form 'NAME pid=N cause=C scause=N sepc=X stval=X'" % line)
        if m.group(1) in by_name:
            r.fail("%s was killed twice" % m.group(1))
        by_name[m.group(1)] = m
    for index, name in enumerate(order):
        m = by_name.get(name)
        if not m:
            r.fail("no kill line for %s (kills: %s)" % (name, kills))
        causes, stval = FAULTS[name]
        if int(m.group(2)) != index + 1:
            r.fail("%s was killed as pid=%s; expected pid=%d" % (name, m.group(2), index + 1))
        if m.group(3) not in causes:
            r.fail("%s was killed for %s; expected %s" % (name, m.group(3), " or ".join(sorted(causes))))
        if stval and int(m.group(6), 16) != stval(program_seed(r.seed, index)):
            r.fail("%s: stval=%s, but the program touched 0x%x" % (name, m.group(6), stval(program_seed(r.seed, index))))
    r.forbid(r"survived")
    r.expect_reports("args", expected_args(program_seed(r.seed, len(order))))
    r.expect_exit(0)


@pytest.mark.provided
@pytest.mark.points(1)
def test_kernel_fault_panics_with_backtrace(boot, stage):
    """A fault in the kernel itself takes the kernel path: cause, faulting function, backtrace."""
    from test_lab01_boot import symbolize
    r = boot(test="kfault")
    depth = 1 + r.seed % 4
    if not any("kernel trap: load-access-fault" in l for l in r.lines):
        r.fail("no 'kernel trap: load-access-fault' line")
    frames = [int(m.group(1), 16) for m in (re.match(r"\s+#\S+ 0x([0-9a-f]{16})\s*$", l) for l in r.lines) if m]
    names = symbolize(stage.elf, [frames[0] + 1] + frames[1:]) if frames else []
    want = ["kfault_touch"] + ["kfault_recurse"] * (depth + 1) + ["kernel_test_kfault"]
    if names[:len(want)] != want:
        r.fail("the kernel trap's backtrace resolves to %s; expected it to start with %s" % (names, want))
    r.expect_exit(1)


# ---- scheduling and the timer -------------------------------------------------------
@pytest.mark.points(2)
def test_yield_takes_turns(boot):
    """With no timer, yield passes the CPU round robin: the grader predicts every line."""
    count = 2 + secrets.randbelow(2)
    r = run(boot, ["yielder"] * count, slice_us=0)
    steps, tokens = [], []
    for i in range(count):
        s = program_seed(r.seed, i)
        steps.append(3 + s % 3)
        rng = SplitMix64(s)
        tokens.append([rng.next() & 0xFFFF for _ in range(steps[-1])])
    want = []
    for step in range(1, max(steps) + 1):
        for i in range(count):
            if step <= steps[i]:
                want.append("pid=%d step=%d token=%x" % (i + 1, step, tokens[i][step - 1]))
    r.expect_reports("yielder", want)
    r.expect_exit(0)


@pytest.mark.points(2)
def test_timer_preempts_programs_that_never_yield(boot):
    """Two programs that never yield still share the CPU: the timer takes it away."""
    r = run(boot, ["spinner", "spinner"], slice_us=1000, icount=True, timeout=120)
    pids = [int(re.match(r"pid=(\d+)", l).group(1)) for l in r.reported("spinner")]
    if len(pids) != 12:
        r.fail("expected 6 steps from each spinner, got %d lines" % len(pids))
    switches = sum(1 for a, b in zip(pids, pids[1:]) if a != b)
    if switches < 4:
        r.fail("the spinners' steps switched hands only %d time(s) (%s): with a 1 ms slice and 4 ms steps "
               "they should alternate" % (switches, pids))
    r.expect_exit(0)


@pytest.mark.points(2)
def test_timer_ticks_match_virtual_time(boot):
    """Under -icount, the ticks counted during a seeded spin match virtual time / slice."""
    slice_us = 200 * (1 + secrets.randbelow(8))
    r = run(boot, ["clock"], slice_us=slice_us, icount=True, timeout=120)
    duration = TIMEBASE // 1000 * (20 + program_seed(r.seed, 0) % 30)
    m = r.one("clock", r"duration=(\d+) elapsed=(\d+) ticks=(-?\d+)")
    if int(m.group(1)) != duration:
        r.fail("clock spun for %s time units; its seed says %d" % (m.group(1), duration))
    elapsed, ticks = int(m.group(2)), int(m.group(3))
    slice_time = TIMEBASE * slice_us // 1_000_000
    want = elapsed // slice_time
    if elapsed < duration or abs(ticks - want) > 1:
        r.fail("%d ticks counted in %d time units with a slice of %d: expected %d (+-1)"
               % (ticks, elapsed, slice_time, want))
    r.expect_exit(0)


# ---- the fast path itself -------------------------------------------------------------
FAST_NULL_BUDGET = 40


@pytest.mark.points(2)
def test_fast_null_within_budget(boot):
    """A null fast syscall round trip (U->S->U) costs <= 40 instructions (under -icount)."""
    r = run(boot, ["bench_trap"], slice_us=1000, icount=True, timeout=120)
    m = r.one("bench", r"fast_null (\d+)")
    if int(m.group(1)) > FAST_NULL_BUDGET:
        r.fail("a null fast syscall costs %s instructions; the budget is %d (is it taking the full path?)"
               % (m.group(1), FAST_NULL_BUDGET))
    r.expect_exit(0)


def run_gdb(stage, bootargs, commands, timeout=90):
    """Boot the stage under gdb-multiarch in batch mode; return gdb's output."""
    for attempt in range(3):
        port = qemu.free_tcp_port()
        cmd = qemu.qemu_command(stage.build_dir, bootargs=bootargs, gdb_port=port)
        proc = qemu.start(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        args = ["gdb-multiarch", "-nx", "-batch", "-ex", "set architecture riscv:rv64", "-ex", "file " + stage.elf,
                "-ex", "target remote 127.0.0.1:%d" % port]
        for c in commands:
            args += ["-ex", c]
        try:
            gdb = subprocess.run(args, capture_output=True, text=True, timeout=scaled(timeout))
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            return out + "\n<gdb timed out>"
        finally:
            qemu.kill(proc)
        out = gdb.stdout + gdb.stderr
        if "Connection refused" in out and attempt < 2:
            continue
        return out


@pytest.mark.points(3)
def test_fast_path_writes_no_trap_frame(stage):
    """Real gdb: an access watchpoint on the trap frame stays silent through N fast calls,
    then fires on the one full-path call."""
    stage.build()
    seed = secrets.randbits(62)
    rng = SplitMix64(program_seed(seed, 0))
    calls = 20 + rng.below(30)
    total = sum(rng.below(1000) for _ in range(calls))
    out = run_gdb(stage, "seed=0x%x nonce=gdb run=fastwatch slice=0" % seed, [
        "break fast_syscall",
        "continue",                                  # the first fast call: the frame is set up
        "delete",
        "awatch -l g_kernel_stacks[0].frame",        # all 272 bytes of it
        "continue",                                  # must be the getpid, not a fast call
        "p/d g_processes[0].fast_sum",
        "p/d $a7",
        "info symbol $pc",
    ])
    log = os.path.join(stage.log_dir, "test_fast_path_writes_no_trap_frame.log")
    os.makedirs(stage.log_dir, exist_ok=True)
    with open(log, "w") as f:
        f.write(out)
    if not re.search(r"Breakpoint 1, .*fast_syscall", out):
        raise TestFailed("gdb never stopped in fast_syscall: the fast path was not taken\n%s\n  log: %s"
                         % (out[-1500:], log))
    if not re.search(r"atchpoint \d+: .*frame", out):
        raise TestFailed("the trap-frame watchpoint never fired (not even on the full-path getpid)\n%s\n  log: %s"
                         % (out[-1500:], log))
    values = re.findall(r"^\$\d+ = (-?\d+)$", out, re.M)
    if len(values) < 2:
        raise TestFailed("gdb did not print the expected values\n%s\n  log: %s" % (out[-1500:], log))
    fast_sum, a7 = int(values[0]), int(values[1])
    if fast_sum != total:
        raise TestFailed("the trap frame was touched after %s of the fast calls' sum %d was added (seeded calls=%d): "
                         "a fast call used the trap frame\n  log: %s" % (fast_sum, total, calls, log))
    if a7 != 3:
        raise TestFailed("the first trap-frame access came with a7=%d, expected the getpid syscall (3)\n  log: %s"
                         % (a7, log))
