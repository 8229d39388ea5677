// kernel/executor.cc: the kernel as an executor of the shared scheduler (seed items 3,
// 9, 10): kernel tasks, the executor syscall, and yield as a fast syscall that pops the
// scheduler and switches to the AS of the next task. Layer: kernel/sched.
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/executor.hh"
#include "kernel/kernel_space.hh"
#include "kernel/payload.hh"
#include "kernel/process.hh"
#include "kernel/selftest.hh"
#include "kernel/stage.hh"
#include "kernel/syscall.hh"
#include "kernel/trap.hh"
#include "lib/random.hh"
#include "lib/sched_abi.hh"
#include "lib/string.hh"

extern "C" const u8 payload_fifo_start[], payload_fifo_end[], payload_prio_start[], payload_prio_end[];

// In .data rather than .bss (all zeros either way): boot clears .bss word by word, and
// its budget (boot_to_kmain) has no room for them.
[[gnu::section(".data.executors")]] ExecutorState g_executors[kMaxProcesses];
[[gnu::section(".data.executors")]] ExecutorState* g_as_executors[kMaxAddressSpaces];

namespace {
u64 g_kernel_tasks;            // kernel tasks added at boot: repr 0 .. g_kernel_tasks - 1
bool g_trace_switches;         // bootargs trace=sched: report every AS switch
constexpr int kPopRounds = 4 * kPayloadMaxTasks;  // no honest scheduler needs more in one yield

// A kernel task "runs": a record task (repr < g_kernel_tasks) only reports itself; any
// other goes to kernel_task_hook (or was tampered with).
bool run_kernel_task(const PopResult& r) {
  if (r.repr >= g_kernel_tasks) return kernel_task_hook && kernel_task_hook(r);
  report("task as=0 repr=%lx", r.repr);
  return payload_remove(r.task_id) >= 0;
}

// The executor of AS `as_id` if its process is alive there, or nullptr. as_id comes from
// the payload's data: as_find() accepts any number.
inline ExecutorState* live_executor(u64 as_id) {
  AddressSpace* space = as_find(as_id);
  ExecutorState* e = space ? g_as_executors[as_slot(*space)] : nullptr;
  Process* p = e ? e->process : nullptr;
  bool live = p && p->state == ProcessState::runnable && e->entry && p->space == space;
  return live ? e : nullptr;
}

// The process that runs AS `as_id`'s executor, or nullptr.
inline Process* executor_of(u64 as_id) {
  ExecutorState* e = live_executor(as_id);
  return e ? e->process : nullptr;
}

// UserPick: fast_yield's can_run context. AS 0's tasks run in the kernel; the head task
// of another user AS is taken (popped: Run) for its executor if that executor sits at
// its entry with no task handed to it yet (its frame was reset when it switched away or
// timed out): fast_yield passes it in a1/a2, saving the target a pop. Otherwise the pop
// says Yield and the target, its frame saved whole by a trap, pops for itself.
struct UserPick {
  u64 caller_as;
  u64 taken_as;
  Process* taken;
};

// A leaf on every yield: no frame pointer (backtraces never start inside it).
[[gnu::optimize("omit-frame-pointer")]] bool yield_can_run(void* ctx, const TaskMeta* task) {
  UserPick& pick = *static_cast<UserPick*>(ctx);
  u64 as_id = task->as_id;
  if (as_id == 0) return true;
  if (as_id == pick.caller_as) return false;
  ExecutorState* e = live_executor(as_id);
  if (!e) return false;
  Process* p = e->process;
  if (p->frame().sepc != e->entry || p->frame().regs[reg::a1] != 0) return false;
  pick.taken_as = as_id;
  pick.taken = p;
  return true;
}

// pop_for_yield(pick): the pop; a Run of a user task survives only if it is the one
// yield_can_run took.
PopResult pop_for_yield(UserPick& pick) {
  pick.taken_as = 0;
  pick.taken = nullptr;
  return payload_pop(yield_can_run, &pick, pick.taken_as);
}

// switch_away(caller, ce, target): fast_yield's switch to another AS (ce: the caller's
// executor state). The caller's context
// is dropped: it restarts at its executor entry. The target's frame is already right:
// reset when it switched away, or saved whole by a trap.
[[noreturn, gnu::always_inline]] inline void switch_away(Process& caller, ExecutorState& ce, Process& target) {
  if (g_trace_switches) report("switch to=%u", target.space->id);
  caller.switches++, ce.idle_yields = 0;
  process_restart_executor(caller, ce);
  process_switch_to(target);
  user_resume(&target.frame());
}

// After a recovery the caller may be gone: continue with whoever can run.
[[noreturn]] void resume_someone() { user_resume(process_next_frame()); }
}  // namespace

// stage_prepare(): load the payload, add the kernel's own record tasks.
bool stage_prepare() {
  if (payload_loaded()) return true;  // a kernel test got here first
  const char* choice = bootargs_get("payload");
  bool prio = choice ? strcmp(choice, "prio") == 0 : SQUALL_DEFAULT_PAYLOAD_PRIO;
  const u8* image = prio ? payload_prio_start : payload_fifo_start;
  u64 size = u64((prio ? payload_prio_end : payload_fifo_end) - image);
  u64 at = bootargs_u64("payload_at", 0), at_size = bootargs_u64("payload_size", 0);
  // A payload image the grader loaded into RAM: tried first, refused with a reason if bad.
  bool loaded = at && payload_load(reinterpret_cast<const u8*>(at), at_size, "loaded image");
  if (!loaded && !payload_load(image, size, prio ? "built-in prio" : "built-in fifo")) return false;

  const char* trace = bootargs_get("trace");
  g_trace_switches = trace && strcmp(trace, "sched") == 0;
  g_kernel_tasks = min_of(bootargs_u64("ktasks", 0), kMaxKernelRecordTasks);
  SplitMix64 rng(test_seed() ^ 0x7a5c);
  for (u64 i = 0; i < g_kernel_tasks; i++)
    if (payload_add(i, 0, rng.below(kPayloadLevels)) < 0) return false;
  return true;
}

// executor(entry, arg, extra): register where this process's executor starts afresh.
// Only with a payload: an executor with a registered entry can always pop.
long do_executor(TrapFrame& f) {
  if (f.a(0) < kUserBase || f.a(0) >= kUserTop || !payload_loaded()) return error_return(Error::invalid);
  Process& me = current_process();
  ExecutorState& e = executor_state(me);
  e.entry = f.a(0);
  e.arg = f.a(1);
  e.gp = f.regs[reg::gp];
  e.process = &me;
  g_as_executors[as_slot(*me.space)] = &e;
  for (usize i = 0; i < executor_register_hooks.size(); i++) executor_register_hooks[i](me, f);
  return 0;
}

// fast yield(requeue_id): pop for the kernel until the next task belongs to a user AS;
// then return to the caller if it is the caller's, or switch to that AS's executor,
// dropping the caller's context (it restarts at its executor entry when it runs again).
// If that executor waits at its entry, the kernel's pop takes the task for it (Run) and
// passes it in a1 = id, a2 = repr: the executor runs it before it pops again.
// requeue_id != 0: the caller's task that yields: the first pop is the payload's
// yield_task (ABI 1.2), which sets it ready before it pops; one the payload refuses
// gives -EINVAL, with nothing changed.
namespace {
// hand_over(caller, ce, target, task_id, repr): the task the pop took for target's executor:
// pass it in a1/a2 and switch there.
[[noreturn, gnu::always_inline]] inline void hand_over(Process& caller, ExecutorState& ce, Process& target, u32 task_id,
                                                       u64 repr) {
  target.frame().regs[reg::a1] = task_id;
  target.frame().regs[reg::a2] = repr;
  switch_away(caller, ce, target);
}

// pop_rounds(caller, pick, r, requeued): fast_yield's loop from its first pop r on: run
// kernel tasks, drop orphans, wait for I/O, until a user AS's task comes up or nothing
// is ready. requeued: the caller's yield set a task of its own ready (so not idle).
[[gnu::noinline]] long pop_rounds(Process& caller, UserPick& pick, PopResult r, bool requeued) {
  ExecutorState& ce = executor_state(caller);
  bool ran_kernel_task = requeued;
  for (int round = 0; round < kPopRounds; round++, r = pop_for_yield(pick)) {
    if (r.kind == PopKind::run && r.as_id != 0) hand_over(caller, ce, *pick.taken, r.task_id, r.repr);
    if (r.kind == PopKind::run) {
      if (!run_kernel_task(r)) break;
      ran_kernel_task = true;
      continue;
    }
    if (r.kind == PopKind::done) {
      // Something may still come (idle_hook waits for it) and make a task ready.
      if (idle_hook && idle_hook()) {
        ran_kernel_task = true;  // the device made progress: not a yield storm
        round--;
        continue;
      }
      executor_state(caller).idle_yields++;  // nothing anywhere: one that keeps asking spins
      as_activate(*caller.space);
      return 0;
    }
    if (r.kind == PopKind::not_implemented) {
      kprintf("payload: pop_task is not written yet (TODO(lab04) in payload/pop_task.cc)\n");
      break;
    }
    if (r.kind != PopKind::yield) break;  // corrupt
    if (r.as_id == caller.space->id) {
      if (!ran_kernel_task) executor_state(caller).idle_yields++;  // yielded to itself
      as_activate(*caller.space);
      return 1;  // your turn
    }
    Process* target = executor_of(r.as_id);
    if (!target) {  // its AS is gone (or never was): the task is an orphan
      if (payload_remove(r.task_id) < 0) break;
      continue;
    }
    switch_away(caller, ce, *target);
  }
  payload_recover("pop");
  resume_someone();
}
}  // namespace

namespace {
// pop_and_switch(caller, requeue_id): fast_yield's pop (yield_task's if a task comes
// along) and its common case, kept short: the next task is another AS's, taken for its
// executor. Everything else goes on in pop_rounds.
// after_pop(caller, pick, regs, requeued): the first pop was not the common case.
[[gnu::noinline]] long after_pop(Process& caller, UserPick& pick, PopRegisters regs, bool requeued) {
  PopResult r = to_pop_result(regs);
  if (requeued && r.kind == PopKind::refused) {  // nothing changed
    as_activate(*caller.space);
    return error_return(Error::invalid);
  }
  return pop_rounds(caller, pick, payload_checked(r, pick.taken_as), requeued);
}

[[gnu::noinline]] long pop_and_switch(Process& caller, ExecutorState& ce, long requeue_id) {
  UserPick pick{caller.space->id, 0, nullptr};
  PopRegisters r = requeue_id ? payload_yield_unchecked(u64(requeue_id), yield_can_run, &pick)
                              : payload_pop_unchecked(yield_can_run, &pick);
  // A Run (kind 1) of the AS can_run took: a0 == 1 | as_id << 16 | task_id << 32.
  u64 a0 = u64(r), repr = u64(r >> 64);
  if (pick.taken && u32(a0) == (u32(PopKind::run) | pick.taken_as << 16))
    hand_over(caller, ce, *pick.taken, u32(a0 >> 32), repr);
  return after_pop(caller, pick, r, requeue_id != 0);
}

// unusual_yield(caller, requeue_id): fast_yield when there is no executor or payload, or
// the caller has yielded idly many times in a row (idle_yields_hook may make it wait
// its turn; its task, if any, is set ready first).
[[gnu::noinline]] long unusual_yield(Process& caller, long requeue_id) {
  if (!executor_state(caller).entry || !payload_loaded()) return error_return(Error::invalid);
  kernel_space_enter_inline();
  if (idle_yields_hook && idle_yields_hook(caller)) {
    if (requeue_id && payload_set_state(u64(requeue_id), TaskState::ready) < 0) {
      as_activate(*caller.space);
      return error_return(Error::invalid);
    }
    process_restart_executor(caller, executor_state(caller));
    process_yield();
    resume_someone();
  }
  return pop_and_switch(caller, executor_state(caller), requeue_id);
}
}  // namespace

// A fast function: no frame-pointer prologue (it only tail-calls; every instruction on
// the yield path counts).
[[gnu::optimize("omit-frame-pointer")]] long fast_yield(long requeue_id, long, long, long, long, long) {
  Process& caller = current_process();
  ExecutorState& e = executor_state(caller);
  if (!e.entry || e.idle_yields >= g_idle_yields_threshold) [[unlikely]]  // (entry: a payload)
    return unusual_yield(caller, requeue_id);
  kernel_space_enter_inline();  // the payload's code is mapped without U only in the kernel's table
  return pop_and_switch(caller, e, requeue_id);
}

namespace {
// payload_tick(p): process_tick_hook. A tick that lands in the payload's code (which has
// no lock) lets p go on, so no other AS sees the payload's data half changed. Every time:
// a call is short, but the next tick may land in the next call. Only kMaxGuardedTicks in
// a row, though: a process that lives in the payload still loses the CPU. Otherwise a
// process with an executor asks executor_tick_hook.
bool payload_tick(Process& p) {
  ExecutorState& e = executor_state(p);
  if (in_payload_code(p.frame().sepc) && e.guarded_ticks < kMaxGuardedTicks) {
    e.guarded_ticks++;
    return false;
  }
  e.guarded_ticks = 0;
  return !(e.entry && executor_tick_hook) || executor_tick_hook(p);
}

// executor_start(p): process_start_hooks: no executor yet; the program finds the payload.
void executor_start(Process& p) {
  executor_state(p) = ExecutorState{};
  payload_start_registers(p);
}

// payload_reserved(): stage_reserve_hooks: a payload image the grader loaded into RAM
// (payload_at=) stays out of the frame allocator.
u64 payload_reserved() { return bootargs_u64("payload_at", 0); }
}  // namespace

LAYER_SETUP("04", executor) {
  syscall_register(sys::executor, do_executor);
  fast_register(fast::yield, fast_yield);
  stage_reserve_hooks.add(payload_reserved);
  stage_start_hooks.add(stage_prepare);
  process_start_hooks.add(executor_start);
  process_tick_hook.fill(payload_tick);
}
