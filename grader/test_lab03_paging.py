"""grader/test_lab03_paging.py: lab 03 (frames, Sv39, ELF user programs, safe copies).

Programs are separate ELF files now (user/programs/*.cc); seeds follow creation order
(program_seed in test_lab02_trap). Expected values come from the seeds, never from the
kernel; addresses come from the programs' own reports and from the ELF files.
"""
import os
import re
import secrets
import struct

import pytest

from harness.seeded import MASK, SplitMix64
from test_lab02_trap import program_seed, run

EFAULT, ECHILD = -14, -10
USER_STACK_TOP, STACK_PAGES, PAGE = 0x200000, 4, 4096
KERNEL_BASE = 0x80200000


def kills(r):
    """{program: (cause, sepc, stval)} from the kill lines."""
    out = {}
    for line in r.reported("kill"):
        m = re.fullmatch(r"(\w+) pid=(\d+) cause=([\w-]+) scause=(\d+) sepc=([0-9a-f]+) stval=([0-9a-f]+)", line)
        if not m:
            r.fail("kill line %r does not have the form 'NAME pid=N cause=C scause=N sepc=X stval=X'" % line)
        out.setdefault(m.group(1), []).append((m.group(3), int(m.group(5), 16), int(m.group(6), 16)))
    return out


def expect_kill(r, k, program, cause, stval):
    got = k.get(program)
    if not got:
        r.fail("%s was not killed (expected a %s at 0x%x)" % (program, cause, stval))
    c, _, v = got[0]
    if c != cause or v != stval:
        r.fail("%s was killed for %s at 0x%x; expected %s at 0x%x" % (program, c, v, cause, stval))


@pytest.mark.points(3)
def test_isolation(boot):
    """Another AS's secret is out of reach (its physical address faults), and so is the kernel."""
    r = run(boot, ["secret", "snoop", "snoop_kernel"], slice_us=0)
    m = r.one("secret", r"va=([0-9a-f]+) pa=([0-9a-f]+)")
    secret_va, secret_pa = int(m.group(1), 16), int(m.group(2), 16)
    s = r.one("snoop", r"own=([0-9a-f]+) target=([0-9a-f]+)")
    if int(s.group(1), 16) != 0:
        r.fail("snoop found %s at the secret's virtual address in its own AS: ASes are not separate" % s.group(1))
    if int(s.group(2), 16) != secret_pa:
        r.fail("physical(va, 1) told snoop 0x%s, but secret reported its page at 0x%x" % (s.group(2), secret_pa))
    k = kills(r)
    expect_kill(r, k, "snoop", "load-page-fault", secret_pa)
    kernel_target = KERNEL_BASE + ((program_seed(r.seed, 2) % 4096) << 3)
    expect_kill(r, k, "snoop_kernel", "load-page-fault", kernel_target)
    r.forbid(r"read=")
    still = SplitMix64(program_seed(r.seed, 0)).next()
    r.expect_reports("secret", ["va=%x pa=%x" % (secret_va, secret_pa), "still=%x" % still])
    r.expect_exit(0)


@pytest.mark.points(3)
def test_write_xor_execute(boot, stage):
    """Writing its own text faults; executing its data or its stack faults."""
    r = run(boot, ["wx_text", "wx_data", "wx_data"], slice_us=0)
    k = kills(r)
    t = r.one("wx_text", r"target=([0-9a-f]+)")
    expect_kill(r, k, "wx_text", "store-page-fault", int(t.group(1), 16))
    targets = [int(re.fullmatch(r"target=([0-9a-f]+)", l).group(1), 16) for l in r.reported("wx_data")
               if l.startswith("target=")]
    got = k.get("wx_data", [])
    if len(targets) != 2 or len(got) != 2:
        r.fail("expected two wx_data runs, each killed; got %d report(s) and %d kill(s)" % (len(targets), len(got)))
    for target, (cause, sepc, stval) in zip(targets, got):
        if cause != "instruction-page-fault" or stval != target:
            r.fail("wx_data jumped to 0x%x and was killed for %s at 0x%x; expected an instruction-page-fault there"
                   % (target, cause, stval))
    r.forbid(r"survived")
    r.expect_exit(0)


@pytest.mark.points(3)
def test_syscalls_reject_bad_pointers(boot):
    """Kernel, unmapped, page-crossing and over-long user pointers give -EFAULT; the kernel goes on."""
    r = run(boot, ["efault", "hello"], slice_us=0)
    rng = SplitMix64(program_seed(r.seed, 0))
    rng.next(), rng.next()
    want = "kernel=%d unmapped=%d crossing=%d long=%d kstring=%d physical=%d after=%x" % (
        (EFAULT,) * 6 + (rng.next(),))
    r.expect_reports("efault", [want])
    if not r.reported("hello"):
        r.fail("the program after efault did not run")
    r.expect_exit(0)


@pytest.mark.points(2)
def test_guard_page_catches_stack_overflow(boot):
    """Endless recursion runs into the unmapped page below the stack: a clean kill."""
    r = run(boot, ["overflow", "hello"], slice_us=0)
    k = kills(r)
    got = k.get("overflow")
    guard = USER_STACK_TOP - (STACK_PAGES + 1) * PAGE
    if not got:
        r.fail("overflow was not killed")
    cause, _, stval = got[0]
    if cause != "store-page-fault" or not guard <= stval < guard + PAGE:
        r.fail("overflow was killed for %s at 0x%x; expected a store-page-fault in the guard page 0x%x..0x%x"
               % (cause, stval, guard, guard + PAGE))
    if not r.reported("hello"):
        r.fail("the program after overflow did not run")
    r.expect_exit(0)


@pytest.mark.points(3)
def test_no_frame_leaks(boot):
    """200 processes spawned, run and waited for: every frame comes back; wait checks its argument."""
    r = run(boot, ["spawner"], timeout=120)
    r.expect_reports("spawner", ["rounds=200 bad=0 leaked=0", "wait_stranger=%d" % ECHILD])
    m = r.one("run", r"done ok=1 ticks=\d+ frames_leaked=(-?\d+) spaces=(\d+)")
    if m.group(1) != "0" or m.group(2) != "0":
        r.fail("after the run %s frame(s) were missing and %s address space(s) still alive" % (m.group(1), m.group(2)))
    r.expect_exit(0)


@pytest.mark.points(3)
def test_shared_address_space(boot):
    """Two processes in one AS see each other's writes; a third, in its own AS, sees neither."""
    r = run(boot, ["sharer", "sharer@1", "sharer"], slice_us=0)
    tokens = {pid: SplitMix64(program_seed(r.seed, pid - 1)).next() & 0xFFFFFF for pid in (1, 2, 3)}
    shared = [0] * 4
    shared[1], shared[2] = tokens[1], tokens[2]
    alone = [0] * 4
    alone[3] = tokens[3]
    want = ["pid=%d boxes=%s" % (pid, ",".join("%x" % v for v in boxes))
            for pid, boxes in ((1, shared), (2, shared), (3, alone))]
    r.expect_reports("sharer", want)
    r.expect_exit(0)


# ---- malformed ELF files ------------------------------------------------------------
def elf_variants(data, seed):
    """(name, bytes, should_load) for the valid ELF and seeded malformed variants of it."""
    rng = SplitMix64(seed)
    ehdr = list(struct.unpack_from("<16sHHIQQQIHHHHHH", data, 0))
    phoff, phentsize, phnum = ehdr[5], ehdr[9], ehdr[10]
    loads = [i for i in range(phnum) if struct.unpack_from("<I", data, phoff + i * phentsize)[0] == 1
             and struct.unpack_from("<Q", data, phoff + i * phentsize + 40)[0] > 0]  # PT_LOAD, not empty

    def patched(offset, fmt, value):
        out = bytearray(data)
        struct.pack_into(fmt, out, offset, value)
        return bytes(out)

    def ph(i, field):  # offsets inside an Elf64_Phdr
        return phoff + loads[i] * phentsize + {"flags": 4, "offset": 8, "vaddr": 16, "filesz": 32, "memsz": 40}[field]

    first_vaddr = struct.unpack_from("<Q", data, ph(0, "vaddr"))[0]
    last_end = max(struct.unpack_from("<Q", data, ph(i, "offset"))[0] + struct.unpack_from("<Q", data, ph(i, "filesz"))[0]
                   for i in range(len(loads)))
    variants = [
        ("bad magic", patched(1 + rng.below(3), "<B", 0x58)),
        ("32-bit class", patched(4, "<B", 1)),
        ("not RISC-V", patched(18, "<H", 62)),
        ("program headers past the end", patched(32, "<Q", len(data) + rng.below(1 << 20))),
        ("segment in kernel memory", patched(ph(len(loads) - 1, "vaddr"), "<Q", KERNEL_BASE + (rng.below(64) << 12))),
        ("overlapping segments", patched(ph(1, "vaddr"), "<Q", first_vaddr)),
        ("writable and executable", patched(ph(0, "flags"), "<I", 7)),
        ("entry outside the code", patched(24, "<Q", 0x7000000 + (rng.below(64) << 12))),
        ("file smaller than memory", patched(ph(0, "memsz"), "<Q", 1)),
        ("truncated", data[:max(64, last_end - 1 - rng.below(min(256, last_end - 64)))]),
    ]
    picked = sorted(variants, key=lambda _: rng.next())[:4]
    return [("valid", data, True)] + [(n, d, False) for n, d in picked]


@pytest.mark.points(4)
def test_malformed_elf_refused(boot, stage, tmp_path):
    """Seeded malformed ELF images (bad magic, overlaps, kernel-range or W+X segments,
    truncation...) are refused with a reason and never run; the valid one runs."""
    stage.build()
    with open(os.path.join(stage.build_dir, "user", "hello.elf"), "rb") as f:
        hello = f.read()
    at = 0x87000000  # in RAM (128 MiB), above anything the kernel allocates first
    for name, data, should_load in elf_variants(hello, secrets.randbits(63)):
        path = tmp_path / ("%s.elf" % name.replace(" ", "_"))
        path.write_bytes(data)
        r = boot(args="elf_at=0x%x elf_size=%d" % (at, len(data)),
                 extra=["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, at)])
        r.forbid(r"^panic:", r"kernel trap:")
        accepted, refused = r.reported("elf"), [l for l in r.reported("elf") if l.startswith("refused")]
        if should_load:
            if not accepted or not accepted[0].startswith("accepted") or not r.reported("hello"):
                r.fail("the valid hello.elf (%d bytes at 0x%x) was not loaded and run" % (len(data), at))
        else:
            if not refused:
                r.fail("a malformed ELF (%s) was not refused" % name)
            if r.reported("hello"):
                r.fail("a malformed ELF (%s) was refused but ran anyway" % name)
        r.expect_exit(0)
