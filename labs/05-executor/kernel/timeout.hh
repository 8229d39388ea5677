// kernel/timeout.hh: timeouts of tasks (lab 05): saving a timed-out task apart, giving
// its executor a fresh stack, and resuming the task later. Layer: kernel/sched.
#pragma once
#include "kernel/executor.hh"
#include "kernel/process.hh"
#include "lib/executor_abi.hh"

// RuntimeState: per process slot (process_slot(p)), for a process whose runtime
// registered a mailbox; reset when a process starts.
struct RuntimeState {
  u64 mailbox = 0;       // the runtime's PreemptMailbox (user address, 0 = none)
  u64 mailbox_pa = 0;    // its physical address, once checked (0 = not yet)
  bool deferred = false;  // the last tick let it go on (it was in the runtime's code)
  u32 saved_tasks = 0;   // its tasks the kernel holds apart now
  u64 timeout_instructions = 0;  // instructions its timeouts cost
};
extern RuntimeState g_runtimes[kMaxProcesses];
inline RuntimeState& runtime_state(const Process& p) { return g_runtimes[process_slot(p)]; }

// runtime_stack_take(space): a stack for an executor restarted after a timeout: a parked
// one of this AS if any (mapped already: no zeroing), else a new one (as_add_stack).
// runtime_stack_park(space, slot): give that stack back but keep it mapped for the next.
Result<int> runtime_stack_take(AddressSpace& space);
void runtime_stack_park(AddressSpace& space, int slot);

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
