// kernel/syscall.cc: the full path's syscall dispatcher. Layer: kernel/syscall. (Lab 02 hole.)
#include "kernel/syscall.hh"
#include "kernel/trap.hh"

long syscall_dispatch(TrapFrame& frame) {
  // TODO(lab02): look the number (a7) up in g_syscall_table and call the handler.
  //  - an a7 outside the table, or an empty slot, gets error_return(Error::no_sys);
  //  - a7 == 0 is a fast call: hand a0..a6 to fast_syscall().
  return error_return(Error::no_sys);
}
