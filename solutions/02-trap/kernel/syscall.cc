// kernel/syscall.cc: the full path's syscall dispatcher. Layer: kernel/syscall. (Reference solution.)
#include "kernel/syscall.hh"
#include "kernel/trap.hh"

long syscall_dispatch(TrapFrame& frame) {
  u64 number = frame.a(7);
  if (number == 0)
    return fast_syscall(long(frame.a(0)), long(frame.a(1)), long(frame.a(2)), long(frame.a(3)), long(frame.a(4)),
                        long(frame.a(5)), long(frame.a(6)));
  // Unsigned compare: a "negative" number is just a very large one, also rejected.
  if (number >= u64(kMaxSyscalls) || g_syscall_table[number] == nullptr) return error_return(Error::no_sys);
  return g_syscall_table[number](frame);
}
