// user/lib/runtime.cc: the executor of a user process and the non-template half of
// spawn, join and yield (lab 05; seed items 4, 9, 10, 12). Layer: user/lib.
//
// A task's life: spawn adds its frame address to the payload (ready). The executor
// pops Run(t), checks that t.repr is one of its own frames, and resumes the task where
// it last suspended (PromiseBase::resume_point: the innermost coroutine of the task,
// since Tasks awaited inline run on the same task). The task runs until it parks:
//   yield_now   it set itself ready again (the tail of its queue);
//   join        it set itself sleeping and wrote its id into the child's promise;
//   its end     the executor removes it, sets its joiner ready and, if no JoinHandle
//               is left, frees its frame.
// Everything between two resumes runs in runtime mode (current_task = 0, see
// user/lib/preempt.hh), so the kernel never takes a task away in the middle of it.
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

alignas(8) PreemptMailbox g_preempt_mailbox;

namespace {
using task_detail::PromiseBase;
constexpr u64 kEntryArg = 0x5371756c6c457865;  // the arg registered with the entry: a sanity check

struct Runtime {
  PromiseBase* current;  // the top promise of the task being run (nullptr: none)
  bool parked;           // the running task suspended through yield_now or a join
  bool main_finished;    // t0 ran to its end
  int main_status;       // and returned this
  RuntimeStats stats;
};
Runtime g_rt;

volatile PreemptMailbox& mailbox() { return g_preempt_mailbox; }

// task_at(repr, id): the top promise of task `id`, if repr is one of our live task
// frames (the payload's data is writable by every AS: never resume a word from it
// blindly).
PromiseBase* task_at(u64 repr, u32 id) {
  void* frame = reinterpret_cast<void*>(repr);
  constexpr usize kPromiseEnd = 2 * sizeof(void*) + sizeof(PromiseBase);  // GCC's frame layout
  if (repr % kHeapAlign || !heap_owns(frame) || !heap_owns(reinterpret_cast<u8*>(frame) + kPromiseEnd - 1))
    return nullptr;
  PromiseBase& p = task_detail::frame_promise(frame);
  if (p.magic != task_detail::kSpawnedMagic || p.task_id != id) return nullptr;
  return &p;
}

// take_preempted(id): if the kernel listed task `id` as preempted, unlist it. Runs
// with current_task == 0, when the kernel never writes the list.
bool take_preempted(u32 id) {
  volatile PreemptMailbox& mb = mailbox();
  u32 n = min_of(mb.preempted_count, kMailboxSlots);
  for (u32 i = 0; i < n; i++) {
    if (mb.preempted[i] != id) continue;
    mb.preempted[i] = mb.preempted[n - 1];
    mb.preempted_count = n - 1;
    return true;
  }
  return false;
}

// requeue_preempted(): at a restart, make sure every listed task is ready, so that a
// pop reaches it (the kernel should have done so: then this changes nothing). Ids the
// payload does not know are dropped from the list.
void requeue_preempted() {
  volatile PreemptMailbox& mb = mailbox();
  u32 n = min_of(mb.preempted_count, kMailboxSlots);
  for (u32 i = 0; i < n;) {
    if (task_set_state(mb.preempted[i], TaskState::ready) >= 0) {
      i++;
      continue;
    }
    ureport("runtime: preempted task id=%u is unknown: dropped", unsigned(mb.preempted[i]));
    mb.preempted[i] = mb.preempted[--n];
  }
  mb.preempted_count = n;
}

// finish_task(p, id, frame): task `id` ran to its end: out of the payload, joiner awake.
void finish_task(PromiseBase& p, u32 id, std::coroutine_handle<> frame) {
  i64 e = task_remove(id);
  if (e < 0) ureport("runtime: remove id=%u err=%ld", unsigned(id), long(e));
  p.magic = 0;
  p.finished = true;
  g_rt.stats.finished++;
  if (u32 joiner = std::exchange(p.joiner_id, 0u)) {
    e = task_set_state(joiner, TaskState::ready);
    if (e < 0) ureport("runtime: wake joiner id=%u err=%ld", unsigned(joiner), long(e));
  }
  if (p.detached) frame.destroy();
}

// resume_preempted(id): the timer took task `id` away mid-slice; its registers and stack
// are in the kernel. On success the kernel frees this stack and the task goes on in
// the run_task that was resuming it, which finds g_rt as run_task set it. Returns only
// if the kernel holds nothing for the task (-EINVAL or -ENOENT: the id was listed by
// mistake, so its coroutine is intact: resume it); any other failure is fatal.
void resume_preempted(u32 id) {
  g_rt.stats.preempted_resumes++;
  long e = sys_resume_preempted(id);
  if (e == -kErrInvalid || e == -kErrNotFound) return;
  ureport("runtime: resume_preempted id=%u failed err=%ld", unsigned(id), e);
  sys_exit(5);
}

// end_slice(p, id, frame): task `id` came back to the executor: it parked or ended.
void end_slice(PromiseBase& p, u32 id, std::coroutine_handle<> frame) {
  preempt_off();  // already 0 if it parked or ended
  g_rt.current = nullptr;
  if (frame.done()) {
    finish_task(p, id, frame);
  } else if (!g_rt.parked) {
    task_panic("a task suspended outside the runtime's awaitables");
  }
}

// main_status(): the process's exit status once the loop is over.
int main_status() {
  if (g_rt.main_finished) return g_rt.main_status;
  ureport("runtime deadlock");
  return 1;
}

// run_main(entry): t0, the wrapper of the program's main task.
Task<void> run_main(Task<int> entry) {
  int status = co_await std::move(entry);
  g_rt.main_status = status;
  g_rt.main_finished = true;
}
}  // namespace

namespace runtime_detail {
// run_task(id, repr): one slice of task `id`: from where it suspended to where it parks.
void run_task(u32 id, u64 repr) {
  PromiseBase* p = task_at(repr, id);
  if (!p) {
    ureport("runtime: task id=%u repr=%lx is not ours: removed", unsigned(id), repr);
    task_remove(id);
    return;
  }
  std::coroutine_handle<> frame = std::coroutine_handle<>::from_address(reinterpret_cast<void*>(repr));
  g_rt.current = p;
  g_rt.parked = false;
  if (mailbox().preempted_count != 0 && take_preempted(id)) resume_preempted(id);
  g_rt.stats.resumes++;
  g_preempt_mailbox.task_switches++;
  preempt_restore(id);
  p->resume_point.resume();
  end_slice(*p, id, frame);
}

RuntimeStats& stats() { return g_rt.stats; }

bool join_park(PromiseBase& child, std::coroutine_handle<> awaiting) {
  u32 saved = preempt_off();
  if (child.finished) {  // it ended after await_ready looked
    preempt_restore(saved);
    return false;
  }
  PromiseBase* me = g_rt.current;
  if (!me) task_panic("join outside a task");
  if (child.joiner_id) task_panic("two joins on one task");
  i64 e = task_set_state(me->task_id, TaskState::sleeping);
  if (e < 0) task_panic("join: the payload refused to put the task to sleep");
  child.joiner_id = me->task_id;
  me->resume_point = awaiting;
  g_rt.parked = true;
  g_rt.stats.joins_parked++;
  return true;  // runtime mode stays on: the executor takes over
}

void detach(PromiseBase& task, std::coroutine_handle<> frame) {
  NoPreempt runtime_mode;
  if (task.finished) {
    frame.destroy();
  } else {
    task.detached = true;
  }
}

bool yield_park(std::coroutine_handle<> awaiting) {
  u32 saved = preempt_off();
  PromiseBase* me = g_rt.current;
  if (!me || task_set_state(me->task_id, TaskState::ready) < 0) {
    preempt_restore(saved);  // not in a task (or the payload refused): keep running
    return false;
  }
  me->resume_point = awaiting;
  g_rt.parked = true;
  g_rt.stats.yields++;
  return true;
}

void report_empty_join() { ureport("runtime: join of an empty JoinHandle"); }
}  // namespace runtime_detail

void task_detail::report_invalid_await() { ureport("runtime: co_await of an invalid task (out of memory)"); }

void task_panic(const char* what) {
  ureport("runtime error: %s", what);
  sys_exit(6);
}

const char* spawn_error_text(i64 error) {
  if (error == 0) return "ok";
  if (error == -kErrNoMemory) return "out of memory for the task frame";
  if (error == payload_error(Error::no_space)) return "task quota reached (payload refused: no space)";
  if (error == payload_error(kPayloadCorrupt)) return "payload corrupt";
  if (error == payload_error(Error::invalid)) return "invalid argument (priority?)";
  return "payload error";
}

u32 current_task_id() { return g_rt.current ? g_rt.current->task_id : 0; }

RuntimeStats runtime_stats() { return g_rt.stats; }

int runtime_start(Task<int> main_task) {
  g_rt = Runtime{};
  mailbox().current_task = 0;
  mailbox().preempted_count = 0;
  if (!main_task.valid()) {
    ureport("runtime: out of memory for the main task");
    return 1;
  }
  long e = sys_executor(u64(&runtime_executor_entry), kEntryArg, &g_preempt_mailbox);
  if (e < 0) ureport("runtime: executor registration failed err=%ld", e);
  SpawnResult<void> t0 = spawn(run_main(std::move(main_task)));
  if (!t0.ok()) {
    ureport("runtime: cannot start t0: %s (%ld)", spawn_error_text(t0.error()), long(t0.error()));
    return 1;
  }
  t0.handle().detach();
  runtime_detail::executor_loop();
  return main_status();
}

extern "C" [[noreturn]] void runtime_executor_entry(u64 arg) {
  preempt_off();
  g_rt.current = nullptr;
  if (arg != kEntryArg) ureport("runtime: executor entry with arg=%lx", arg);
  requeue_preempted();
  runtime_detail::executor_loop();
  sys_exit(main_status());
}
