// user/programs/secret.cc: keeps a seeded secret in its data, reports where it lives
// (virtual and physical address) so snoop can try to reach it, then waits a while.
#include "user/lib/process.hh"
#include "user/lib/ulib.hh"

static volatile u64 g_secret[2];

int main(u64 seed) {
  g_secret[0] = SplitMix64(seed).next();
  long physical = sys_physical(const_cast<u64*>(&g_secret[0]));
  ureport("secret va=%lx pa=%lx", uptr(&g_secret[0]), physical);
  for (int i = 0; i < 6; i++) sys_yield();
  ureport("secret still=%lx", g_secret[0]);
  return 0;
}
