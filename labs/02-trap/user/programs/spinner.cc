// user/programs/spinner.cc: never yields: only the timer can take the CPU away.
// Reports each step; two spinners' steps interleave when preemption works.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  constexpr int kSteps = 6;
  long pid = sys_getpid();
  for (int step = 1; step <= kSteps; step++) {
    u64 until = read_time() + 10'000'000 / 1000 * 4;  // 4 ms of `time` per step
    while (read_time() < until) {
    }
    ureport("spinner pid=%ld step=%d", pid, step);
  }
  return 0;
}
