"""grader/meta/test_gdb_prog.py: `make gdb PROG=name` debugs a user program by name.

`make qemu-gdb` starts the reference stage-05 kernel paused, running async_sum; `make gdb
PROG=async_sum` (scripted through GDB_ARGS) must load the program's and the payload's
symbols by itself, stop at a breakpoint on a user function given by name, and show the
program's own source line there.
"""
import os
import re
import subprocess
import time

from squall_meta import ROOT, make


def test_make_gdb_prog_stops_in_a_user_function_by_name():
    built = make("kernel", "LAB=05", "SOLUTION=1")
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    port_file = os.path.join(ROOT, "build", "lab05-solution", "gdb-port")
    qemu = subprocess.Popen(["make", "--no-print-directory", "-s", "-C", ROOT, "qemu-gdb", "LAB=05", "SOLUTION=1",
                             "SKIP_ENV_CHECK=1", "BOOTARGS=run=async_sum"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.1)
        r = make("gdb", "LAB=05", "SOLUTION=1", "PROG=async_sum",
                 "GDB_ARGS=-batch -ex 'break async_main' -ex continue -ex 'info symbol $$pc'", timeout=120)
    finally:
        os.killpg(qemu.pid, 9)
        qemu.wait()
    out = r.stdout + r.stderr
    assert "add symbol table from file" in out and "async_sum.elf" in out, out[-2000:]
    assert "payload/fifo.elf" in out, "make gdb did not load the payload's symbols:\n" + out[-2000:]
    assert re.search(r"Breakpoint 1[.\d]*, .*async_main .* at .*user/programs/async_sum\.cc:\d+", out), \
        "gdb did not stop in async_main of async_sum.cc:\n" + out[-2000:]
