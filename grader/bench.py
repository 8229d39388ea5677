#!/usr/bin/env python3
"""grader/bench.py: `make bench`: instruction counts of the reference kernel, beside budgets.

Boots the solution of every stage up to --lab under QEMU -icount shift=0 (one hart),
collects the `bench` report lines, prints a table and writes build/bench.json. Exits
non-zero if a figure is over its budget. Benchmarks are reports, never wall-clock tests.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import benchmarks  # noqa: E402
from benchmarks import BENCHMARKS, PEER_FIGURES, TIMEOUT_RATE_SWEEPS  # noqa: E402
from harness import fsimage  # noqa: E402
from harness.stage import BuildFailed, QemuFailed, Stage  # noqa: E402

# Lab 06: fsbench's throughput by queue depth, [(lab, program)] (absent before lab 06).
QD_THROUGHPUT_RUNS = getattr(benchmarks, "QD_THROUGHPUT_RUNS", [])


def timeout_rate_plot(stage, workload, slices, seed):
    """Boot `workload` once per time slice; the timeout rate (timeouts / switches, over
    every process) against the slice goes to build/timeout-rate.{csv,png}."""
    points = []
    for slice_us in slices:
        try:
            r = stage.boot("bench-rate-%d" % slice_us, args="run=%s slice=%d" % (workload, slice_us), icount=True,
                           seed=seed, timeout=180)
        except QemuFailed as e:
            print("bench: timeout rate at slice %d us: %s" % (slice_us, e))
            return
        timeouts = switches = 0
        for line in r.reported("sched") + r.reported("tasks"):  # process and task switches
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            timeouts += int(fields.get("timeouts", 0))
            switches += int(fields.get("switches", 0))
        points.append((slice_us, timeouts, switches, timeouts / switches if switches else 0.0))
    csv = os.path.join(stage.build_root, "timeout-rate.csv")
    with open(csv, "w") as f:
        f.write("slice_us,timeouts,switches,timeout_rate\n")
        f.writelines("%d,%d,%d,%.4f\n" % p for p in points)
    print("  timeout rate of '%s' by time slice: %s" % (workload, ", ".join("%dus=%.3f" % (p[0], p[3]) for p in points)))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  (no matplotlib: install python3-matplotlib for the plot; the figures are in %s)" % csv)
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([p[0] for p in points], [p[3] for p in points], marker="o")
    ax.set_xscale("log")
    ax.set_xlabel("time slice (us, virtual time under -icount)")
    ax.set_ylabel("timeout rate = timeouts / switches")
    ax.set_title("Squall: timeout rate of the '%s' workload" % workload)
    ax.set_ylim(0, 1)
    ax.grid(True, which="both", alpha=0.3)
    png = os.path.join(stage.build_root, "timeout-rate.png")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print("  plot: %s (figures: %s)" % (png, csv))


def bench_disk(stage):
    """The disk of the lab 06 benchmarks (a benchmark's options say "disk": True): the demo
    tree, /big.bin and /small.bin, with 4 KiB clusters (mkfs.fat's own choice for a
    volume this size), made afresh each run."""
    return fsimage.make_disk(os.path.join(stage.build_root, "bench-disk.img"), cluster_bytes=4096)


def stage_has_program(stage, name):
    """Whether the composed stage has user/programs/NAME.cc (the build's manifest says)."""
    try:
        with open(os.path.join(stage.build_dir, "tree.txt")) as f:
            return any(l.startswith("user/programs/%s.cc=" % name) for l in f)
    except OSError:
        return False


def qd_throughput_plot(stage, program, seed):
    """Boot `program` (fsbench) once WITHOUT -icount, for wall time: its read throughput of
    /big.bin at each queue depth goes to build/qd-throughput.{csv,png}."""
    if not stage_has_program(stage, program):
        print("  (stage %02d has no %s program: no queue-depth plot)" % (stage.lab, program))
        return
    try:
        disk = bench_disk(stage)
        r = stage.boot("bench-qd", args="run=%s slice=10000" % program, icount=False, seed=seed, timeout=300,
                       drives=[disk])
    except (fsimage.ImageError, QemuFailed) as e:
        print("bench: queue-depth throughput: %s" % e)
        return
    points = []
    for line in r.reported("fsbench"):
        m = re.fullmatch(r"qd=(\d+) bytes=(\d+) time_us=(\d+)", line)
        if m:
            qd, size, us = (int(x) for x in m.groups())
            points.append((qd, size, us, size / us * 1e6 / 2**20 if us else 0.0))
    if not points:
        print("bench: %s printed no 'fsbench qd=Q bytes=B time_us=T' lines (log: %s)" % (program, r.log_path))
        return
    points.sort()
    csv = os.path.join(stage.build_root, "qd-throughput.csv")
    with open(csv, "w") as f:
        f.write("queue_depth,bytes,time_us,mib_per_s\n")
        f.writelines("%d,%d,%d,%.3f\n" % p for p in points)
    print("  read throughput of /big.bin by queue depth (wall time, no -icount): %s"
          % ", ".join("qd%d=%.1f MiB/s" % (p[0], p[3]) for p in points))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  (no matplotlib: install python3-matplotlib for the plot; the figures are in %s)" % csv)
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([p[0] for p in points], [p[3] for p in points], marker="o")
    ax.set_xscale("log", base=2)
    ax.set_xticks([p[0] for p in points])
    ax.set_xticklabels([str(p[0]) for p in points])
    ax.set_xlabel("queue depth (coroutines reading /big.bin at once)")
    ax.set_ylabel("throughput (MiB/s, wall time under TCG)")
    ax.set_title("Squall: %s read throughput by queue depth" % program)
    ax.set_ylim(bottom=0)
    ax.grid(True, which="both", alpha=0.3)
    png = os.path.join(stage.build_root, "qd-throughput.png")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print("  plot: %s (figures: %s)" % (png, csv))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--root", default=os.path.join(HERE, ".."))
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=1)
    args = ap.parse_args()
    root = os.path.abspath(args.root)

    stage = Stage(root, args.lab, args.lab)
    try:
        stage.build()
    except BuildFailed as e:
        print("bench: %s" % e)
        return 2
    rows, failed = [], False
    for lab, test, options, metrics in BENCHMARKS:
        if lab > args.lab:
            continue
        try:
            label = "_".join(x for x in (test, options.get("args", "").replace(" ", "_").replace("=", "-")) if x)
            options = dict(options)
            if options.pop("disk", False):
                options["drives"] = [bench_disk(stage)]
            r = stage.boot("bench-" + label, test=test, icount=True, seed=args.seed, timeout=120, **options)
        except (fsimage.ImageError, QemuFailed) as e:
            print("bench: %s: %s" % (label, e))
            failed = True
            continue
        got = {}
        for line in r.reported("bench"):
            parts = line.split()
            if len(parts) == 2:
                got[parts[0]] = int(parts[1])
        for name, (budget, unit, description) in metrics.items():
            value = got.get(name.split("@")[0])  # "NAME@variant": the same figure, another setup
            ok = value is not None and (budget is None or value <= budget)
            failed |= not ok
            rows.append({"lab": lab, "name": name, "value": value, "budget": budget, "unit": unit,
                         "description": description, "ok": ok, "peer": PEER_FIGURES.get(name)})
    print("Squall benchmarks: stage %02d reference kernel, QEMU -icount shift=0, 1 hart, seed %d"
          % (args.lab, args.seed))
    print("  %-5s %-26s %10s %10s  %-22s %s" % ("lab", "benchmark", "measured", "budget", "unit", ""))
    for row in rows:
        peer = "  (%s)" % row["peer"] if row["peer"] else ""
        print("  %02d    %-26s %10s %10s  %-22s %s%s" % (
            row["lab"], row["name"], "missing" if row["value"] is None else row["value"],
            row["budget"] if row["budget"] is not None else "-", row["unit"],
            "ok" if row["ok"] else "OVER BUDGET" if row["value"] is not None else "NOT REPORTED", peer))
    for lab, workload, slices in TIMEOUT_RATE_SWEEPS:
        if lab <= args.lab:
            timeout_rate_plot(stage, workload, slices, args.seed)
    for lab, program in QD_THROUGHPUT_RUNS:
        if lab <= args.lab:
            qd_throughput_plot(stage, program, args.seed)
    out = os.path.join(stage.build_root, "bench.json")
    with open(out, "w") as f:
        json.dump(rows, f, indent=2)
    print("  written: %s" % out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
