// user/lib/preempt.hh: "runtime mode", the user half of task timeouts (seed items 2, 12).
// Layer: user/lib. The mailbox (lib/executor_abi.hh), as the runtime uses it:
//  * current_task: the runtime writes the id of the task it resumes, and 0 again when
//    the task comes back. At a timer tick with current_task = T != 0 the kernel saves
//    T apart, lists T in preempted[], sets T ready in the payload, writes
//    current_task = 0 and restarts the executor at its entry on a fresh stack.
//    With current_task == 0 the kernel only preempts the process as a whole (its
//    registers stay in its frame and it goes on where it was).
//  * So the runtime's own code, which is not reentrant (heap, payload calls, join and
//    yield bookkeeping, the executor loop), runs with current_task == 0: a task that
//    enters it saves its id and clears the word (preempt_off), and puts the id back
//    when it leaves (preempt_restore). A task that suspends leaves the word at 0: the
//    executor takes over from there. The preempted[] list is only edited by the
//    runtime then, while the kernel appends to it only when current_task != 0.
#pragma once
#include "lib/executor_abi.hh"

extern PreemptMailbox g_preempt_mailbox;  // user/lib/runtime.cc; registered with the kernel

// The kernel reads and writes the mailbox between any two instructions: access it only
// through volatile, behind compiler barriers (one hart: traps see every earlier store).
inline volatile u32& mailbox_current_task() {
  return *static_cast<volatile u32*>(&g_preempt_mailbox.current_task);
}
inline void compiler_barrier() { asm volatile("" ::: "memory"); }

// preempt_off(): enter runtime mode; returns the running task's id (0: none) for
// preempt_restore.
inline u32 preempt_off() {
  u32 id = mailbox_current_task();
  mailbox_current_task() = 0;
  compiler_barrier();
  return id;
}

// preempt_restore(id): leave runtime mode, back to task `id` (the value preempt_off gave).
inline void preempt_restore(u32 id) {
  compiler_barrier();
  mailbox_current_task() = id;
}

// NoPreempt: runtime mode for one scope.
class NoPreempt {
 public:
  NoPreempt() : saved_(preempt_off()) {}
  ~NoPreempt() { preempt_restore(saved_); }
  NoPreempt(const NoPreempt&) = delete;
  NoPreempt& operator=(const NoPreempt&) = delete;

 private:
  u32 saved_;
};
