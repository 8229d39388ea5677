// kernel/syscall_process.cc: the syscalls lab 03 adds: spawn, wait, frames, physical.
// Layer: kernel/syscall. (Lab 02's table refers to these weakly.)
#include "kernel/console.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/process.hh"
#include "kernel/syscall.hh"
#include "kernel/uaccess.hh"

// spawn(name, share): start the named program; share = 1 puts it in the caller's AS.
long do_spawn(TrapFrame& f) {
  char name[32];
  Result<u64> length = copy_string_from_user(name, f.a(0), sizeof name);
  if (!length.ok()) return -kErrFault;  // unreadable, or longer than any program name
  const UserProgram* program = find_user_program(name, length.value());
  if (!program) return -kErrNotFound;
  Process& me = current_process();
  AddressSpace* share = nullptr;
  if (f.a(1) == 1) {
    if (program != me.program) return -kErrInvalid;  // the AS holds my program, not that one
    share = me.space;
  }
  const char* why = "";
  Result<int> pid = process_spawn(program, me.pid, share, &why);
  if (!pid.ok()) return pid.error() == Error::no_memory ? -kErrNoMemory : -kErrInvalid;
  return pid.value();
}

// wait(pid): the child's exit status. While the child still runs, the call is restarted
// (sepc back on the ecall) and the CPU goes to the others; a0 keeps the pid.
long do_wait(TrapFrame& f) {
  int pid = int(f.a(0));
  Process* child = find_process(pid);
  if (!child || child->parent != current_process().pid) return -kErrChild;
  if (child->state == ProcessState::zombie) {
    i64 status = child->exit_status;
    process_reap(*child);
    return long(status);
  }
  f.sepc -= 4;
  process_yield();
  return pid;
}

long do_frames(TrapFrame&) { return long(frames_free()); }

// physical(va, pid): where a page of process pid (0 = me) really is. The isolation
// tests aim at it from another AS: knowing an address must not be enough to read it.
long do_physical(TrapFrame& f) {
  Process* owner = f.a(1) == 0 ? &current_process() : find_process(int(f.a(1)));
  if (!owner || !owner->space) return -kErrNotFound;
  Result<u64> pa = user_page_address(owner->space->table, f.a(0), false);
  return pa.ok() ? long(pa.value()) : -kErrFault;
}
