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
]

# Figures measured on other kernels on this same QEMU, shown beside ours for scale.
PEER_FIGURES = {
    "slow_getpid": "xv6-riscv getpid round trip: 1,130 on this QEMU",
}
