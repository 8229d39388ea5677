#!/usr/bin/env bash
# fs/run_host_tests.sh: build and run lab 06's file-system host tests (fs/fs_host_test.cc)
# with the host g++ against Squall's own freestanding headers, under ASan and UBSan,
# like `make host-test`. Layer: host tests. Needs dosfstools and mtools.
# Usage: labs/06-async-fs/fs/run_host_tests.sh [extra g++ flags]   (FS_TEST_SEED=n to reseed)
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top"
includes=()
for layer in $(ls -d labs/[0-9][0-9]-* | sort -r); do includes+=(-I"$layer" -I"$layer/lib/std"); done
out=${BUILD_DIR:-build/host}
mkdir -p "$out"
g++ -std=c++20 -nostdinc++ -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
  -fno-exceptions -fno-rtti -Wall -Wextra -Wno-unused-parameter -DSQUALL_DEBUG=1 \
  "${includes[@]}" -Igrader/host "$@" -o "$out/fs_host_test" labs/06-async-fs/fs/fs_host_test.cc
exec timeout "${FS_TEST_TIMEOUT:-900}" "$out/fs_host_test"
