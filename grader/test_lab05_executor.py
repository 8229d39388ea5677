"""grader/test_lab05_executor.py: lab 05 (the coroutine executor, timeouts, the timeout rate).

User programs use the async runtime (user/lib/runtime.hh): spawn, join, yield_now, an
async main run by the seed's start-up loop. Values come from the seeds; timeouts come
from the kernel's sched lines ("sched NAME pid=N timeouts=T switches=S stacks=K").
"""
import re

import pytest

from harness.seeded import MASK, SplitMix64
from test_lab02_trap import program_seed, run

ENOMEM, ENOSPC = -12, -28
# Instructions per switch between two runtime processes whose tasks yield to each other.
# The reference runtime hands the yield to the kernel with its task (~500); the way
# through the local queue, a pop that says Yield, a flush and fast_yield costs ~800.
XAS_RUNTIME_BUDGET = 560


def sched(r, name):
    lines = [l for l in r.reported("sched") if l.startswith(name + " ")]
    if not lines:
        r.fail("no 'sched %s ...' line: the kernel reports timeouts and switches at exit" % name)
    out = []
    for line in lines:
        m = re.fullmatch(r"\w+ pid=(\d+) timeouts=(\d+) switches=(\d+) stacks=(\d+)", line)
        if not m:
            r.fail("sched line %r does not have the form 'NAME pid=N timeouts=T switches=S stacks=K'" % line)
        out.append(tuple(int(x) for x in m.groups()))
    return out


@pytest.mark.points(4)
def test_timeout_saves_and_restores_a_task(boot):
    """A task that never yields is timed out (rate > 0) and resumed with every register
    intact; the process's cooperative tasks ran meanwhile; another process finished."""
    r = run(boot, ["preempt_regs", "hello"], slice_us=1000, icount=True, timeout=120)
    seed = program_seed(r.seed, 0)
    rng = SplitMix64(seed)
    total = sum(rng.next() for n in range(1, 32) if n != 2) & MASK
    m = r.one("preempt_regs", r"bad=(\d+) sum=([0-9a-f]+) coop=(\d+) timeouts=(\w+) first=(\w+)")
    if int(m.group(2), 16) != total:
        r.fail("preempt_regs sum=%s, its seed gives %x" % (m.group(2), total))
    if m.group(1) != "0":
        r.fail("register x%s of the timed-out task changed: its saved context was not restored" % m.group(1))
    if int(m.group(3)) != 3 + seed % 5:
        r.fail("the cooperative task ran %s rounds, its seed says %d" % (m.group(3), 3 + seed % 5))
    if m.group(5) != "coop":
        r.fail("the cooperative task finished after the spinning one: a timed-out task must be set aside "
               "(its registers saved, a fresh executor stack) so the others run")
    (pid, timeouts, switches, stacks), = sched(r, "preempt_regs")
    if stacks < 2:
        r.fail("no fresh executor stack was ever made for a timed-out task (stacks=%d)" % stacks)
    if timeouts == 0 or m.group(4) != "some":
        r.fail("a task spinning 40+ ms with a 1 ms slice was never timed out (timeouts=%d)" % timeouts)
    if stacks > timeouts + 1:
        r.fail("%d executor stacks for %d timeouts: at most timeouts + 1" % (stacks, timeouts))
    if not r.reported("hello"):
        r.fail("the other process did not finish")
    m = r.one("run", r"done ok=1 ticks=\d+ frames_leaked=(-?\d+) spaces=(\d+)")
    if m.group(1) != "0":
        r.fail("%s frames leaked (the extra stacks must be freed)" % m.group(1))
    r.expect_exit(0)


@pytest.mark.points(2)
def test_cooperative_workload_has_timeout_rate_zero(boot):
    """Tasks that yield often, with a slice longer than the whole run: no timeouts at all."""
    r = run(boot, ["many_yields"], slice_us=10_000_000 // 10, icount=True, timeout=120)
    if r.reported("many_yields") != ["yields=10000"]:
        r.fail("many_yields reported %s, expected yields=10000" % r.reported("many_yields"))
    (pid, timeouts, switches, stacks), = sched(r, "many_yields")
    if timeouts != 0:
        r.fail("%d timeouts in a run shorter than one slice" % timeouts)
    r.expect_exit(0)


@pytest.mark.points(3)
def test_stacks_reused_across_many_yields_and_timeouts(boot):
    """10,000 yields and M timeouts: no more than M + 1 executor stacks ever existed for
    the AS, and all were freed at exit."""
    r = run(boot, ["many_yields", "hello"], slice_us=1000, icount=True, timeout=120)
    if r.reported("many_yields") != ["yields=10000"]:
        r.fail("many_yields reported %s, expected yields=10000" % r.reported("many_yields"))
    (pid, timeouts, switches, stacks), = sched(r, "many_yields")
    if timeouts == 0:
        r.fail("the busy task was never timed out with a 1 ms slice")
    if stacks > timeouts + 1:
        r.fail("%d executor stacks existed for %d timeouts (at most %d)" % (stacks, timeouts, timeouts + 1))
    m = r.one("run", r"done ok=1 ticks=\d+ frames_leaked=(-?\d+) spaces=(\d+)")
    if m.group(1) != "0" or m.group(2) != "0":
        r.fail("after the run %s frames were missing and %s ASes alive" % (m.group(1), m.group(2)))
    r.expect_exit(0)


@pytest.mark.provided
@pytest.mark.points(2)
def test_yield_storm_is_detected(boot):
    """An executor that only yields is reported and made to wait: the others finish first."""
    r = run(boot, ["storm", "hello", "hello"], slice_us=1000, icount=True, timeout=120)
    if not any(l.startswith("storm pid=") for l in r.reported("storm")):
        r.fail("no 'storm storm pid=N' line: the kernel did not notice the yield storm")
    order = [l.split(" ", 1)[0] for l in r.reports if l.split(" ", 1)[0] in ("hello", "storm")]
    done = [i for i, l in enumerate(r.reports) if l.startswith("storm done")]
    hellos = [i for i, l in enumerate(r.reports) if l.startswith("hello ")]
    if len(hellos) != 2 or not done or max(hellos) > done[0]:
        r.fail("the hello programs should finish while the storm is held back (order: %s)" % order)
    r.expect_exit(0)


# ---- the async runtime -----------------------------------------------------------------
def async_sum_expected(seed):
    rng = SplitMix64(seed)
    n = 4 + rng.below(29)
    total = 0
    for _ in range(n):
        s, y = rng.next(), rng.below(4)
        c = SplitMix64(s)
        v = c.next() % 1000000
        for _ in range(y):
            v += c.next() % 1000
        total += v
    return n, total


def tree_value(s, d, fan):
    if d == 0:
        return SplitMix64(s).next() % 1000
    r = SplitMix64(s)
    return d + sum(tree_value(r.next(), d - 1, fan) * (i + 1) for i in range(fan))


def expect_async_sums(r, count):
    """The first `count` programs are async_sums: each reports its seed's sum, no leak."""
    want = []
    for index in range(count):
        n, total = async_sum_expected(program_seed(r.seed, index))
        want += ["n=%d sum=%d" % (n, total), "heap leaked=0"]
    got = r.reported("async_sum")
    if sorted(got) != sorted(want):
        r.fail("async_sum reported %s; the seeds give %s" % (got, want))


@pytest.mark.points(3)
def test_spawn_and_join_sum(boot):
    """N spawned coroutines compute seeded values; joined, their sum is the grader's."""
    r = run(boot, ["async_sum", "async_sum"], slice_us=10000)
    expect_async_sums(r, 2)
    r.expect_exit(0)


@pytest.mark.points(2)
def test_tiny_slices_keep_every_task(boot):
    """Two async_sums and preempt_regs under a 150 us slice: timeouts, handed-over tasks
    and payload calls interleave at random, and still every sum is the grader's and every
    process exits 0 (a tick inside the payload's code never switches the AS away)."""
    r = run(boot, ["async_sum", "async_sum", "preempt_regs"], slice_us=150)
    expect_async_sums(r, 2)
    r.forbid(r"exit \w+ pid=\d+ status=[1-9]", r"runtime deadlock", r"corrupt", r"payload reset")
    r.expect_exit(0)


@pytest.mark.points(3)
def test_spawn_trees_fork_and_callback(boot):
    """Nested spawn trees mixing fork+join, inline calls and detached callbacks give the
    grader's total."""
    r = run(boot, ["async_tree"], slice_us=10000)
    rng = SplitMix64(program_seed(r.seed, 0))
    depth, fan, root = 1 + rng.below(3), 2 + rng.below(2), rng.next()
    m = r.one("async_tree", r"depth=(\d+) fan=(\d+) total=(\d+) tasks=(\d+)")
    if (int(m.group(1)), int(m.group(2))) != (depth, fan) or int(m.group(3)) != tree_value(root, depth, fan):
        r.fail("async_tree reported depth=%s fan=%s total=%s; the seed gives depth=%d fan=%d total=%d"
               % (m.group(1), m.group(2), m.group(3), depth, fan, tree_value(root, depth, fan)))
    r.expect_exit(0)


@pytest.mark.points(2)
def test_quota_and_out_of_memory_are_clear_errors(boot):
    """One AS cannot fill the scheduler (quota: -ENOSPC after 128 tasks); running out of
    heap in spawn is an error the program sees and survives."""
    r = run(boot, ["quota", "spawn_oom"], slice_us=0)
    r.expect_reports("quota", ["added=128 refused=%d capacity=256" % ENOSPC])
    lines = r.reported("spawn_oom")
    first = re.match(r"error=(-?\d+) ", lines[0]) if lines else None
    if not first or int(first.group(1)) != ENOMEM:
        r.fail("spawn_oom should report error=%d when the heap runs out; it said %s" % (ENOMEM, lines[:1]))
    if len(lines) < 2 or not lines[1].startswith("continued") or "wrong=0" not in lines[1]:
        r.fail("spawn_oom did not carry on correctly after the failed spawn: %s" % lines)
    r.expect_exit(0)


@pytest.mark.provided
@pytest.mark.points(2)
def test_tasks_started_as_threads(boot):
    """The seed's compatibility mode: tasks started as threads of one AS, each on its own
    stack, preempted by the timer; their writes to shared memory and their results agree."""
    r = run(boot, ["threads", "hello"], slice_us=500, icount=True, timeout=120)
    seed = program_seed(r.seed, 0)
    total = 0
    for i in range(3):
        rng = SplitMix64(seed - seed % 3 + i)
        rounds = 100000 + rng.below(100000)
        total += sum(rng.next() >> 40 for _ in range(rounds))
    r.expect_reports("threads", ["n=3 agree=3 total=%x preempted=yes" % total])
    if not r.reported("hello"):
        r.fail("the other process did not finish")
    r.expect_exit(0)


@pytest.mark.points(2)
def test_cross_as_yield_takes_one_kernel_entry(boot):
    """Two runtime processes whose tasks yield to each other alternate, every switch through
    the kernel; measured in guest instructions (-icount), a switch stays within
    XAS_RUNTIME_BUDGET, which only a yield that goes to the kernel with its task meets."""
    r = run(boot, ["xas_runtime_bench", "xas_runtime_bench"], slice_us=5000, icount=True, timeout=120)
    m = r.one("bench", r"xas_switch (\d+)")
    for pid, timeouts, switches, stacks in sched(r, "xas_runtime_bench"):
        if switches < 200:
            r.fail("pid %d switched away %d times: the two processes did not alternate" % (pid, switches))
    if int(m.group(1)) > XAS_RUNTIME_BUDGET:
        r.fail("a switch between the two ASes costs %s instructions; the budget is %d (does the "
               "yield go to the kernel with its task: yield_to_kernel in user/lib/yield_path.cc?)"
               % (m.group(1), XAS_RUNTIME_BUDGET))
    r.expect_exit(0)
