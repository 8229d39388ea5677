#!/bin/sh
# tools/install_deps.sh: install Squall's toolchain from Debian/Ubuntu packages (as root).
set -e
PACKAGES="make g++ gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf opensbi qemu-system-misc \
gdb-multiarch python3 python3-pytest python3-pexpect python3-matplotlib dosfstools mtools"
if [ "$(id -u)" != 0 ]; then
  echo "install_deps: run as root, or run: sudo apt-get update && sudo apt-get install -y $PACKAGES" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_deps: no apt-get here; install the equivalents of: $PACKAGES" >&2
  exit 1
fi
echo "install_deps: apt-get update && apt-get install $PACKAGES"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
echo "install_deps: done"
