// user/programs/args.cc: seeded arguments in a0..a5 reach the kernel in the right
// registers, on the full path (sys::echo) and the fast path (fast::echo).
#include "user/lib/ulib.hh"

int main(u64 seed) {
  SplitMix64 rng(seed);
  for (int round = 0; round < 4; round++) {
    u64 v[6];
    for (u64& x : v) x = rng.next();
    long slow = syscall6(sys::echo, long(v[0]), long(v[1]), long(v[2]), long(v[3]), long(v[4]), long(v[5]));
    long quick = fastcall6(fast::echo, long(v[0]), long(v[1]), long(v[2]), long(v[3]), long(v[4]), long(v[5]));
    ureport("args round=%d slow=%lx fast=%lx", round, u64(slow), u64(quick));
  }
  return 0;
}
