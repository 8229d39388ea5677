"""grader/harness/stage.py: build one stage of the kernel and boot it for a test.

A Stage is (source tree, lab, how many labs have their solutions overlaid). build()
runs the project's own Makefile; boot() starts QEMU with a fresh random seed and a
per-run nonce in bootargs, captures the serial console, and returns a BootResult.
Failures are raised as BuildFailed, QemuFailed or TestFailed so that the report can
tell "build failed" from "QEMU failed or crashed" from "test failed".
"""
import os
import re
import secrets
import subprocess
import time

from . import qemu

TIMEOUT_SCALE = float(os.environ.get("SQUALL_TIMEOUT_SCALE", "1"))


class BuildFailed(Exception):
    """The kernel (or a user program, payload, disk image) did not build."""


class QemuFailed(Exception):
    """QEMU could not start, crashed, or the kernel did not finish in time."""


class TestFailed(AssertionError):
    """The kernel ran but did not do what the test expects."""
    __test__ = False  # not a pytest test class


def scaled(seconds):
    return seconds * TIMEOUT_SCALE


class BootResult:
    """What one boot printed, and how QEMU ended."""

    def __init__(self, output, exit_code, seed, nonce, log_path, bootargs, timed_out):
        self.output = output
        self.lines = output.splitlines()
        self.exit_code = exit_code
        self.seed = seed
        self.nonce = nonce
        self.log_path = log_path
        self.bootargs = bootargs
        self.timed_out = timed_out
        prefix = "@%s " % nonce
        # Report lines carry this run's nonce; lines from any other run are ignored.
        self.reports = [l[len(prefix):].rstrip("\r") for l in self.lines if l.startswith(prefix)]

    def reported(self, keyword):
        """The report lines whose first word is `keyword`, without that word."""
        out = []
        for r in self.reports:
            head, _, rest = r.partition(" ")
            if head == keyword:
                out.append(rest)
        return out

    def one(self, keyword, pattern):
        """Match `pattern` against the single report line `keyword ...`; return the match."""
        found = self.reported(keyword)
        if not found:
            self.fail("expected a report line '@<nonce> %s ...' but the kernel printed none" % keyword)
        m = re.fullmatch(pattern, found[0])
        if not m:
            self.fail("report line '%s %s' does not have the expected form '%s %s'" % (keyword, found[0], keyword, pattern))
        return m

    def context(self, n=25):
        tail = self.lines[-n:]
        return "\n".join("    | " + l.rstrip("\r") for l in tail)

    def fail(self, message):
        raise TestFailed("%s\n  seed=0x%x, bootargs: %s\n  last serial lines:\n%s\n  full log: %s"
                         % (message, self.seed, self.bootargs, self.context(), self.log_path))

    def expect_exit(self, code):
        if self.exit_code != code:
            self.fail("QEMU exit status %s, expected %s (%s)" % (
                self.exit_code, code, "clean shutdown" if code == 0 else "failure shutdown"))

    def forbid(self, *patterns):
        for pattern in patterns:
            for i, line in enumerate(self.lines):
                if re.search(pattern, line):
                    lo = max(0, i - 3)
                    around = "\n".join("    | " + l for l in self.lines[lo:i + 4])
                    raise TestFailed("forbidden output matching %r at serial line %d:\n%s\n  full log: %s"
                                     % (pattern, i + 1, around, self.log_path))

    def expect_reports(self, keyword, expected):
        """Every expected line must appear, in order, among `keyword` report lines."""
        got = self.reported(keyword)
        missing, wrong = [], []
        for i, want in enumerate(expected):
            if i >= len(got):
                missing.append(want)
            elif got[i] != want:
                wrong.append((i, want, got[i]))
        if missing or wrong:
            msg = ["'%s' lines differ from what the grader computed from the seed:" % keyword]
            for i, want, have in wrong[:12]:
                msg.append("  #%d expected %r\n      got      %r" % (i, want, have))
            if missing:
                msg.append("  missing %d line(s), first: %r" % (len(missing), missing[0]))
            self.fail("\n".join(msg))


class Stage:
    """One composed kernel: labs 01..lab from `root`, solutions overlaid for labs <= solved."""

    def __init__(self, root, lab, solved=0, build_root=None):
        self.root = os.path.abspath(root)
        self.lab = int(lab)
        self.solved = int(solved)
        self.build_root = os.path.abspath(build_root or os.path.join(self.root, "build"))
        name = "lab%02d" % self.lab
        if self.solved == self.lab:
            name += "-solution"
        elif self.solved:
            name += "-solved%02d" % self.solved
        self.build_dir = os.path.join(self.build_root, name)
        self.log_dir = os.path.join(self.build_dir, "logs")
        self._built = None
        self._build_error = None

    @property
    def elf(self):
        return os.path.join(self.build_dir, "kernel.elf")

    def make(self, *targets, timeout=600):
        cmd = ["make", "-s", "--no-print-directory", "-C", self.root, "LAB=%02d" % self.lab,
               "SOLVED=%d" % self.solved, "BUILD_ROOT=%s" % self.build_root, "SKIP_ENV_CHECK=1"] + list(targets)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(timeout))

    def build(self):
        """Build once per grading session; raise BuildFailed (every time) if it fails."""
        if self._built:
            return self
        if self._build_error:
            raise BuildFailed(self._build_error)
        try:
            r = self.make("kernel")
        except subprocess.TimeoutExpired:
            self._build_error = "build of stage %02d timed out" % self.lab
            raise BuildFailed(self._build_error)
        if r.returncode != 0:
            out = (r.stdout + r.stderr).strip().splitlines()
            self._build_error = "build of stage %02d failed:\n%s" % (self.lab, "\n".join("    " + l for l in out[-40:]))
            raise BuildFailed(self._build_error)
        self._built = True
        return self

    def boot(self, name, test=None, args="", mem="128M", smp=1, icount=False, timeout=30,
             drives=(), seed=None, fill_bss=True, extra=()):
        """Boot the stage once and wait for QEMU to exit. `name` names the log file."""
        self.build()
        os.makedirs(self.log_dir, exist_ok=True)
        if seed is None:
            seed = int(os.environ.get("SQUALL_SEED", "0"), 0) or secrets.randbits(63)
        nonce = secrets.token_hex(6)
        bootargs = "seed=0x%x nonce=%s" % (seed, nonce)
        if test:
            bootargs += " test=%s" % test
        if args:
            bootargs += " " + args
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        log_path = os.path.join(self.log_dir, safe + ".log")
        fill = None
        if fill_bss:
            fill = qemu.make_bss_fill(self.build_dir, seed, os.path.join(self.log_dir, safe + ".bss"))
        cmd = qemu.qemu_command(self.build_dir, bootargs=bootargs, mem=mem, smp=smp, icount=icount,
                                bss_fill=fill, drives=drives, extra=extra)
        started = time.monotonic()
        try:
            proc = qemu.start(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError as e:
            raise QemuFailed("could not start QEMU: %s" % e)
        timed_out = False
        try:
            out, _ = proc.communicate(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            timed_out = True
            qemu.kill(proc)
            out, _ = proc.communicate()
        finally:
            qemu.kill(proc)
        text = out.decode("utf-8", "replace")
        with open(log_path, "w") as f:
            f.write("# %s\n# seed=0x%x nonce=%s exit=%s time=%.2fs\n%s" % (
                " ".join(cmd), seed, nonce, proc.returncode, time.monotonic() - started, text))
        result = BootResult(text, proc.returncode, seed, nonce, log_path, bootargs, timed_out)
        if timed_out:
            raise QemuFailed("the kernel did not shut down within %.0f s (hung, or too slow)\n  seed=0x%x, bootargs: %s\n"
                             "  last serial lines:\n%s\n  full log: %s"
                             % (scaled(timeout), seed, bootargs, result.context(), log_path))
        if proc.returncode not in (0, 1):
            raise QemuFailed("QEMU ended with status %s (crashed, or refused its arguments)\n  last lines:\n%s\n  full log: %s"
                             % (proc.returncode, result.context(), log_path))
        return result
