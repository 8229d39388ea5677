// user/programs/fastwatch.cc: many fast calls, then one full-path call. The gdb test
// watches the trap frame meanwhile: only the full-path call may touch it.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  SplitMix64 rng(seed);
  long calls = long(20 + rng.below(30));
  long sum = 0;
  for (long i = 0; i < calls; i++) sum = fast_add(long(rng.below(1000)));
  long pid = sys_getpid();  // the one full-path call
  ureport("fastwatch calls=%ld sum=%ld pid=%ld", calls, sum, pid);
  return 0;
}
