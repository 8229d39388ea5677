// user/programs/fault_illegal.cc: executes an illegal instruction; must be killed.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  ureport("fault_illegal start");
  asm volatile(".word 0" ::: "memory");  // all zeros: defined to be illegal
  ureport("fault_illegal survived");
  return 0;
}
