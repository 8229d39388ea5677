// kernel/kernel_tasks.cc: the kernel executor of KTasks on the shared scheduler (see
// kernel_tasks.hh). Layer: kernel/sched (lab 06).
#include "kernel/kernel_tasks.hh"
#include "kernel/console.hh"
#include "kernel/devices.hh"
#include "kernel/executor.hh"
#include "kernel/kernel_space.hh"
#include "kernel/payload.hh"
#include "kernel/process.hh"
#include "kernel/trap.hh"

namespace {
constexpr u32 kMaxKernelTasks = 64;
constexpr u64 kKernelTaskPriority = 0;  // I/O completions go first

struct KernelTask {
  u32 id;                           // its payload id; 0: the slot is free
  bool finished;                    // its body ended (the frame is gone)
  bool waiting;                     // suspended, not yet woken
  bool woken;                       // on the woken list
  void* resume;                     // where it goes on: the innermost coroutine's frame
                                    // (an address, not a handle: the table needs no constructor)
  KernelTask* next_woken;
};

// Cleared by kernel_tasks_init, so kept out of .bss: boot does not clear it.
[[gnu::section(".noinit.ktasks")]] KernelTask g_tasks[kMaxKernelTasks];
KernelTask* g_woken;  // woken in trap context, not yet posted to the payload
u32 g_live;

KernelTask* free_slot() {
  for (KernelTask& t : g_tasks)
    if (t.id == 0) return &t;
  return nullptr;
}

// task_of(repr, id): the live kernel task the payload names, or nullptr.
KernelTask* task_of(u64 repr, u32 id) {
  u64 first = u64(&g_tasks[0]);
  if (repr < first || (repr - first) % sizeof(KernelTask) || (repr - first) / sizeof(KernelTask) >= kMaxKernelTasks)
    return nullptr;
  KernelTask* t = reinterpret_cast<KernelTask*>(repr);
  return t->id != 0 && t->id == id ? t : nullptr;
}

void task_ended(void* context) { static_cast<KernelTask*>(context)->finished = true; }

// step(t): resume t until it suspends or ends; then tell the payload which.
void step(KernelTask& t, std::coroutine_handle<> at) {
  t.waiting = true;  // unless it ends: a coroutine only suspends in a wait
  ktask_detail::g_running = &t;
  at.resume();
  ktask_detail::g_running = nullptr;
  if (t.finished) {
    payload_remove(t.id);
    t = KernelTask{};
    g_live--;
    return;
  }
  payload_set_state(t.id, TaskState::sleeping);
}
}  // namespace

void kernel_tasks_init() {
  for (KernelTask& t : g_tasks) t = KernelTask{};
  g_woken = nullptr;
  g_live = 0;
}

bool kernel_task_start(KTask<void> task) {
  KernelTask* t = free_slot();
  if (!t || !task.valid() || !payload_loaded()) return false;
  i64 id = payload_add(u64(t), 0, kKernelTaskPriority | kPayloadAddClaimed);
  if (id <= 0) return false;
  *t = KernelTask{};
  t->id = u32(id);
  g_live++;
  std::coroutine_handle<> start = task.detach(&task_ended, t);
  step(*t, start);
  return true;
}

bool kernel_task_run(const PopResult& r) {
  KernelTask* t = task_of(r.repr, r.task_id);
  if (!t) return false;
  if (t->waiting || !t->resume) {  // set ready by someone else while its I/O is pending
    payload_set_state(t->id, TaskState::sleeping);
    return true;
  }
  std::coroutine_handle<> at = std::coroutine_handle<>::from_address(t->resume);
  t->resume = nullptr;
  step(*t, at);
  return true;
}

void kernel_task_wake(void*, std::coroutine_handle<> handle, void* task) {
  KernelTask* t = static_cast<KernelTask*>(task);
  if (!t || t < &g_tasks[0] || t >= &g_tasks[kMaxKernelTasks] || t->id == 0 || t->woken) {
    kprintf("kernel task: wake of an unknown task %p dropped\n", task);
    return;
  }
  t->resume = handle.address();
  t->waiting = false;
  t->woken = true;
  t->next_woken = g_woken;
  g_woken = t;
}

void kernel_tasks_post() {
  while (KernelTask* t = g_woken) {
    g_woken = t->next_woken;
    t->woken = false;
    if (payload_set_state(t->id, TaskState::ready) < 0) kprintf("kernel task %u: the payload lost it\n", t->id);
  }
}

int kernel_tasks_run_ready(int budget) {
  if (!payload_loaded()) return 0;
  kernel_space_enter();  // the payload's code runs only from the kernel's own table
  kernel_tasks_post();
  int ran = 0;
  while (ran < budget) {
    PopResult r = payload_pop_kernel();
    if (r.kind != PopKind::run) break;  // the head is a user task, or nothing is ready
    if (!kernel_task_run(r)) payload_remove(r.task_id);  // tampered with: not ours
    ran++;
    kernel_tasks_post();
  }
  return ran;
}

u32 kernel_tasks_live() { return g_live; }

LAYER_SETUP("06", kernel_tasks) { kernel_task_hook.fill(kernel_task_run); }
NEEDS_HOOK(idle_hook);       // kernel_tasks_drain waits for the disk through it
NEEDS_HOOK(interrupt_hook);  // and the disk's interrupts come through this one

bool kernel_tasks_drain() {
  for (;;) {
    kernel_tasks_run_ready(kMaxKernelTasks);
    if (g_live == 0) return true;
    if (!kernel_idle_wait()) {
      kernel_tasks_run_ready(kMaxKernelTasks);
      return g_live == 0;
    }
  }
}
