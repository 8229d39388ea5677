// lib/executor_abi.hh: what the user async runtime and the kernel share about timeouts
// (lab 05). Layer: lib (user/kernel boundary).
//
// A timer tick that lands while a task runs is a timeout (the seed's 保底). The kernel
// saves that task's registers apart, restarts the process's executor on a fresh stack so
// its other tasks keep running, and tells the runtime through the mailbox. When the
// runtime pops the task again it asks the kernel to resume it (resume_preempted): the
// task continues where it was, on its own stack, and the extra stack is freed.
#pragma once
#include "lib/param.hh"
#include "lib/sched_abi.hh"
#include "lib/types.hh"

// current_task for a running task the payload does not know yet (the runtime registers
// a spawned task only when another party must see it). A tick then registers it: the
// kernel adds it to the payload, ready (repr: current_frame & ~15, priority:
// current_frame & 15; frames are 16-aligned), and writes the new id to registered_task
// (and to preempted[]). Payload ids are below 2^31.
constexpr u32 kUnregisteredTask = 0xffffffff;

// The user runtime's mailbox for the kernel (registered with sys::executor, as `extra`). The
// kernel reads it with copy_from_user and trusts nothing in it.
struct PreemptMailbox {
  u32 current_task;            // the task the executor runs now (0: none); the runtime writes it
  u32 preempted_count;         // how many ids follow; the kernel writes it
  u32 preempted[kMailboxSlots];  // tasks the timer interrupted: their registers are in the kernel
  u64 task_switches;           // task resumes by the executor (switches the kernel never sees)
  u64 current_frame;           // current_task == kUnregisteredTask: its repr | its priority
  u32 registered_task;         // the id a tick gave that task (the kernel writes it; 0: none)
  u32 reserved;
};

namespace sys {
constexpr long resume_preempted = 14;  // resume_preempted(task_id): continue a timed-out
                                       //   task; never returns on success
constexpr long sched_stats = 15;       // sched_stats(SchedStats* out) -> 0
constexpr long thread = 16;  // thread(entry, arg) -> pid: a thread in my AS (the seed's fallback
                             //   to a thread kernel): own stack, preemptible; wait(pid) joins it
}  // namespace sys

// sched_stats(out): the timeout rate's parts, for this process and for the whole system.
struct SchedStats {
  u64 timeouts, switches;                // this process
  u64 system_timeouts, system_switches;  // every process since boot
  u64 stacks_created;                    // executor stacks ever mapped in this AS
  u64 preempted_now;                     // this process's tasks saved apart right now
  u64 timeout_instructions;              // summed over its timeouts: the tick (timer_tick) to
                                         // the executor's restart on a fresh stack
};
