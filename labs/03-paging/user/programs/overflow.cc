// user/programs/overflow.cc: recurses until its stack runs into the guard page.
#include "user/lib/ulib.hh"

#pragma GCC diagnostic ignored "-Winfinite-recursion"  // on purpose: it ends at the guard page
[[gnu::noinline]] static u64 dive(u64 depth) {
  volatile u8 pad[512];
  pad[0] = u8(depth);
  return dive(depth + 1) + pad[0];
}

int main(u64 seed) {
  u8 here;
  ureport("overflow sp=%lx", uptr(&here));
  return int(dive(0));
}
