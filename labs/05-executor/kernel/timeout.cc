// kernel/timeout.cc: the kernel's half of task timeouts, the yield-storm check, and the
// scheduling statistics syscall. Layer: kernel/sched.
#include "kernel/timeout.hh"
#include "kernel/boot.hh"
#include "kernel/console.hh"
#include "kernel/kernel_space.hh"
#include "kernel/payload.hh"
#include "kernel/syscall.hh"
#include "kernel/uaccess.hh"

// Big, so kept out of .bss (boot clears .bss: see lab 01's boot_to_kmain figure); the
// slots are made empty on first use instead.
[[gnu::section(".noinit.preempted")]] PreemptedTask g_preempted[kMaxPreempted];
extern u64 g_tick_instret;  // kernel/timer.cc
[[gnu::weak]] u64 shared_payload_base();  // kernel/payload.cc

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
  if (p.executor_mailbox_pa) return reinterpret_cast<PreemptMailbox*>(p.executor_mailbox_pa);
  u64 va = p.executor_mailbox;
  if (va % alignof(PreemptMailbox) || va % kPageSize > kPageSize - sizeof(PreemptMailbox)) return nullptr;
  Result<u64> pa = user_page_address(p.space->table, va, true);
  if (!pa.ok()) return nullptr;
  p.executor_mailbox_pa = pa.value();
  return reinterpret_cast<PreemptMailbox*>(pa.value());
}

}  // namespace

// timeout_task (lab 03's weak hook, for processes with a runtime): the timer interrupted
// p. A tick in the runtime's own code (current_task == 0: its bookkeeping is not
// reentrant) lets p go on for one more slice. A tick in a task saves the task apart and
// restarts the executor on a fresh stack. Anything else: p is preempted as a whole.
bool timeout_task(Process& p) {
  // User memory: the runtime could change it under us only if it ran, and it does not
  // while we are here (one hart); every value is still checked before use.
  PreemptMailbox* box = mailbox_of(p);
  if (box && box->current_task == 0 && !p.deferred) {
    p.deferred = true;
    return false;
  }
  if (!box) return true;
  u32 task = box->current_task;
  u32 listed = box->preempted_count;
  bool unregistered = task == kUnregisteredTask;
  if (task == 0 || listed >= kMailboxSlots || (p.saved_tasks && find_saved(p, task))) return true;
  PreemptedTask* slot = free_slot();
  if (!slot) return true;
  Result<int> fresh = as_add_stack(*p.space);
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
      p.saved_tasks++;
      p.timeout_instructions += read_instret() - g_tick_instret;
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
  if (!saved) return -kErrInvalid;
  // The task runs again: say so in the mailbox, as the runtime does before a resume.
  u32 running = saved->task_id;
  if (copy_to_user(p.executor_mailbox + __builtin_offsetof(PreemptMailbox, current_task), &running,
                   sizeof running) != Error::ok)
    return -kErrFault;
  timeout_restore(p, *saved);
  if (p.saved_tasks) p.saved_tasks--;
  return long(p.frame().a(0));  // the syscall's result must not clobber the task's a0
}

// timeout_forget (lab 03's weak hook): a process ends: forget its saved tasks and unmap
// their stacks.
void timeout_forget(const Process& p) {
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
               saved_count(p), p.timeout_instructions};
  return copy_to_user(f.a(0), &s, sizeof s) == Error::ok ? 0 : -kErrFault;
}

// yield_storm (lab 04's weak hook): an executor that keeps yielding with nothing to run
// is spinning; it is reported once and sent to the back of the line.
bool yield_storm(Process& caller) {
  if (caller.idle_yields < kStormYields) return false;
  if (caller.idle_yields == kStormYields) report("storm %s pid=%d", caller.program->name, caller.pid);
  caller.idle_yields = kStormYields + 1;
  return true;
}

// task_switches (lab 03's weak hook): the switches between tasks inside p's AS, as its
// runtime counted them in the mailbox (a report, not a fact: user memory).
u64 task_switches(const Process& p) {
  PreemptMailbox box;
  if (!p.executor_mailbox || copy_from_user(&box, p.executor_mailbox, sizeof box) != Error::ok) return 0;
  return box.task_switches;
}

// thread(entry, arg): the seed's compatibility mode: a task started as a thread. It is a
// process in the caller's AS with a stack of its own, preempted by the timer with its
// whole context like any thread; it starts at entry(arg) (user/lib/thread.hh wraps it)
// and the caller joins it with wait(pid).
long do_thread(TrapFrame& f) {
  Process& me = current_process();
  u64 entry = f.a(0), arg = f.a(1);
  if (entry < kUserBase || entry >= kUserTop) return -kErrInvalid;
  const char* why = "";
  Result<int> pid = process_spawn(me.program, me.pid, me.space, &why);
  if (!pid.ok()) return -kErrNoMemory;
  Process* thread = find_process(pid.value());
  process_reset_frame(*thread, entry, arg);
  thread->frame().regs[reg::a1] = shared_payload_base ? shared_payload_base() : 0;
  thread->frame().regs[reg::a2] = me.space->id;
  thread->frame().regs[reg::gp] = f.regs[reg::gp];  // the program's global pointer
  return pid.value();
}
