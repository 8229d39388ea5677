#!/usr/bin/env python3
"""tools/symbolize.py: `make symbolize`: turn a panic backtrace into function names.

Reads a serial log (a file, or standard input) and prints it with every backtrace line
("  #N 0x...", "  #f 0x...") followed by the function and source line that address lies
in, resolved with addr2line against the kernel ELF of the build directory. A return
address points after its call, so the line of the call is that of address - 1 (#f, the
faulting pc itself, is used as it is).

  make symbolize LAB=NN [LOG=file]     # LOG defaults to standard input
  python3 tools/symbolize.py --build build/lab01 [LOG]
"""
import argparse
import os
import re
import subprocess
import sys

CROSS = os.environ.get("CROSS", "riscv64-unknown-elf-")
FRAME = re.compile(r"^\s*#(\d+|f)\s+(0x[0-9a-fA-F]+)\s*$")


def resolve(elf, address):
    out = subprocess.run([CROSS + "addr2line", "-f", "-C", "-p", "-e", elf, "0x%x" % address],
                         capture_output=True, text=True).stdout.strip()
    return out or "??"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="the build directory (its kernel.elf)")
    ap.add_argument("log", nargs="?", help="a serial log (default: standard input)")
    args = ap.parse_args()
    elf = os.path.join(args.build, "kernel.elf")
    if not os.path.exists(elf):
        sys.exit("symbolize: no %s: build that stage first (make LAB=NN)" % elf)
    lines = open(args.log, errors="replace") if args.log else sys.stdin
    for line in lines:
        line = line.rstrip("\r\n")
        print(line)
        m = FRAME.match(line)
        if m:
            address = int(m.group(2), 16)
            print("        -> %s" % resolve(elf, address if m.group(1) == "f" else address - 1))


if __name__ == "__main__":
    main()
