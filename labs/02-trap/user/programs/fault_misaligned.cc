// user/programs/fault_misaligned.cc: an atomic on a misaligned address; must be killed.
#include "user/lib/ulib.hh"

alignas(16) static u64 g_words[4];

int main(u64 seed) {
  ureport("fault_misaligned start");
  u64 address = uptr(g_words) + 1 + (seed % 7);  // never 8-aligned
  asm volatile("amoadd.d zero, %1, (%0)" : : "r"(address), "r"(1) : "memory");
  ureport("fault_misaligned survived");
  return 0;
}
