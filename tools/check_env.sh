#!/bin/bash
# tools/check_env.sh: is the Squall toolchain here, in usable versions?
#   --quick   silent when all is well; as root on Debian/Ubuntu installs what is missing
#             (tools/install_deps.sh), otherwise says exactly what to install and fails.
#   --report  print every tool's version and what is missing, with the fix (make check-env).
mode=${1:---report}
here=$(cd "$(dirname "$0")" && pwd)
OPENSBI=${OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}
missing=()   # "what|debian package"
notes=()

check() {
  missing=(); notes=()
  command -v riscv64-unknown-elf-g++ >/dev/null || missing+=("riscv64-unknown-elf-g++|gcc-riscv64-unknown-elf")
  command -v qemu-system-riscv64 >/dev/null || missing+=("qemu-system-riscv64 (>= 7.2)|qemu-system-misc")
  [ -f "$OPENSBI" ] || missing+=("OpenSBI firmware $OPENSBI|opensbi")
  command -v gdb-multiarch >/dev/null || missing+=("gdb-multiarch|gdb-multiarch")
  command -v g++ >/dev/null || missing+=("host g++ (unit tests)|g++")
  "$here/find_python.sh" >/dev/null || missing+=("a python3 that imports pytest and pexpect|python3-pytest python3-pexpect")
  if [ "$mode" = --report ]; then
    command -v mkfs.fat >/dev/null || missing+=("mkfs.fat, fsck.fat (lab 06)|dosfstools")
    command -v mcopy >/dev/null || missing+=("mcopy, mdir (lab 06)|mtools")
  fi
  if command -v qemu-system-riscv64 >/dev/null; then
    v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p' | head -1)
    set -- $v
    if [ -z "$1" ] || [ "$1" -lt 7 ] || { [ "$1" -eq 7 ] && [ "$2" -lt 2 ]; }; then
      notes+=("qemu-system-riscv64 is version ${1:-?}.${2:-?}; Squall needs 7.2 or newer (Debian 12's qemu-system-misc)")
    fi
  fi
}

check
if [ "$mode" = --quick ] && [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "check_env: missing: $(printf '%s; ' "${missing[@]%%|*}")installing with apt"
  "$here/install_deps.sh" || exit 1
  check
fi

if [ "$mode" = --report ]; then
  echo "Squall environment:"
  printf '  %-22s %s\n' "riscv64 g++" "$(riscv64-unknown-elf-g++ --version 2>/dev/null | head -1)"
  printf '  %-22s %s\n' "qemu" "$(qemu-system-riscv64 --version 2>/dev/null | head -1)"
  printf '  %-22s %s\n' "opensbi" "$([ -f "$OPENSBI" ] && echo "$OPENSBI")"
  printf '  %-22s %s\n' "gdb-multiarch" "$(gdb-multiarch --version 2>/dev/null | head -1)"
  printf '  %-22s %s\n' "host g++" "$(g++ --version 2>/dev/null | head -1)"
  py=$("$here/find_python.sh")
  printf '  %-22s %s\n' "python (pytest)" "${py:+$py $("$py" -c 'import pytest,pexpect;print("pytest",pytest.__version__,"pexpect",pexpect.__version__)')}"
  printf '  %-22s %s\n' "dosfstools/mtools" "$(command -v mkfs.fat) $(command -v mcopy)"
fi

status=0
for m in "${missing[@]}"; do
  echo "check_env: missing ${m%%|*}: install Debian/Ubuntu package '${m##*|}' (sudo apt-get install ${m##*|}), or run: sudo tools/install_deps.sh" >&2
  status=1
done
for n in "${notes[@]}"; do echo "check_env: $n" >&2; status=1; done
[ "$mode" = --report ] && [ $status = 0 ] && echo "all tools present"
exit $status
