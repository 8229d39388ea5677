// user/programs/clock.cc: spins for a seeded stretch of virtual time and reports how
// many timer ticks the kernel counted meanwhile.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  u64 duration = 10'000'000 / 1000 * (20 + seed % 30);  // 20..49 ms of `time` at 10 MHz
  long ticks_before = sys_ticks();
  u64 start = read_time();
  while (read_time() - start < duration) {
  }
  u64 elapsed = read_time() - start;
  long ticks = sys_ticks() - ticks_before;
  ureport("clock duration=%lu elapsed=%lu ticks=%ld", duration, elapsed, ticks);
  return 0;
}
