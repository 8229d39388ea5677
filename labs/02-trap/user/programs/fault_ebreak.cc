// user/programs/fault_ebreak.cc: a breakpoint with no debugger; must be killed.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  ureport("fault_ebreak start");
  asm volatile("ebreak" ::: "memory");
  ureport("fault_ebreak survived");
  return 0;
}
