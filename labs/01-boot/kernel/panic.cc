// kernel/panic.cc: stop the kernel with a message and a backtrace.
// Layer: kernel/console.
#include "kernel/panic.hh"
#include "kernel/boot.hh"
#include "kernel/console.hh"
#include "lib/param.hh"

namespace {
EARLY_DATA bool g_panicking;
}

bool kernel_stack_contains(u64 address) {
  // Any RAM the kernel image owns (the boot stack included).
  return address >= uptr(__kernel_start) && address <= uptr(__kernel_end);
}

void print_backtrace(u64 fp) {
  kprintf("backtrace:\n");
  for (int depth = 0; depth < kBacktraceMaxFrames; depth++) {
    if ((fp & 7) != 0 || !kernel_stack_contains(fp - 16) || !kernel_stack_contains(fp)) break;
    u64 ra = reinterpret_cast<const u64*>(fp)[-1];
    u64 previous = reinterpret_cast<const u64*>(fp)[-2];
    if (ra == 0) break;
    kprintf("  #%d %p\n", depth, reinterpret_cast<void*>(ra));
    if (previous <= fp) break;  // frames grow toward higher addresses as we unwind
    fp = previous;
  }
}

void panic(const char* fmt, ...) {
  asm volatile("csrw sie, zero");
  if (g_panicking) shutdown(false);  // a panic while panicking: just stop
  g_panicking = true;
  kprintf("\npanic: ");
  va_list args;
  va_start(args, fmt);
  vkprintf(fmt, args);
  va_end(args);
  kprintf("\n");
  print_backtrace(u64(__builtin_frame_address(0)));
  shutdown(false);
}
