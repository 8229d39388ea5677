"""grader/test_lab04_payload.py: lab 04 (the shared scheduler payload).

The payload is built apart (build/labNN/payload/{fifo,prio}.bin) and mapped at one VA in
every table. The grader predicts the order tasks run in from the seeds (its own model of
FIFO and priority scheduling), makes malformed payloads itself, and checks that the
kernel survives a user program scribbling over the payload's data.
"""
import os
import re
import secrets
import struct

import pytest

from harness.seeded import SplitMix64
from test_lab02_trap import program_seed, run

LEVELS = 8
PAYLOAD_BASE = 0x1000000000
SCHEDULE_KEYS = ("task", "yield", "switch")


def added_tasks(seed, ktasks, programs):
    """Every task in the order it was added: (as_id, repr, priority)."""
    tasks = []
    krng = SplitMix64(seed ^ 0x7A5C)
    tasks += [(0, i, krng.below(LEVELS)) for i in range(ktasks)]
    for index in range(programs):  # pid = AS id = index + 1, all added before any pop
        rng = SplitMix64(program_seed(seed, index))
        count = 2 + rng.below(4)
        tasks += [(index + 1, (index + 1) << 8 | i, rng.below(LEVELS)) for i in range(count)]
    return tasks


def expected_schedule(tasks, prio):
    """The report lines: task runs, executor yields and kernel switches, in order."""
    order = sorted(tasks, key=lambda t: t[2]) if prio else list(tasks)  # sorted() is stable
    lines, popper, caller = [], 1, None  # AS 1's executor pops first
    for as_id, repr_, _ in order:
        if popper != 0 and as_id != popper:
            lines.append("yield from=%d to=%d" % (popper, as_id))
            popper, caller = 0, popper  # the kernel pops now, on the caller's behalf
        if popper == 0 and as_id != 0:
            if as_id != caller:
                lines.append("switch to=%d" % as_id)
            popper = as_id
        lines.append("task as=%d repr=%x" % (as_id, repr_))
    return lines


@pytest.mark.points(4)
@pytest.mark.parametrize("payload", ["fifo", "prio"])
def test_pop_order_across_address_spaces(boot, payload):
    """Tasks of two user ASes and the kernel run in the order the grader predicts; Yield
    comes exactly when the next task belongs to another AS."""
    ktasks = secrets.randbelow(4)
    r = boot(args="run=tasks,tasks slice=0 ktasks=%d payload=%s trace=sched" % (ktasks, payload))
    r.forbid(r"^panic:", r"kernel trap:", r"payload reset")
    m = r.one("payload", r"loaded name=(\w+) levels=(\d+)")
    if m.group(1) != payload:
        r.fail("bootargs asked for the %s payload, the kernel loaded %s" % (payload, m.group(1)))
    want = expected_schedule(added_tasks(r.seed, ktasks, 2), payload == "prio")
    got = [l for l in r.reports if l.split(" ", 1)[0] in SCHEDULE_KEYS]
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        r.fail("the schedule differs from the grader's %s model at line %d:\n  expected %s\n  got      %s"
               % (payload, first, want[first:first + 4], got[first:first + 4]))
    r.expect_exit(0)


def yielder_runs(seed, programs, prio):
    """The task runs of `yielders`: each task runs, then yields a seeded number of times
    (back to the tail of its level) before it is done; and the refused yield of each."""
    ready, bad, clock = [], [], 0  # ready: [level, seq, as_id, repr, yields left]
    for index in range(programs):
        rng = SplitMix64(program_seed(seed, index))
        for i in range(2 + rng.below(4)):
            level = rng.below(LEVELS)
            ready.append([level if prio else 0, clock, index + 1, (index + 1) << 8 | i, rng.below(4)])
            clock += 1
        bad.append("bad yield id=%x err=-22" % (0x7FFF0000 | rng.below(256) if rng.below(2) else 0))
    lines = []
    while ready:
        task = min(ready, key=lambda t: (t[0], t[1]))
        lines.append("task as=%d repr=%x" % (task[2], task[3]))
        if task[4]:
            task[4] -= 1
            task[1], clock = clock, clock + 1
        else:
            ready.remove(task)
    return lines, bad


@pytest.mark.points(3)
@pytest.mark.parametrize("payload", ["fifo", "prio"])
def test_yielding_tasks_interleave(boot, payload):
    """Tasks of two ASes yield seeded numbers of times: each yield hands the task to the
    kernel (the payload's yield_task sets it ready, then pops) and the runs interleave in
    the order the grader predicts. A yield of an id no task has is refused (-EINVAL)."""
    r = boot(args="run=yielders,yielders slice=0 payload=%s" % payload)
    r.forbid(r"^panic:", r"kernel trap:", r"payload reset", r"refused err")
    want, bad = yielder_runs(r.seed, 2, payload == "prio")
    got = [l for l in r.reports if l.startswith("task ")]
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        r.fail("the runs differ from the grader's %s model at line %d:\n  expected %s\n  got      %s"
               % (payload, first, want[first:first + 4], got[first:first + 4]))
    if sorted(l for l in r.reports if l.startswith("bad yield")) != sorted(bad):
        r.fail("a yield of a bogus task id was not refused with -22 (EINVAL): %s"
               % [l for l in r.reports if l.startswith("bad yield")])
    r.expect_exit(0)


def payload_kills(r):
    out = {}
    for line in r.reported("kill"):
        m = re.match(r"(\w+) pid=(\d+) cause=([\w-]+)(?: scause=\d+ sepc=[0-9a-f]+ stval=([0-9a-f]+))?$", line)
        if m:
            out.setdefault(m.group(1), []).append((m.group(3), int(m.group(4), 16) if m.group(4) else None))
    return out


@pytest.mark.points(3)
def test_payload_text_is_execute_only_for_users(boot):
    """User code calls payload functions and reads its header, but reading or writing its
    code faults at the address it touched."""
    r = run(boot, ["payload_peek", "payload_peek"], slice_us=0)
    peeks = [l for l in r.reported("payload_peek") if l.startswith("stats=")]
    kills = payload_kills(r).get("payload_peek", [])
    if len(peeks) != 2 or len(kills) != 2:
        r.fail("expected two payload_peek runs, each killed; got %d report(s), %d kill(s)" % (len(peeks), len(kills)))
    for index, (line, (cause, stval)) in enumerate(zip(peeks, kills)):
        m = re.fullmatch(r"stats=(-?\d+) capacity=(\d+) target=([0-9a-f]+)", line)
        if not m or m.group(1) != "0" or m.group(2) != "256":
            r.fail("payload_peek could not call the payload's stats entry: %r" % line)
        target = int(m.group(3), 16)
        if not PAYLOAD_BASE <= target < PAYLOAD_BASE + (1 << 20):
            r.fail("the payload's pop_task entry 0x%x is not in the payload's window" % target)
        want = "store-page-fault" if program_seed(r.seed, index) & 1 else "load-page-fault"
        if cause != want or stval != target:
            r.fail("payload_peek #%d was killed for %s at %s; expected a %s at 0x%x (text is execute-only)"
                   % (index, cause, hex(stval) if stval is not None else None, want, target))
    r.forbid(r"survived", r"payload_peek read=")
    r.expect_exit(0)


@pytest.mark.points(3)
def test_hostile_scribbler_is_survived(boot):
    """A program writes seeded garbage over the payload's data: the kernel notices, reports
    it, starts the scheduler afresh, ends the processes whose tasks were lost; the rest run."""
    r = run(boot, ["tasks", "scribbler", "hello"], slice_us=0)
    if not r.reported("payload") or not any(l.startswith("reset") for l in r.reported("payload")):
        r.fail("no 'payload reset ...' line: the kernel did not notice the scribbled scheduler data")
    kills = payload_kills(r)
    for name in ("scribbler", "tasks"):
        if not any(cause == "payload-reset" for cause, _ in kills.get(name, [])):
            r.fail("%s lost its tasks but was not ended with cause=payload-reset" % name)
    if not r.reported("hello"):
        r.fail("hello, which never used the payload, did not run after the reset")
    r.forbid(r"survived")
    r.expect_exit(0)


@pytest.mark.points(2)
def test_payload_frames_are_shared(boot):
    """The payload's pages are the same physical frames in the kernel's table and in every
    user AS (shared, not copied)."""
    r = run(boot, ["payload_pa", "payload_pa"], slice_us=0)
    frames = [l for l in r.reported("payload") if l.startswith("frames ")]
    k = re.fullmatch(r"frames rodata=([0-9a-f]+) data=([0-9a-f]+)", frames[0]) if frames else None
    if not k:
        r.fail("no 'payload frames rodata=X data=X' line from the kernel")
    lines = r.reported("payload_pa")
    if len(lines) != 2:
        r.fail("expected a payload_pa line from each of two ASes, got %d" % len(lines))
    seen = set()
    for line in lines:
        m = re.fullmatch(r"as=(\d+) rodata=([0-9a-f]+) data=([0-9a-f]+)", line)
        if not m:
            r.fail("payload_pa line %r does not have the form 'as=N rodata=X data=X'" % line)
        seen.add(m.group(1))
        if (m.group(2), m.group(3)) != (k.group(1), k.group(2)):
            r.fail("AS %s sees the payload at rodata=%s data=%s, the kernel at rodata=%s data=%s"
                   % (m.group(1), m.group(2), m.group(3), k.group(1), k.group(2)))
    if len(seen) != 2:
        r.fail("both payload_pa processes ran in the same AS: %s" % sorted(seen))
    r.expect_exit(0)


def bad_payloads(image, seed):
    rng = SplitMix64(seed)
    magic, major, minor, header_size, entry_count = struct.unpack_from("<IHHII", image, 0)
    text_end = struct.unpack_from("<Q", image, 40)[0]

    def patched(offset, fmt, value):
        out = bytearray(image)
        struct.pack_into(fmt, out, offset, value)
        return bytes(out)

    entry_offset = 96 + 8 * rng.below(7)
    variants = [
        ("magic", patched(0, "<I", magic ^ (1 << rng.below(32)))),
        ("major", patched(4, "<H", major + 1 + rng.below(5))),
        ("entry", patched(entry_offset, "<Q", text_end + 8 * rng.below(64))),
        ("entry", patched(entry_offset, "<Q", PAYLOAD_BASE - 8 - 8 * rng.below(64))),
        ("entry", patched(160, "<Q", text_end + 8 * rng.below(64))),  # ABI 1.2's yield_task
    ]
    return sorted(variants, key=lambda _: rng.next())[:3]


@pytest.mark.points(3)
def test_bad_payload_is_refused(boot, stage, tmp_path):
    """A payload with a wrong magic, a wrong ABI major or an entry point outside its text is
    refused with a reason; the kernel goes on with its built-in payload."""
    stage.build()
    with open(os.path.join(stage.build_dir, "payload", "fifo.bin"), "rb") as f:
        image = f.read()
    at = 0x87000000
    for name, data in bad_payloads(image, secrets.randbits(63)):
        path = tmp_path / ("bad_%s.bin" % name)
        path.write_bytes(data)
        r = boot(args="payload_at=0x%x payload_size=%d run=hello slice=0" % (at, len(data)),
                 extra=["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, at)])
        r.forbid(r"^panic:", r"kernel trap:")
        lines = r.reported("payload")
        refused = [l for l in lines if l.startswith("refused")]
        if not refused:
            r.fail("a payload with a bad %s was not refused (payload lines: %s)" % (name, lines))
        if not any(l.startswith("loaded") for l in lines) or not r.reported("hello"):
            r.fail("after refusing the bad payload the kernel did not go on with its own")
        r.expect_exit(0)
    good = tmp_path / "good.bin"
    good.write_bytes(image)
    r = boot(args="payload_at=0x%x payload_size=%d run=hello slice=0" % (at, len(image)),
             extra=["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (good, at)])
    if any(l.startswith("refused") for l in r.reported("payload")):
        r.fail("the unmodified fifo payload was refused: %s" % r.reported("payload"))
    r.expect_exit(0)
