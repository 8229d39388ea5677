// kernel/executor.hh: what the kernel keeps about each process's executor, and the
// extension points of the shared scheduler's kernel side. Layer: kernel/sched.
#pragma once
#include "kernel/hooks.hh"
#include "kernel/process.hh"
#include "lib/payload_abi.hh"

// ExecutorState: per process slot (process_slot(p)); reset when a process starts.
// 64 bytes, a power of two: the yield path finds it with shifts.
struct alignas(64) ExecutorState {
  Process* process = nullptr;  // whose it is (set when it registers)
  u64 entry = 0;          // where its executor starts afresh (0 = none registered)
  u64 arg = 0;
  u64 gp = 0;             // the program's gp when it registered: restarts get it back
  u32 idle_yields = 0;    // fast yields in a row that found nothing to run
  u8 guarded_ticks = 0;   // ticks in a row that landed in the payload's code
};
static_assert(sizeof(ExecutorState) == 64);
extern ExecutorState g_executors[kMaxProcesses];
inline ExecutorState& executor_state(const Process& p) { return g_executors[process_slot(p)]; }

// The executor of each AS (by as_slot): the state of the process that registered last,
// or nullptr; checked when used (that process may have ended since).
extern ExecutorState* g_as_executors[kMaxAddressSpaces];

// process_restart_executor(p, e): p's next return to user mode starts its executor entry
// afresh on its stack, as entry(arg, 0, 0): a1 = a2 = 0 say "no task handed over"
// (fast_yield may set them), and gp = the one it registered with. The other registers
// are p's own stale ones: nothing of another process leaks. (The seed's "context
// discarded": a yield saves nothing.)
// (e: p's executor state, which the caller has at hand.)
[[gnu::always_inline]] inline void process_restart_executor(Process& p, const ExecutorState& e) {
  TrapFrame& f = p.frame();
  f.regs[reg::sp] = as_stack_top(p.stack_slot);
  f.regs[reg::a0] = e.arg;
  f.regs[reg::gp] = e.gp;  // a timed-out task may have had gp for its own use
  f.regs[reg::a1] = 0;
  f.regs[reg::a2] = 0;
  f.sepc = e.entry;
}

// in_payload_code(pc): pc lies in the payload's text (size 0 until it is loaded).
inline u64 g_payload_text_start, g_payload_text_size;
inline bool in_payload_code(u64 pc) { return pc - g_payload_text_start < g_payload_text_size; }
// payload_start_registers(p): a1 = the payload's base, a2 = p's AS id, as every program
// starts (its library finds the payload there). For a frame reset after the start.
void payload_start_registers(Process& p);
// stage_prepare(): load the payload and add the kernel's record tasks (ktasks=N). Once;
// the stage's start does it, or a kernel test before that.
bool stage_prepare();

// Extension points of the scheduler's kernel side (kernel/hooks.hh):
//  - kernel_task_hook(r): r is a pop (Run) of an AS-0 task that is not a record task:
//    run it; false if it is not one the kernel knows (it was tampered with);
//  - executor_tick_hook(p): the timer interrupted p (outside the payload's code) while
//    it has an executor: false lets p go on instead of being switched away;
//  - idle_yields_hook(p): p yielded g_idle_yields_threshold times in a row with nothing
//    to run: true if it must wait its turn (fast_yield then switches it away);
//  - executor_register_hooks(p, frame): p just registered its executor (sys::executor
//    with frame's arguments): a later layer reads what else it passed.
inline Hook<bool(const PopResult& r)> kernel_task_hook{"sched.kernel_task"};
inline Hook<bool(Process& p)> executor_tick_hook{"sched.executor_tick"};
inline Hook<bool(Process& p)> idle_yields_hook{"sched.idle_yields"};
inline HookList<void(Process& p, TrapFrame& frame), 2> executor_register_hooks{"sched.executor_register"};
// How many idle yields in a row make fast_yield ask idle_yields_hook (never, unless the
// layer that fills the hook sets it): the fast path compares, it does not call.
inline u32 g_idle_yields_threshold = ~0u;
