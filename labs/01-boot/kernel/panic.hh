// kernel/panic.hh: panic() and the frame-pointer backtrace.
// Layer: kernel/console. The kernel is built with frame pointers, so every frame
// keeps its return address at fp-8 and the caller's frame pointer at fp-16.
#pragma once
#include "lib/types.hh"

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// print_backtrace(fp): print the return addresses of the frames starting at `fp`.
// The grader turns them into function names with addr2line.
void print_backtrace(u64 fp);

// Where a frame pointer may legally point; later labs add their kernel stacks.
bool kernel_stack_contains(u64 address);

#define KASSERT(cond)                                                             \
  do {                                                                            \
    if (!(cond)) panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
  } while (0)
