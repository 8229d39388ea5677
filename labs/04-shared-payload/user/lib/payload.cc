// user/lib/payload.cc: calling the shared scheduler payload from user code.
// Layer: user/lib.
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

extern u64 g_start_payload_base, g_start_as_id;  // user/lib/start.cc
bool g_executor_trace;

namespace {
template <typename Fn> Fn entry(u64 address) { return reinterpret_cast<Fn>(address); }
void* state() { return reinterpret_cast<void*>(payload_header()->state); }
bool mine(void*, const TaskMeta* task) { return task->as_id == g_start_as_id; }
}  // namespace

const PayloadHeader* payload_header() {
  auto* h = reinterpret_cast<const PayloadHeader*>(g_start_payload_base);
  return h && h->magic == kPayloadMagic ? h : nullptr;
}

u16 my_as_id() { return u16(g_start_as_id); }

i64 task_add(u64 repr, u64 priority) {
  return entry<PayloadAddTaskFn>(payload_header()->entries.add_task)(state(), repr, g_start_as_id, priority);
}

PopResult task_pop() { return entry<PayloadPopTaskFn>(payload_header()->entries.pop_task)(state(), mine, nullptr); }

i64 task_remove(u64 task_id) {
  return entry<PayloadRemoveTaskFn>(payload_header()->entries.remove_task)(state(), task_id);
}

i64 task_set_state(u64 task_id, TaskState s) {
  return entry<PayloadSetTaskStateFn>(payload_header()->entries.set_task_state)(state(), task_id, u64(s));
}

i64 payload_read_stats(PayloadStats* out) {
  return entry<PayloadStatsFn>(payload_header()->entries.stats)(state(), out);
}

// Where the kernel restarts this process's executor after switching away from it.
extern "C" [[noreturn]] void executor_entry(u64 arg) {
  TaskRunner run = reinterpret_cast<TaskRunner>(arg);
  for (;;) {
    PopResult r = task_pop();
    if (r.kind == PopKind::run) {
      run(r.repr, r.task_id);
      task_remove(r.task_id);
    } else if (r.kind == PopKind::yield) {
      if (g_executor_trace) ureport("yield from=%u to=%u", my_as_id(), r.as_id);
      long back = fast_yield();  // returns only if the kernel found nothing, or ours next
      if (back < 0) sys_exit(2);
    } else if (r.kind == PopKind::done) {
      sys_exit(0);
    } else {
      ureport("executor pop=%u", unsigned(r.kind));  // corrupt, or the lab 04 hole is open
      fast_yield();                                    // let the kernel look at it too
      sys_exit(1);
    }
  }
}

void executor_register(TaskRunner run) { syscall6(sys::executor, long(executor_entry), long(run)); }

void executor_run(TaskRunner run) {
  executor_register(run);
  executor_entry(u64(run));
}
