// user/programs/snoop.cc: tries to read the secret of process 1 (user/programs/secret.cc):
// at the same virtual address in its own AS it finds its own zero; through the physical
// address (the kernel's direct map, U = 0 in every user table) it must fault.
#include "user/lib/process.hh"
#include "user/lib/ulib.hh"

static volatile u64 g_secret[2];  // same layout as secret.cc: the same virtual address

int main(u64 seed) {
  long target = sys_physical(const_cast<u64*>(&g_secret[0]), 1);
  ureport("snoop own=%lx target=%lx", g_secret[0], target);
  u64 value = *reinterpret_cast<volatile u64*>(target);
  ureport("snoop read=%lx", value);
  return 0;
}
