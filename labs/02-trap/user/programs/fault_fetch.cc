// user/programs/fault_fetch.cc: jumps to an address where nothing is; must be killed.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  ureport("fault_fetch start");
  u64 address = (1ull << 40) + ((seed & 0xffff) << 2);
  reinterpret_cast<void (*)()>(address)();
  ureport("fault_fetch survived");
  return 0;
}
