// kernel/timeout.hh: timeouts of tasks (lab 05): saving a timed-out task apart, giving
// its executor a fresh stack, and resuming the task later. Layer: kernel/sched.
#pragma once
#include "kernel/process.hh"
#include "lib/executor_abi.hh"

constexpr int kMaxPreempted = 32;

// A task the timer interrupted: its registers (and the stack slot they point into).
struct PreemptedTask {
  u32 task_id = 0;  // 0: a free slot
  int pid = 0;
  int stack_slot = 0;
  TrapFrame frame;
};

extern PreemptedTask g_preempted[kMaxPreempted];

// timeout_save(p, slot, fresh_stack): the timer interrupted p's task: keep p's registers
// and stack slot in `slot`, and restart p's executor on fresh_stack. False if it did
// nothing (the open hole). (Lab 05 hole: kernel/timeout_switch.cc.)
bool timeout_save(Process& p, PreemptedTask& slot, int fresh_stack);
// timeout_restore(p, slot): p's executor asked for the task back: p continues the task
// where it was interrupted, on the task's stack; the executor's stack is parked (kept
// mapped for the next timeout of this AS); the slot is free again. (Lab 05 hole: kernel/timeout_switch.cc.)
void timeout_restore(Process& p, PreemptedTask& slot);
