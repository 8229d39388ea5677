// user/programs/hello.cc: the smallest user program: print, report, exit.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  uprintf("hello from user mode, pid %ld\n", sys_getpid());
  ureport("hello pid=%ld seed=%lx", sys_getpid(), seed);
  return int(seed & 0x7f);
}
