// user/lib/runtime_sys.hh: every system service the async runtime (heap.cc, runtime.cc)
// uses, gathered in one place. Layer: user/lib.
//   payload (user/lib/payload.hh): task_add, task_pop, task_remove, task_set_state, fast_yield,
//   fast_yield_task
//   syscalls: sys_exit, sys_executor, sys_resume_preempted;  grader lines: ureport
// The host test (runtime_test.cc) defines SQUALL_RUNTIME_SYS and stand-ins for exactly
// these names, then includes heap.cc and runtime.cc: no other host-only code is needed.
#pragma once
#include "lib/executor_abi.hh"
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

// sys_executor(entry, arg, mailbox): register where the kernel restarts this process's
// executor (entry(arg), on a fresh stack) and the mailbox of lib/executor_abi.hh.
inline long sys_executor(u64 entry, u64 arg, PreemptMailbox* mailbox) {
  return syscall6(sys::executor, long(entry), long(arg), long(mailbox));
}

// sys_resume_preempted(id): continue task `id` where the timer interrupted it. Returns
// only on failure (a negative error; error_return(Error::invalid): the kernel holds nothing for it).
inline long sys_resume_preempted(u32 task_id) { return syscall6(sys::resume_preempted, long(task_id)); }
