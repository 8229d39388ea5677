// user/programs/fastregs.cc: the fast path keeps sp, gp, tp and s0..s11 intact.
#include "user/lib/regcheck.hh"
#include "user/lib/ulib.hh"

int main(u64 seed) {
  SplitMix64 rng(seed);
  u64 patterns[14];
  u64 sum = 0;
  for (u64& p : patterns) sum += (p = rng.next());
  long calls = long(200 + rng.below(200));
  u64 damaged = fast_preserve_check(patterns, calls);
  ureport("fastregs calls=%ld damaged=%lx sum=%lx", calls, damaged, sum);
  return 0;
}
