// kernel/kernel_stack.hh: a process's kernel stack and its trap frame. Layer: kernel/trap.
// The stack ends exactly where the trap frame starts, so the trap vector reaches both
// through one pointer (sscratch): the fast path runs on the stack, the full path fills
// the frame.
#pragma once
#include "kernel/trap_frame.hh"
#include "lib/param.hh"

struct alignas(16) KernelStack {
  u8 bytes[kKernelStackSize];
  TrapFrame frame;
};
