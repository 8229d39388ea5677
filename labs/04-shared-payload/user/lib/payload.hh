// user/lib/payload.hh: the shared scheduler from user code (lab 04 on). Layer: user/lib.
// The payload is mapped at the same address in this AS as in every other: its header
// and rodata are readable, its code execute-only, its data read-write. User code calls
// the entries directly; only switching to another AS needs the kernel (fast::yield).
#pragma once
#include "lib/payload_abi.hh"
#include "lib/sched_abi.hh"
#include "user/lib/syscall.hh"

// The payload's header (nullptr if the kernel passed none) and this process's AS id.
const PayloadHeader* payload_header();
u16 my_as_id();

i64 task_add(u64 repr, u64 priority);       // a task of this AS -> its id
PopResult task_pop();                       // can_run: tasks of this AS
i64 task_remove(u64 task_id);
i64 task_set_state(u64 task_id, TaskState state);
i64 payload_read_stats(PayloadStats* out);
// payload_ready_summary(): the payload's advisory bitmap of non-empty ready levels (ABI
// 1.1, PayloadHeader::ready_summary), or nullptr (an older payload, or none).
const volatile u8* payload_ready_summary();
bool payload_has_levels();  // the payload keeps one queue per priority (not FIFO)

// fast_yield(): let the kernel pop for the others; 0 = nothing is ready anywhere, 1 = the
// next task is ours. If it is another AS's, this process's context is dropped: it comes
// back later at its executor entry.
inline long fast_yield() { return fastcall1(fast::yield, 0); }
// fast_yield_task(id): the same for the yield of our running task `id`: the kernel sets
// it ready (the payload's yield_task, ABI 1.2) and pops, in one call. -EINVAL: the
// payload refused the id; nothing changed.
inline long fast_yield_task(u64 id) { return fastcall1(fast::yield, long(id)); }

// executor_run(run): register this process's executor with the kernel and run it: pop,
// run our tasks with run(repr, id), yield when the next task is another AS's, and exit
// when nothing is left. Never returns. What run returns says what became of the task:
enum class RunOutcome : u8 {
  yields,  // it yields: it runs again at once if nobody else is ready, else the kernel
           // sets it ready and pops (fast_yield_task), maybe switching to another AS
  done,    // it is over: the executor removes it
  stays,   // it set its own state (sleeping, or ready with task_set_state): left so
};
using TaskRunner = RunOutcome (*)(u64 repr, u32 id);
// executor_trace: report each Yield ("yield from=A to=B"); off unless a program sets it.
extern bool g_executor_trace;
[[noreturn]] void executor_run(TaskRunner run);
// executor_register(run): only the registration (programs that add tasks after it).
void executor_register(TaskRunner run);
