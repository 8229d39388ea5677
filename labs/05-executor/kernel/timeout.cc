// kernel/timeout.cc: the kernel's half of task timeouts, the yield-storm check, and the
// scheduling statistics syscall. Layer: kernel/sched.
#include "kernel/timeout.hh"
#include "kernel/boot.hh"
#include "kernel/console.hh"
#include "kernel/kernel_space.hh"
#include "kernel/payload.hh"
#include "kernel/syscall.hh"
#include "kernel/uaccess.hh"
#include "kernel/user_pages.hh"

// Big, so kept out of .bss (boot clears .bss: see lab 01's boot_to_kmain figure); the
// slots are made empty on first use instead.
[[gnu::section(".noinit.preempted")]] PreemptedTask g_preempted[kMaxPreempted];
// In .data rather than .bss (zeros either way): boot_to_kmain has no room to clear it.
[[gnu::section(".data.runtimes")]] RuntimeState g_runtimes[kMaxProcesses];
extern u64 g_tick_instret;  // kernel/timer.cc

namespace {
bool g_slots_ready;

void prepare_slots() {
  if (g_slots_ready) return;
  for (PreemptedTask& t : g_preempted) t.task_id = 0;
  g_slots_ready = true;
}

PreemptedTask* free_slot() {
  prepare_slots();
  for (PreemptedTask& t : g_preempted)
    if (t.task_id == 0) return &t;
  return nullptr;
}

PreemptedTask* find_saved(const Process& p, u64 task_id) {
  if (task_id == 0) return nullptr;
  prepare_slots();
  for (PreemptedTask& t : g_preempted)
    if (t.task_id == task_id && t.pid == p.pid) return &t;
  return nullptr;
}

u64 saved_count(const Process& p) {
  prepare_slots();
  u64 n = 0;
  for (const PreemptedTask& t : g_preempted) n += t.task_id != 0 && t.pid == p.pid;
  return n;
}
}  // namespace

namespace {
// The runtime's mailbox, reached through its physical address (the kernel maps all RAM):
// checked like any user pointer, but without copying 88 bytes in and out at every tick.
// The check is done once per registration: a user page stays where it is while its AS
// lives (there is no unmap), so the address is kept in the process.
PreemptMailbox* mailbox_of(Process& p) {
  if (runtime_state(p).mailbox_pa) return reinterpret_cast<PreemptMailbox*>(runtime_state(p).mailbox_pa);
  u64 va = runtime_state(p).mailbox;
  if (va % alignof(PreemptMailbox) || va % kPageSize > kPageSize - sizeof(PreemptMailbox)) return nullptr;
  Result<u64> pa = user_page_address(p.space->table, va, true);
  if (!pa.ok()) return nullptr;
  runtime_state(p).mailbox_pa = pa.value();
  return reinterpret_cast<PreemptMailbox*>(pa.value());
}

}  // namespace

// timeout_task (for processes with a runtime): the timer interrupted
// p. A tick in the runtime's own code (current_task == 0: its bookkeeping is not
// reentrant) lets p go on for one more slice. A tick in a task saves the task apart and
// restarts the executor on a fresh stack. Anything else: p is preempted as a whole.
bool timeout_task(Process& p) {
  // User memory: the runtime could change it under us only if it ran, and it does not
  // while we are here (one hart); every value is still checked before use.
  PreemptMailbox* box = mailbox_of(p);
  if (box && box->current_task == 0 && !runtime_state(p).deferred) {
    runtime_state(p).deferred = true;
    return false;
  }
  if (!box) return true;
  u32 task = box->current_task;
  u32 listed = box->preempted_count;
  bool unregistered = task == kUnregisteredTask;
  if (task == 0 || listed >= kMailboxSlots || (runtime_state(p).saved_tasks && find_saved(p, task))) return true;
  PreemptedTask* slot = free_slot();
  if (!slot) return true;
  Result<int> fresh = runtime_stack_take(*p.space);
  if (!fresh.ok()) return true;  // no room for another stack: p is just preempted, registers in its frame
  slot->task_id = task;
  slot->pid = p.pid;
  if (timeout_save(p, *slot, fresh.value())) {
    // The payload must agree that this is a live task of ours; it goes back on its queue.
    // A task it does not know yet is added now, at its queue's tail (the AS's quota holds).
    u64 frame = box->current_frame;
    i64 id = unregistered ? payload_add(frame & ~u64(15), p.space->id, frame & 15)
                          : payload_set_state(task, TaskState::ready) >= 0 ? i64(task) : -1;
    if (id > 0) {
      slot->task_id = u32(id);
      box->preempted[listed] = u32(id);
      box->preempted_count = listed + 1;
      if (unregistered) box->registered_task = u32(id);
      box->current_task = 0;
      runtime_state(p).saved_tasks++;
      runtime_state(p).timeout_instructions += read_instret() - g_tick_instret;
      return true;
    }
    timeout_restore(p, *slot);  // it does not: p goes on with the task as if nothing happened
  } else {
    as_remove_stack(*p.space, fresh.value());  // the save is not written (lab 05 hole)
  }
  slot->task_id = 0;
  return true;
}

// resume_preempted(task_id): p's executor popped a task the timer had interrupted.
long do_resume_preempted(TrapFrame& f) {
  Process& p = current_process();
  PreemptedTask* saved = find_saved(p, f.a(0));
  if (!saved) return error_return(Error::invalid);
  // The task runs again: say so in the mailbox, as the runtime does before a resume.
  u32 running = saved->task_id;
  if (copy_to_user(runtime_state(p).mailbox + __builtin_offsetof(PreemptMailbox, current_task), &running,
                   sizeof running) != Error::ok)
    return error_return(Error::fault);
  timeout_restore(p, *saved);
  if (runtime_state(p).saved_tasks) runtime_state(p).saved_tasks--;
  return long(p.frame().a(0));  // the syscall's result must not clobber the task's a0
}

// timeout_forget: a process ends: forget its saved tasks and unmap
// their stacks.
void timeout_forget(Process& p) {
  prepare_slots();
  for (PreemptedTask& t : g_preempted)
    if (t.task_id != 0 && t.pid == p.pid) {
      if (p.space) as_remove_stack(*p.space, t.stack_slot);
      t.task_id = 0;
    }
}

long do_sched_stats(TrapFrame& f) {
  Process& p = current_process();
  SchedStats s{p.timeouts,         p.switches,     system_timeouts(), system_switches(), p.space->stacks_created,
               saved_count(p), runtime_state(p).timeout_instructions};
  return copy_to_user(f.a(0), &s, sizeof s) == Error::ok ? 0 : error_return(Error::fault);
}

// yield_storm: an executor that keeps yielding with nothing to run
// is spinning; it is reported once and sent to the back of the line.
bool yield_storm(Process& caller) {
  if (executor_state(caller).idle_yields < kStormYields) return false;
  if (executor_state(caller).idle_yields == kStormYields) report("storm %s pid=%d", caller.program->name, caller.pid);
  executor_state(caller).idle_yields = kStormYields + 1;
  return true;
}

// task_switches(p): the switches between tasks inside p's AS, as its runtime counted
// them in the mailbox (a report, not a fact: user memory).
u64 task_switches(const Process& p) {
  PreemptMailbox box;
  if (!runtime_state(p).mailbox || copy_from_user(&box, runtime_state(p).mailbox, sizeof box) != Error::ok) return 0;
  return box.task_switches;
}

// thread(entry, arg): the seed's compatibility mode: a task started as a thread. It is a
// process in the caller's AS with a stack of its own, preempted by the timer with its
// whole context like any thread; it starts at entry(arg) (user/lib/thread.hh wraps it)
// and the caller joins it with wait(pid).
long do_thread(TrapFrame& f) {
  Process& me = current_process();
  u64 entry = f.a(0), arg = f.a(1);
  if (entry < kUserBase || entry >= kUserTop) return error_return(Error::invalid);
  const char* why = "";
  Result<int> pid = process_spawn(me.program, me.pid, me.space, &why);
  if (!pid.ok()) return error_return(Error::no_memory);
  Process* thread = find_process(pid.value());
  process_reset_frame(*thread, entry, arg);
  payload_start_registers(*thread);
  thread->frame().regs[reg::gp] = f.regs[reg::gp];  // the program's global pointer
  return pid.value();
}

namespace {
u8 g_parked_stacks[kMaxAddressSpaces];  // by as_slot: bit k = stack slot k is parked

Error forget_parked(AddressSpace& space) {
  g_parked_stacks[as_slot(space)] = 0;
  return Error::ok;
}
}  // namespace

Result<int> runtime_stack_take(AddressSpace& space) {
  u8& parked = g_parked_stacks[as_slot(space)];
  for (int slot = 0; slot < kStacksPerSpace; slot++) {
    if (parked & (1 << slot)) {  // given back earlier: still mapped, still ours
      parked &= u8(~(1 << slot));
      return slot;
    }
  }
  return as_add_stack(space);
}

void runtime_stack_park(AddressSpace& space, int slot) {
  KASSERT(slot >= 0 && slot < kStacksPerSpace && (space.stacks_used & (1 << slot)));
  g_parked_stacks[as_slot(space)] |= u8(1 << slot);
}

namespace {
// The extension points lab 05 fills.
void runtime_register(Process& p, TrapFrame& f) {
  runtime_state(p).mailbox = f.a(2);  // checked when used
  runtime_state(p).mailbox_pa = 0;
}

bool runtime_tick(Process& p) {
  if (!runtime_state(p).mailbox) return true;
  if (!timeout_task(p)) return false;  // one more slice
  runtime_state(p).deferred = false;
  return true;
}

void runtime_start(Process& p) { runtime_state(p) = RuntimeState{}; }

void report_task_switches(const Process& p) {
  report("tasks %s pid=%d switches=%lu", p.program->name, p.pid, task_switches(p));
}
}  // namespace

LAYER_SETUP("05", timeouts) {
  syscall_register(sys::resume_preempted, do_resume_preempted);
  syscall_register(sys::sched_stats, do_sched_stats);
  syscall_register(sys::thread, do_thread);
  executor_register_hooks.add(runtime_register);
  executor_tick_hook.fill(runtime_tick);
  idle_yields_hook.fill(yield_storm);
  g_idle_yields_threshold = kStormYields;
  process_start_hooks.add(runtime_start);
  process_end_hooks.add(timeout_forget);
  process_exit_report_hooks.add(report_task_switches);
  as_create_hooks.add(forget_parked);
}
