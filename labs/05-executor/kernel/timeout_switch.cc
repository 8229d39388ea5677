// kernel/timeout_switch.cc: saving and restoring a timed-out task. Layer: kernel/sched.
// (Lab 05 hole.)
#include "kernel/timeout.hh"

bool timeout_save(Process& p, PreemptedTask& slot, int fresh_stack) {
  // TODO(lab05): the timer interrupted p while it ran a task. Keep the task:
  //  - copy p's trap frame (p.frame(): every register, sepc, sstatus) into slot.frame and
  //    remember p's current stack slot in slot.stack_slot (the task's stack);
  //  - give p's executor the fresh stack (p.stack_slot = fresh_stack) and restart it there:
  //    process_restart_executor(p, executor_state(p)) (it sets sp, gp, a0-a2 and sepc; the others keep
  //    the task's values, which are p's own).
  //  - return true.
  // Until then the caller undoes its part and p is just preempted.
  (void)p, (void)slot, (void)fresh_stack;
  return false;
}

void timeout_restore(Process& p, PreemptedTask& slot) {
  // TODO(lab05): p's executor (running on the stack timeout_save gave it) wants the task
  // back: give the executor's stack back (runtime_stack_park(*p.space, p.stack_slot): it stays
  // mapped, so the next timeout reuses it without zeroing new frames),
  // put the task's stack slot back (p.stack_slot = slot.stack_slot), copy slot.frame
  // into p's trap frame, and free the slot (slot.task_id = 0).
  (void)p, (void)slot;
}
