// lib/sched_abi.hh: the calls lab 04 adds: registering an executor, and yield as a fast
// syscall. Layer: lib (user/kernel boundary). Same conventions as lib/syscall_abi.hh.
#pragma once
#include "lib/syscall_abi.hh"

namespace sys {
constexpr long executor = 13;  // executor(entry, arg, extra): where this process's executor
                               //   starts afresh after the kernel switched away from it
                               //   (entry(arg, 0, 0)); `extra` is for later layers (0 here)
}  // namespace sys

namespace fast {
constexpr long yield = 4;      // yield(task) -> the kernel pops the shared scheduler (see
                               //   kernel/executor.cc); 0 = nothing left, 1 = your turn;
                               //   task != 0: first set that (yielding) task ready
}  // namespace fast
