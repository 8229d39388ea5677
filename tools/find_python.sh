#!/bin/sh
# tools/find_python.sh: print the first Python 3 that imports pytest and pexpect.
# The python3 first on PATH may lack them; Debian's /usr/bin/python3 has them after
# `apt-get install python3-pytest python3-pexpect`. Prints nothing and fails if none does.
for candidate in "$SQUALL_PYTHON" /usr/bin/python3 python3 python3.13 python3.12 python3.11 /usr/local/bin/python3; do
  [ -n "$candidate" ] || continue
  command -v "$candidate" >/dev/null 2>&1 || continue
  if "$candidate" -c 'import pytest, pexpect' >/dev/null 2>&1; then
    command -v "$candidate"
    exit 0
  fi
done
exit 1
