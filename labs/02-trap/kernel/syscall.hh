// kernel/syscall.hh: the system calls of the full path, and their dispatcher.
// Layer: kernel/syscall. Numbers and the calling convention: lib/syscall_abi.hh.
#pragma once
#include "kernel/trap_frame.hh"
#include "lib/syscall_abi.hh"

// A handler reads its arguments from the frame (a0..a5) and returns the result that
// goes back in a0. Handlers that end or switch the program tell the process layer.
using SyscallHandler = long (*)(TrapFrame& frame);

// The handlers, indexed by syscall number (nullptr = no such call).
extern const SyscallHandler g_syscall_table[sys::count];

// syscall_dispatch(frame): run the syscall the frame describes (a7 = number) and
// return its result; -ENOSYS for unknown numbers. a7 == 0 is a fast call that came
// the long way (before the fast path exists): it goes to fast_syscall() with a0..a6.
// (Lab 02 hole: kernel/syscall.cc.)
long syscall_dispatch(TrapFrame& frame);
