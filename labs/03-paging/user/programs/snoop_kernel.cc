// user/programs/snoop_kernel.cc: reads kernel memory at a seeded address; must fault.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  u64 target = 0x80200000ull + ((seed % 4096) << 3);  // inside the kernel image
  ureport("snoop_kernel target=%lx", target);
  u64 value = *reinterpret_cast<volatile u64*>(target);
  ureport("snoop_kernel read=%lx", value);
  return 0;
}
