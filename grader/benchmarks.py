"""grader/benchmarks.py: what `make bench` measures, and the budgets.

Each entry: (lab, kernel test that prints `@<nonce> bench NAME VALUE` lines, boot options,
{NAME: (budget or None, unit, description)}). Counts are guest instructions under
QEMU -icount shift=0 on one hart, with a fixed seed: the same binary gives the same count.
Later labs append their own entries here.
"""

BENCHMARKS = [
    (1, "bench", {}, {
        "boot_to_kmain": (2000, "instructions", "from _start to kmain's first line (clears .bss, runs constructors)"),
        "format_int": (700, "instructions/integer", "one %lu formatted into a buffer"),
    }),
]

# Figures measured on other kernels on this same QEMU, shown beside ours for scale.
PEER_FIGURES = {
}
