// kernel/syscall_process.cc: the syscalls lab 03 adds: spawn, wait, frames, physical
// (lib/process_abi.hh), registered in the syscall table at start-up.
// Layer: kernel/syscall.
#include "kernel/console.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/hooks.hh"
#include "kernel/process.hh"
#include "kernel/syscall.hh"
#include "kernel/uaccess.hh"
#include "kernel/user_pages.hh"
#include "lib/process_abi.hh"

namespace {

// spawn(name, share): start the named program; share = 1 puts it in the caller's AS.
long do_spawn(TrapFrame& f) {
  char name[32];
  Result<u64> length = copy_string_from_user(name, f.a(0), sizeof name);
  if (!length.ok()) return error_return(Error::fault);  // unreadable, or longer than any program name
  const UserProgram* program = find_user_program(name, length.value());
  if (!program) return error_return(Error::not_found);
  Process& me = current_process();
  AddressSpace* share = nullptr;
  if (f.a(1) == 1) {
    if (program != me.program) return error_return(Error::invalid);  // the AS holds my program, not that one
    share = me.space;
  }
  const char* why = "";
  Result<int> pid = process_spawn(program, me.pid, share, &why);
  if (!pid.ok()) return pid.error() == Error::no_memory ? error_return(Error::no_memory) : error_return(Error::invalid);
  return pid.value();
}

// wait(pid): the child's exit status. While the child still runs, the call is restarted
// (sepc back on the ecall) and the CPU goes to the others; a0 keeps the pid.
long do_wait(TrapFrame& f) {
  int pid = int(f.a(0));
  Process* child = find_process(pid);
  if (!child || child->parent != current_process().pid) return error_return(Error::no_child);
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
  if (!owner || !owner->space) return error_return(Error::not_found);
  Result<u64> pa = user_page_address(owner->space->table, f.a(0), false);
  return pa.ok() ? long(pa.value()) : error_return(Error::fault);
}
}  // namespace

LAYER_SETUP("03", process_syscalls) {
  syscall_register(sys::spawn, do_spawn);
  syscall_register(sys::wait, do_wait);
  syscall_register(sys::frames, do_frames);
  syscall_register(sys::physical, do_physical);
}
