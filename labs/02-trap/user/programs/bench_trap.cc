// user/programs/bench_trap.cc: instructions per round trip, for make bench and the
// budget test (run under -icount shift=0, where instret counts exactly).
#include "user/lib/ulib.hh"

namespace {
constexpr long kRounds = 256;

// The loop costs themselves, measured with no call, are subtracted.
template <typename Call> u64 per_call(Call call) {
  u64 start = read_instret();
  for (long i = 0; i < kRounds; i++) call();
  return read_instret() - start;
}
}  // namespace

int main(u64 seed) {
  u64 empty = per_call([] { asm volatile("" ::: "memory"); });
  u64 fast = per_call([] { fast_null(); });
  u64 slow = per_call([] { syscall6(sys::getpid); });
  ureport("bench fast_null %lu", (fast - empty) / kRounds);
  ureport("bench slow_getpid %lu", (slow - empty) / kRounds);

  // A timer interrupt shows up as a jump in instret between two reads in a tight loop.
  u64 ticks_before = u64(sys_ticks());
  u64 previous = read_instret(), normal = ~0ull, worst = 0;
  u64 until = read_time() + 10'000'000 / 1000 * 30;
  while (read_time() < until) {
    u64 now = read_instret();
    u64 delta = now - previous;
    if (delta < normal) normal = delta;
    if (delta > worst) worst = delta;
    previous = now;
  }
  if (u64(sys_ticks()) > ticks_before) ureport("bench timer_interrupt %lu", worst - normal);
  return 0;
}
