// user/lib/payload.cc: calling the shared scheduler payload from user code.
// Layer: user/lib.
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

extern u64 g_start_a1, g_start_a2;  // user/lib/start.cc: the payload base, my AS id
bool g_executor_trace;

namespace {
template <typename Fn> Fn entry(u64 address) { return reinterpret_cast<Fn>(address); }
bool mine(void*, const TaskMeta* task) { return task->as_id == g_start_a2; }

// The entries and the state, read from the header once (every task switch calls them).
struct Bound {
  void* state;
  PayloadAddTaskFn add_task;
  PayloadPopTaskFn pop_task;
  PayloadSetTaskStateFn set_task_state;
  PayloadRemoveTaskFn remove_task;
  const volatile u8* ready_summary;  // the payload's, or kAlwaysWaiting
};
const volatile u8 kAlwaysWaiting = 0xff;  // no summary (ABI 1.0): assume someone waits
Bound g_bound;

[[gnu::noinline, gnu::cold]] void bind() {
    const PayloadHeader* h = payload_header();
    g_bound = Bound{reinterpret_cast<void*>(h->state), entry<PayloadAddTaskFn>(h->entries.add_task),
                    entry<PayloadPopTaskFn>(h->entries.pop_task),
                    entry<PayloadSetTaskStateFn>(h->entries.set_task_state),
                    entry<PayloadRemoveTaskFn>(h->entries.remove_task), payload_ready_summary()};
  if (!g_bound.ready_summary) g_bound.ready_summary = &kAlwaysWaiting;
}
inline const Bound& bound() {
  if (!g_bound.state) [[unlikely]] bind();
  return g_bound;
}
void* state() { return bound().state; }
}  // namespace

const PayloadHeader* payload_header() {
  auto* h = reinterpret_cast<const PayloadHeader*>(g_start_a1);
  return h && h->magic == kPayloadMagic ? h : nullptr;
}

u16 my_as_id() { return u16(g_start_a2); }

const volatile u8* payload_ready_summary() {
  const PayloadHeader* h = payload_header();
  if (!h || h->abi_minor < 1 || h->header_size < sizeof(PayloadHeader)) return nullptr;
  return reinterpret_cast<const volatile u8*>(h->ready_summary);
}

bool payload_has_levels() {
  const PayloadHeader* h = payload_header();
  return h && h->levels > 1;
}

i64 task_add(u64 repr, u64 priority) { return bound().add_task(state(), repr, g_start_a2, priority); }

PopResult task_pop() { return bound().pop_task(state(), mine, nullptr); }

i64 task_remove(u64 task_id) { return bound().remove_task(state(), task_id); }

i64 task_set_state(u64 task_id, TaskState s) { return bound().set_task_state(state(), task_id, u64(s)); }

i64 payload_read_stats(PayloadStats* out) {
  return entry<PayloadStatsFn>(payload_header()->entries.stats)(state(), out);
}

// run_popped(run, repr, id): run one task until it leaves the CPU. Done: it leaves the
// scheduler. Stays: as it set itself. Yields: with nobody else ready (the advisory
// summary) it simply runs again; otherwise the kernel sets it ready and pops for
// everyone, and this returns only if the next task is ours (the executor pops it).
static void run_popped(TaskRunner run, u64 repr, u64 id) {
  for (;;) {
    RunOutcome outcome = run(repr, u32(id));
    if (outcome == RunOutcome::done) {
      task_remove(id);
      return;
    }
    if (outcome != RunOutcome::yields) return;
    if (*bound().ready_summary == 0) continue;  // nobody else is ready: it goes on
    if (g_executor_trace) ureport("yield task=%lu from=%u", id, my_as_id());
    long back = fast_yield_task(id);
    if (back < 0) {  // the payload refused the id: a broken task, not a reason to stop
      ureport("executor: yield of task id=%lu refused err=%ld: removed", id, back);
      task_remove(id);
    }
    return;
  }
}

// pop_loop(run): the seed's executor loop: pop; run ours, yield to the kernel when the
// next task is another AS's, leave when nothing is ready anywhere.
[[noreturn, gnu::noinline]] static void pop_loop(TaskRunner run) {
  for (;;) {
    PopResult r = task_pop();
    if (r.kind == PopKind::run) {
      run_popped(run, r.repr, r.task_id);
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

// Where the kernel restarts this process's executor after switching away from it. A
// task id in a1 (repr in a2) is one the kernel popped for us on the way in: it runs first.
extern "C" [[noreturn]] void executor_entry(u64 arg, u64 handed_id, u64 handed_repr) {
  TaskRunner run = reinterpret_cast<TaskRunner>(arg);
  if (handed_id) run_popped(run, handed_repr, handed_id);
  pop_loop(run);
}

void executor_register(TaskRunner run) { syscall6(sys::executor, long(executor_entry), long(run)); }

void executor_run(TaskRunner run) {
  executor_register(run);
  executor_entry(u64(run), 0, 0);
}
