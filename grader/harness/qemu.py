"""grader/harness/qemu.py: the one place that knows how Squall boots under QEMU.

Used by `make qemu`/`make qemu-gdb` (through tools/run_qemu.py), by the grader and by
the benchmarks. QEMU always runs the real OpenSBI firmware (Debian's fw_jump.bin) on
`-machine virt`; the kernel is loaded as a flat binary at 0x80200000 and its .bss may
be pre-filled with seeded garbage (QEMU's RAM starts zeroed; real hardware's does not).
"""
import os
import signal
import socket
import subprocess

OPENSBI = os.environ.get("OPENSBI", "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin")
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
CROSS = os.environ.get("CROSS", "riscv64-unknown-elf-")


def kernel_symbols(elf):
    """Return {name: address} for the kernel's global symbols (via nm)."""
    out = subprocess.run([CROSS + "nm", elf], capture_output=True, text=True, check=True).stdout
    symbols = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            symbols[parts[2]] = int(parts[0], 16)
    return symbols


def free_tcp_port():
    """A TCP port free right now on localhost (the kernel picks; no fixed ports)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_command(build_dir, bootargs="", mem="128M", smp=1, icount=False, gdb_port=None,
                 bss_fill=None, drives=(), extra=()):
    """The full QEMU command line for the kernel in build_dir.

    bss_fill: path of a file to load over the kernel's .bss before boot (seeded garbage).
    drives: disk image paths, attached as modern virtio-blk devices on virtio-mmio.
    """
    kernel_bin = os.path.join(build_dir, "kernel.bin")
    cmd = [QEMU, "-machine", "virt", "-smp", str(smp), "-m", str(mem),
           "-nographic", "-monitor", "none", "-serial", "stdio", "-no-reboot",
           "-bios", OPENSBI, "-kernel", kernel_bin]
    if bootargs:
        cmd += ["-append", bootargs]
    if icount:
        cmd += ["-icount", "shift=0"]
    if bss_fill:
        symbols = kernel_symbols(os.path.join(build_dir, "kernel.elf"))
        cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (bss_fill, symbols["__bss_start"])]
    if drives:
        cmd += ["-global", "virtio-mmio.force-legacy=false"]
        for i, image in enumerate(drives):
            cmd += ["-drive", "file=%s,if=none,format=raw,id=disk%d" % (image, i),
                    "-device", "virtio-blk-device,drive=disk%d" % i]
    if gdb_port is not None:
        cmd += ["-S", "-gdb", "tcp:127.0.0.1:%d" % gdb_port]
    cmd += list(extra)
    return cmd


def make_bss_fill(build_dir, seed, path):
    """Write seeded garbage the size of the kernel's .bss to `path`; return the path."""
    import random
    symbols = kernel_symbols(os.path.join(build_dir, "kernel.elf"))
    size = symbols["__bss_end"] - symbols["__bss_start"]
    rng = random.Random(seed)
    data = bytes(rng.getrandbits(8) | 1 for _ in range(size))  # never a zero byte
    with open(path, "wb") as f:
        f.write(data)
    return path


def _die_with_parent():
    """preexec_fn: QEMU gets SIGKILL if the process that started it dies (no strays)."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except Exception:
        pass
    os.setpgrp()


def start(cmd, **kwargs):
    """Start QEMU in its own process group, tied to our lifetime."""
    return subprocess.Popen(cmd, preexec_fn=_die_with_parent, **kwargs)


def kill(proc):
    """Stop a QEMU started by start(), whatever state it is in."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
