"""grader/benchmarks.py: what `make bench` measures, and the budgets.

Each entry: (lab, kernel test that prints `@<nonce> bench NAME VALUE` lines (None: the
boot options run user programs that print them), boot options,
{NAME: (budget or None, unit, description)}). Counts are guest instructions under
QEMU -icount shift=0 on one hart, with a fixed seed: the same binary gives the same count.
Later labs append their own entries here.
"""

BENCHMARKS = [
    (1, "bench", {}, {
        "boot_to_kmain": (2000, "instructions", "from _start to kmain's first line (clears .bss, runs constructors)"),
        "format_int": (700, "instructions/integer", "one %lu formatted into a buffer"),
    }),
    (2, None, {"args": "run=bench_trap slice=1000"}, {
        "fast_null": (40, "instructions/call", "null fast syscall round trip U->S->U, no trap frame"),
        "slow_getpid": (300, "instructions/call", "getpid through the full path (trap frame saved and restored)"),
        "timer_interrupt": (300, "instructions/tick", "timer interrupt entry+exit, re-armed through Sstc stimecmp"),
    }),
    (2, None, {"args": "run=bench_trap slice=1000 timer=sbi"}, {
        "timer_interrupt@sbi": (None, "instructions/tick", "the same, re-armed through the SBI set_timer call"),
    }),
    (3, "bench_map", {}, {
        "map_page": (300, "instructions/page", "map one 4 KiB page (intermediate tables present)"),
    }),
    (3, "bench_as", {}, {
        "as_create": (None, "instructions", "an address space for `empty`: ELF checked, tables built, pages mapped"),
        "as_add_stack": (None, "instructions", "one 16 KiB user stack (zeroed frames) mapped"),
        "as_destroy": (None, "instructions", "the stack unmapped, the tables walked and every frame freed"),
    }),
    (3, None, {"args": "run=spawner slice=10000"}, {
        "spawn_wait": (20000, "instructions/process", "spawn an ELF process + run an empty main + exit + wait"),
    }),
    (3, None, {"args": "run=pingpong,pingpong slice=0"}, {
        "yield_switch@other_as": (None, "instructions/switch", "yield to a process in another address space"),
    }),
    (3, None, {"args": "run=pingpong,pingpong@1 slice=0"}, {
        "yield_switch@same_as": (None, "instructions/switch", "yield to a process in the same address space"),
    }),
    (4, "bench_payload", {"args": "payload=fifo"}, {
        "add_task@fifo": (100, "instructions/call", "add_task of the FIFO payload, through its entry table"),
        "pop_task@fifo": (100, "instructions/call", "pop_task (a run) of the FIFO payload"),
    }),
    (4, "bench_payload", {"args": "payload=prio"}, {
        "add_task@prio": (100, "instructions/call", "add_task of the priority payload (8 levels)"),
        "pop_task@prio": (100, "instructions/call", "pop_task (a run) of the priority payload"),
    }),
    (5, None, {"args": "run=async_bench slice=100000"}, {
        "coroutine_switch": (80, "instructions/switch", "yield_now to another coroutine of the same AS, no kernel entry"),
        "spawn_join": (400, "instructions/task", "spawn + run + join a child doing no work"),
    }),
    (5, None, {"args": "run=preempt_regs slice=1000"}, {
        "timeout_switch": (600, "instructions/timeout", "the tick (timer_tick) to the executor's restart on a fresh stack"),
    }),
    (6, None, {"args": "run=fsbench slice=100000", "disk": True}, {
        "read_4k_cold": (25000, "instructions/4 KiB", "4 KiB of /big.bin not in the cache (QD 1; waiting for the disk costs none under -icount)"),
        "read_4k_cached": (4000, "instructions/4 KiB", "4 KiB of /small.bin read again (pread), from the block cache"),
    }),
    (5, None, {"args": "run=xas_bench,xas_bench slice=0"}, {
        "xas_switch": (400, "instructions/switch", "a task yields and a task of another AS runs, through the yield fast path (fast_yield_task; lab 04's executor)"),
    }),
    (5, None, {"args": "run=xas_spawn_bench,xas_spawn_bench slice=0"}, {
        "xas_switch@add_remove": (None, "instructions/switch", "the same switch, where each run ends its task and adds the next one"),
    }),
    (5, None, {"args": "run=xas_runtime_bench,xas_runtime_bench slice=5000"}, {
        "xas_switch@runtime": (None, "instructions/switch", "the same switch through the async runtime: co_await yield_now, task_at checks, coroutine resume"),
    }),
]

# Figures measured on other kernels on this same QEMU, shown beside ours for scale.
PEER_FIGURES = {
    "read_4k_cold": "xv6-riscv: 541,677 per 4 KiB read, cold",
    "read_4k_cached": "xv6-riscv: 119,761 per 4 KiB read, cached",
    "slow_getpid": "xv6-riscv getpid round trip: 1,130 on this QEMU",
    "spawn_wait": "xv6-riscv fork+exit+wait: 518,817 on this QEMU",
    "spawn_join": "xv6-riscv fork+exit+wait: 518,817",
    "xas_switch": "xv6-riscv: ~7,400 per process switch",
}

# Lab 05: the timeout rate of a mixed workload (busy and cooperative tasks in several
# processes) for each time slice; make bench writes build/timeout-rate.{csv,png}.
TIMEOUT_RATE_SWEEPS = [
    (5, "mixed,mixed", [200, 500, 1000, 2000, 5000, 10000, 20000]),
]

# Lab 06: fsbench's read throughput against queue depth (wall time, no -icount): make
# bench writes build/qd-throughput.{csv,png}.
QD_THROUGHPUT_RUNS = [(6, "fsbench")]
