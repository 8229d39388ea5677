// user/programs/fault_load.cc: loads from an address where nothing is; must be killed.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  ureport("fault_load start");
  // Above QEMU virt's 256 GiB PCIe window: no device and no RAM there.
  u64 address = (1ull << 40) + ((seed & 0xffff) << 3);
  u64 value = *reinterpret_cast<volatile u64*>(address);
  ureport("fault_load survived %lx", value);
  return 0;
}
