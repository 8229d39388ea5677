// user/programs/storm.cc: a hostile executor that only yields: it never has a task, yet
// it keeps asking the kernel for the CPU through the fast path (seed item 14). The
// kernel must notice, report it and make it wait its turn; the others still finish.
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

namespace {
u64 g_calls;

[[noreturn]] void spin(u64) {
  while (g_calls < 20000) {
    g_calls++;
    fast_yield();
  }
  ureport("storm done calls=%lu", g_calls);
  sys_exit(0);
}
}  // namespace

int main(u64 seed) {
  syscall6(sys::executor, long(spin), 0, 0);
  spin(0);
}
