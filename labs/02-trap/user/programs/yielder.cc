// user/programs/yielder.cc: reports a seeded token per step and yields between steps.
// Several yielders with no timer must take strict turns.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  SplitMix64 rng(seed);
  long pid = sys_getpid();
  int steps = 3 + int(seed % 3);
  for (int step = 1; step <= steps; step++) {
    ureport("yielder pid=%ld step=%d token=%lx", pid, step, rng.next() & 0xffff);
    sys_yield();
  }
  return 0;
}
