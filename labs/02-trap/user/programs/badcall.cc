// user/programs/badcall.cc: unknown syscall numbers and fast ids return -ENOSYS and
// the program carries on.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  SplitMix64 rng(seed);
  long slow_number = long(kMaxSyscalls + rng.below(1000));
  long huge_number = long(rng.next() | (1ull << 63));
  long fast_id = long(kMaxFastCalls + rng.below(1000));
  long a = syscall6(slow_number, 1, 2, 3);
  long b = syscall6(huge_number);
  long c = fastcall6(fast_id, 1, 2, 3);
  long d = sys_write(reinterpret_cast<const void*>(rng.next() | (1ull << 63)), 16);  // a bad pointer
  ureport("badcall slow=%ld huge=%ld fast=%ld pointer=%ld after=%lx", a, b, c, d, rng.next());
  return 0;
}
