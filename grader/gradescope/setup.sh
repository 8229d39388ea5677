#!/usr/bin/env bash
# grader/gradescope/setup.sh: Gradescope autograder setup for Squall (bundled by
# `make gradescope`). Gradescope runs it once, as root, when it builds the autograder
# image: it installs the toolchain from Debian/Ubuntu packages (tools/install_deps.sh)
# and then checks it (tools/check_env.sh --report fails if QEMU is older than 7.2: pick
# Gradescope's newest Ubuntu base image, or a Debian 12 image).
set -euo pipefail
cd "$(cd "$(dirname "$0")" && pwd)/squall"
tools/install_deps.sh
tools/check_env.sh --report
