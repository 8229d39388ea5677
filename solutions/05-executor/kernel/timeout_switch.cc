// kernel/timeout_switch.cc: saving and restoring a timed-out task. Layer: kernel/sched.
// (Reference solution.)
#include "kernel/timeout.hh"

bool timeout_save(Process& p, PreemptedTask& slot, int fresh_stack) {
  slot.frame = p.frame();
  slot.stack_slot = p.stack_slot;
  p.stack_slot = fresh_stack;
  process_restart_executor(p, executor_state(p));  // its other registers are its own: nothing leaks
  return true;
}

void timeout_restore(Process& p, PreemptedTask& slot) {
  runtime_stack_park(*p.space, p.stack_slot);  // the executor's stack: kept for the next timeout
  p.stack_slot = slot.stack_slot;
  p.frame() = slot.frame;
  slot.task_id = 0;
}
