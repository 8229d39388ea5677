// user/programs/efault.cc: syscalls handed bad pointers get -EFAULT; the program goes on.
#include "user/lib/process.hh"
#include "user/lib/ulib.hh"

int main(u64 seed) {
  SplitMix64 rng(seed);
  u64 kernel = 0x80200000ull + (rng.below(4096) << 3);
  u64 unmapped = 0x40000000ull + (rng.below(4096) << 12);
  long a = sys_write(reinterpret_cast<const void*>(kernel), 8);
  long b = sys_write(reinterpret_cast<const void*>(unmapped), 8);
  // A range that starts in the stack and runs off its top into unmapped memory (main's
  // frame is in the stack's top page; the page above the stack is never mapped).
  u64 stack_end = (uptr(&rng) | 0xfff) + 1;
  long c = sys_write(reinterpret_cast<const void*>(stack_end - 16), 64);
  // A string with no NUL in the first 32 bytes, and one that runs into the kernel.
  char long_name[64];
  for (char& ch : long_name) ch = 'a';
  long d = sys_spawn(long_name);
  long e = sys_spawn(reinterpret_cast<const char*>(kernel));
  long f = sys_physical(reinterpret_cast<const void*>(unmapped));
  ureport("efault kernel=%ld unmapped=%ld crossing=%ld long=%ld kstring=%ld physical=%ld after=%lx", a, b, c, d, e,
          f, rng.next());
  return 0;
}
