// user/programs/fault_store.cc: stores where nothing is; must be killed.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  ureport("fault_store start");
  u64 address = (1ull << 40) + ((seed & 0xffff) << 3);
  *reinterpret_cast<volatile u64*>(address) = seed;
  ureport("fault_store survived");
  return 0;
}
