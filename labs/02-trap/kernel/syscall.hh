// kernel/syscall.hh: the system calls of the full path, the fast functions, and their
// tables. Layer: kernel/syscall. Numbers and the calling convention: lib/syscall_abi.hh.
#pragma once
#include "kernel/trap_frame.hh"
#include "lib/syscall_abi.hh"

// A handler reads its arguments from the frame (a0..a5) and returns the result that
// goes back in a0. Handlers that end or switch the program tell the process layer.
using SyscallHandler = long (*)(TrapFrame& frame);
// A fast function gets a0..a5 and returns a0; it runs with no trap frame saved.
using FastFunction = long (*)(long, long, long, long, long, long);

// The handlers, indexed by syscall number (nullptr = no such call), and the fast
// functions, indexed by id. This lab's own are there from the start.
extern SyscallHandler g_syscall_table[kMaxSyscalls];
extern FastFunction g_fast_table[kMaxFastCalls];

// syscall_register(number, handler) / fast_register(id, function): the extension points
// of the two tables: a later layer adds its calls in its LAYER_SETUP (kernel/hooks.hh).
// A number out of range or already taken panics: two labs claimed one number.
void syscall_register(long number, SyscallHandler handler);
void fast_register(long id, FastFunction function);

// syscall_dispatch(frame): run the syscall the frame describes (a7 = number) and
// return its result; -ENOSYS for unknown numbers. a7 == 0 is a fast call that came
// the long way (before the fast path exists): it goes to fast_syscall() with a0..a6.
// (Lab 02 hole: kernel/syscall.cc.)
long syscall_dispatch(TrapFrame& frame);
