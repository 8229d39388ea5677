// kernel/kernel_tasks.hh: kernel coroutines (KTask) as tasks of the shared scheduler
// (seed items 6, 11). Layer: kernel/sched (lab 06).
//
// A kernel task is a KTask whose frame the kernel executor resumes. It is a task of AS 0
// in the payload: repr = the address of its KernelTask record (checked against the
// kernel's own table before anything is resumed: the payload's data is user-writable).
//
//   start      kernel_task_start(handle): added (claimed: `running`) and run at once
//              until it suspends, so work that needs no I/O (a cache hit) is done there;
//   suspend    it waits in the block cache; the payload sees it `sleeping`;
//   wake       the device's interrupt completes the I/O and the cache calls
//              kernel_task_wake (trap context): the record goes on a woken list, nothing
//              is resumed and the payload is not touched (a user may be inside it);
//   post       kernel_tasks_post() (task context, outside the payload's code): every
//              woken task becomes `ready` in the payload;
//   run        whoever pops it (fast_yield's loop, the idle loop, a tick) calls
//              kernel_task_run(pop): it resumes the coroutine where it waited.
#pragma once
#include <coroutine>
#include "kernel/ktask.hh"
#include "lib/payload_abi.hh"

// kernel_tasks_init(): an empty table (services_start, before any task).
void kernel_tasks_init();

// kernel_task_start(task): make `task` a kernel task and run it until it first suspends
// (or ends). False, with nothing started, when the task is invalid (its frame could not
// be allocated) or the table or the payload is full. Its frame is freed at its end.
bool kernel_task_start(KTask<void> task);

// kernel_task_run(r): r is a pop (Run) of an AS-0 task that is not one of lab 04's
// record tasks: resume it. False if r does not name a live kernel task (tampering).
bool kernel_task_run(const PopResult& r);

// kernel_task_wake(ctx, handle, task): the block cache's WakeFn. Trap context.
void kernel_task_wake(void* ctx, std::coroutine_handle<> handle, void* task);

// kernel_tasks_post(): woken tasks -> ready in the payload. Task context only.
void kernel_tasks_post();

// kernel_tasks_run_ready(budget): post, then pop and run kernel tasks while the head of
// the scheduler is one (at most `budget` of them). Returns how many ran.
int kernel_tasks_run_ready(int budget);

// kernel_tasks_live(): kernel tasks started and not yet finished.
u32 kernel_tasks_live();

// kernel_tasks_drain(): at shutdown: run kernel tasks, waiting for interrupts, until
// none is live. False if they cannot finish (I/O that never completes).
bool kernel_tasks_drain();
