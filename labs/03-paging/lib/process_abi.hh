// lib/process_abi.hh: the syscalls lab 03 adds: processes in address spaces.
// Layer: lib (user/kernel boundary). Same conventions as lib/syscall_abi.hh.
#pragma once
#include "lib/syscall_abi.hh"

namespace sys {
constexpr long spawn = 9;      // spawn(name, share) -> pid; name NUL-terminated;
                               //   share = 1: in the caller's AS (the same program only)
constexpr long wait = 10;      // wait(pid) -> its exit status, once it has exited (a child only)
constexpr long frames = 11;    // frames() -> free physical frames
constexpr long physical = 12;  // physical(va, pid) -> the physical address behind va in pid's
                               //   space (0 = mine); for the isolation tests
}  // namespace sys
