// user/lib/runtime.cc: the executor of a user process and the non-template half of
// spawn, join and yield (lab 05; seed items 4, 9, 10, 12). Layer: user/lib.
//
// A task's life: spawn adds its frame address to the payload (ready). The executor
// pops Run(t), checks that t.repr is one of its own frames, and resumes the task where
// it last suspended (PromiseBase::resume_point: the innermost coroutine of the task,
// since Tasks awaited inline run on the same task). The task runs until it parks:
//   yield_now   it goes to the tail of the ready queue;
//   join        it sleeps; the child's promise points back at it;
//   its end     it leaves the payload, its joiner is ready again and, if no JoinHandle
//               is left, its frame is freed.
// Each of these picks the next task itself and transfers to it (symmetric transfer:
// a jump, no stack growth); only when that needs the payload's decision in full (or the
// kernel) does control go back to the executor loop.
//
// The local ready queue. A task this AS popped stays `running` in the payload while it
// waits in our local queue (one FIFO per level). The conceptual ready queue is the
// payload's followed by ours: so a local task runs only when the payload's advisory
// ready_summary shows no task waiting at its level or above; otherwise the executor
// pops the payload first, and before anything goes to the kernel (fast_yield) or a
// spawn adds a task behind them, the locals are handed back to the payload in order
// (flush_locals). A yield between two tasks of this AS therefore costs no payload call.
//
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

// With no summary (a payload older than ABI 1.1) every level looks busy: always ask.
const volatile u8 kAlwaysWaiting = 0xff;

struct LocalQueue {
  PromiseBase* head;  // linked through PromiseBase::next_local
  PromiseBase* tail;
};

struct Runtime {
  PromiseBase* current;  // the top promise of the task being run (nullptr: none)
  bool parked;           // the running task suspended through yield_now, a join or its end
  bool main_finished;    // t0 ran to its end
  int main_status;       // and returned this
  u8 local_mask;         // bit L: local[L] is not empty
  bool has_pending;      // a task's switch popped `pending` for the executor loop
  PopResult pending;
  LocalQueue local[kPayloadLevels];
  std::coroutine_handle<> zombie;  // a detached task's ended frame, freed at the next switch
  u32 external_waits;              // tasks asleep in an ExternalWait
  const volatile u8* ready_summary = &kAlwaysWaiting;  // the payload's (or: always ask it)
  bool levels;                       // the payload has a queue per priority
  RuntimeStats stats;
};
Runtime g_rt;

// kMasks.of[m], for a local_mask m != 0: the best level with a local task (the lowest
// set bit: rv64imac has no ctz), and the summary bits of that level and those above it.
struct MaskInfo {
  u8 lowest;
  u8 at_or_above;
};
struct MaskTable {
  MaskInfo of[256];
};
constexpr MaskTable make_mask_table() {
  MaskTable t{};
  for (u32 m = 1; m < 256; m++) {
    u32 b = 0;
    while (!(m & (1u << b))) b++;
    t.of[m] = MaskInfo{u8(b), u8((2u << b) - 1)};
  }
  return t;
}
constexpr MaskTable kMasks = make_mask_table();

// kPlaces.of[p] (a payload with levels) and of[kPayloadLevels + p] (FIFO: every task on
// level 0): a task of priority p's TaskPlace, ready to copy into its promise.
struct PlaceTable {
  task_detail::TaskPlace of[2 * kPayloadLevels];
};
constexpr PlaceTable make_place_table() {
  PlaceTable t{};
  for (u32 p = 0; p < 2 * kPayloadLevels; p++) {
    u32 priority = p % kPayloadLevels, level = p < kPayloadLevels ? priority : 0;
    t.of[p] = task_detail::TaskPlace{u8(level), u8((1u << level) - 1), u8((2u << level) - 1), u8(priority)};
  }
  return t;
}
constexpr PlaceTable kPlaces = make_place_table();

volatile PreemptMailbox& mailbox() { return g_preempt_mailbox; }

// task_at(repr, id): the top promise of task `id`, if repr is one of our live task
// frames (the payload's data is writable by every AS: never resume a word from it
// blindly).
PromiseBase* task_at(u64 repr, u32 id) {
  void* frame = reinterpret_cast<void*>(repr);
  constexpr usize kPromiseEnd = 2 * sizeof(void*) + sizeof(PromiseBase);  // GCC's frame layout
  if (repr % kHeapAlign || !heap_owns(frame, kPromiseEnd)) return nullptr;
  PromiseBase& p = task_detail::frame_promise(frame);
  if (p.magic != task_detail::kSpawnedMagic || p.task_id != id) return nullptr;
  return &p;
}

std::coroutine_handle<> frame_of(PromiseBase& p) { return std::coroutine_handle<PromiseBase>::from_promise(p); }

// register_task(p, claim): put task p, which the payload does not know yet, into it:
// ready at its queue's tail (claim = 0) or `running` (kPayloadAddClaimed: it stays
// ours). In runtime mode. -> its new id, or the payload's refusal.
i64 register_task(PromiseBase& p, u64 claim) {
  return runtime_detail::add_task(p, frame_of(p).address(), p.place.priority | claim);
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

// requeue_preempted(handed): at a restart, make sure every listed task is ready, so that
// a pop reaches it (the kernel should have done so: then this changes nothing), except
// `handed`, which the kernel popped for us on the way in (it is `running` now: made
// ready again it would run twice). Ids the payload does not know are dropped from the
// list. A timed-out task goes to the tail of the ready queue, behind our local tasks
// too: so they go back to the payload first.
void flush_locals();
void requeue_preempted(u32 handed) {
  volatile PreemptMailbox& mb = mailbox();
  u32 n = min_of(mb.preempted_count, kMailboxSlots);
  for (u32 i = 0; i < n;) {
    if (mb.preempted[i] == handed || task_set_state(mb.preempted[i], TaskState::ready) >= 0) {
      i++;
      continue;
    }
    ureport("runtime: preempted task id=%u is unknown: dropped", unsigned(mb.preempted[i]));
    mb.preempted[i] = mb.preempted[--n];
  }
  mb.preempted_count = n;
  if (n == 0 || !g_rt.local_mask) return;
  for (u32 i = 0; i < n; i++)
    if (mb.preempted[i] != handed) task_set_state(mb.preempted[i], TaskState::sleeping);
  flush_locals();
  for (u32 i = 0; i < n; i++)
    if (mb.preempted[i] != handed) task_set_state(mb.preempted[i], TaskState::ready);
}

// resume_preempted(id): the timer took task `id` away mid-slice; its registers and stack
// are in the kernel. On success the kernel frees this stack and the task goes on in
// the run_task that was resuming it, which finds g_rt as run_task set it. Returns only
// if the kernel holds nothing for the task (-EINVAL or -ENOENT: the id was listed by
// mistake, so its coroutine is intact: resume it); any other failure is fatal.
void resume_preempted(u32 id) {
  g_rt.stats.preempted_resumes++;
  long e = sys_resume_preempted(id);
  if (e == error_return(Error::invalid) || e == error_return(Error::not_found)) return;
  ureport("runtime: resume_preempted id=%u failed err=%ld", unsigned(id), e);
  sys_exit(5);
}

// ---- the local ready queue ------------------------------------------------------------
inline void local_push(PromiseBase& p) {
  usize level = p.place.level;
  LocalQueue& q = g_rt.local[level];
  p.next_local = nullptr;
  if (q.tail) {
    q.tail->next_local = &p;
  } else {
    q.head = &p;
  }
  q.tail = &p;
  g_rt.local_mask = u8(g_rt.local_mask | 1u << level);
}

// local_take(level): the head of local[level] (not empty), off the queue.
inline PromiseBase& local_take(usize level) {
  LocalQueue& q = g_rt.local[level];
  PromiseBase& p = *q.head;
  q.head = p.next_local;
  if (!q.head) {
    q.tail = nullptr;
    g_rt.local_mask = u8(g_rt.local_mask & ~(1u << level));
  }
  return p;
}

// pick_local(): the best local task, off its queue, if the payload holds nobody ready at
// its level or above and the kernel listed no preempted task; else nullptr (the payload
// must decide).
inline PromiseBase* pick_local() {
  usize mask = g_rt.local_mask;
  if (!mask) return nullptr;
  MaskInfo m = kMasks.of[mask];
  if ((*g_rt.ready_summary & m.at_or_above) | mailbox().preempted_count) return nullptr;
  return &local_take(m.lowest);
}

// flush_locals(): every local task back to the payload's ready queues, in order. One
// the payload does not know yet is added there now, ready; if the payload refuses it
// (its table or our quota is full), it stays in our local queue, in order.
void flush_locals() {
  PromiseBase* kept = nullptr;  // refused ones, in order (linked through next_local)
  PromiseBase** kept_tail = &kept;
  while (u32 mask = g_rt.local_mask) {
    PromiseBase& p = local_take(kMasks.of[mask].lowest);
    if (!p.task_id) {
      if (register_task(p, 0) < 0) {
        p.next_local = nullptr;
        *kept_tail = &p;
        kept_tail = &p.next_local;
      }
      continue;
    }
    i64 e = task_set_state(p.task_id, TaskState::ready);
    if (e < 0) ureport("runtime: requeue id=%u err=%ld", unsigned(p.task_id), long(e));
  }
  while (PromiseBase* p = kept) {
    kept = p->next_local;
    local_push(*p);
  }
}

[[gnu::noinline, gnu::cold]] void reap_zombie_now() { std::exchange(g_rt.zombie, nullptr).destroy(); }
inline void reap_zombie() {
  if (g_rt.zombie) reap_zombie_now();
}

// enter(p): make p the running task and give the coroutine to resume (runtime mode ends
// here: from now on a tick takes p).
inline std::coroutine_handle<> enter(PromiseBase& p) {
  g_rt.current = &p;
  g_preempt_mailbox.task_switches++;
  u32 id = p.task_id;
  if (!id) {  // not in the payload yet: a tick must be able to register it
    g_preempt_mailbox.current_frame = u64(frame_of(p).address()) | p.place.priority;
    id = kUnregisteredTask;
  }
  preempt_restore(id);
  return p.resume_point;
}

// switch_slow(): the running task has parked (in runtime mode) and no local task may go
// next: the payload's pop, if it gives one of ours; otherwise back to the executor loop,
// which gets the pop as `pending`.
[[gnu::noinline]] std::coroutine_handle<> switch_slow() {
  reap_zombie();
  g_rt.stats.payload_switches++;
  PopResult r = task_pop();
  if (r.kind == PopKind::run && mailbox().preempted_count == 0)
    if (PromiseBase* p = task_at(r.repr, r.task_id)) return enter(*p);
  g_rt.pending = r;
  g_rt.has_pending = true;
  g_rt.current = nullptr;
  g_rt.parked = true;
  return std::noop_coroutine();
}

// switch_next(): the running task has parked: the coroutine to transfer to. A local task
// when nobody in the payload is ahead of it (the fast path: no call), else switch_slow.
inline std::coroutine_handle<> switch_next() {
  if (PromiseBase* next = pick_local()) return enter(*next);
  return switch_slow();
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
// run_task(id, repr): resume task `id` where it suspended; it (and the tasks it transfers
// to) run until one of them hands control back to the executor.
void run_task(u32 id, u64 repr) {
  PromiseBase* p = task_at(repr, id);
  if (!p) {
    ureport("runtime: task id=%u repr=%lx is not ours: removed", unsigned(id), repr);
    task_remove(id);
    return;
  }
  g_rt.current = p;
  g_rt.parked = false;
  if (mailbox().preempted_count != 0 && take_preempted(id)) resume_preempted(id);
  g_rt.stats.resumes++;
  enter(*p).resume();
  preempt_off();  // already 0 if a task parked or ended
  g_rt.current = nullptr;
  if (!g_rt.parked) task_panic("a task suspended outside the runtime's awaitables");
}

// next_task(): what the executor runs next: a pop a task already made, a local task
// nobody in the payload is ahead of, or the payload's pop. Before a Yield (the kernel
// will look at the payload) the local tasks go back to the payload.
PopResult next_task() {
  reap_zombie();
  PopResult r;
  if (g_rt.has_pending) {
    g_rt.has_pending = false;
    r = g_rt.pending;
  } else {
    if (PromiseBase* p = pick_local())
      return PopResult{PopKind::run, 0, my_as_id(), p->task_id, u64(frame_of(*p).address())};
    r = task_pop();
  }
  // Nothing is ready, but tasks wait for the kernel: let it wait for the device.
  while (r.kind == PopKind::done && g_rt.external_waits && !g_rt.local_mask) {
    long back = fast_yield();  // 1: ours is ready; 0: nothing anywhere (it dropped us otherwise)
    if (back <= 0) {
      ureport("runtime: %u task(s) wait for the kernel, which has nothing in flight", unsigned(g_rt.external_waits));
      break;
    }
    r = task_pop();
  }
  if (r.kind == PopKind::run || !g_rt.local_mask) return r;
  if (r.kind != PopKind::done) flush_locals();  // before the kernel looks at the payload
  // Done: the summary was stale, ours are the only ones left. Or the payload refused to
  // take some local tasks: they run now rather than be left behind by a switch.
  if (g_rt.local_mask) {
    PromiseBase& p = local_take(kMasks.of[g_rt.local_mask].lowest);
    return PopResult{PopKind::run, 0, my_as_id(), p.task_id, u64(frame_of(p).address())};
  }
  return r;
}

RuntimeStats& stats() { return g_rt.stats; }

std::coroutine_handle<> join_switch(PromiseBase& child, std::coroutine_handle<> awaiting) {
  u32 saved = preempt_off();
  if (child.finished) {  // it ended after await_ready looked
    preempt_restore(saved);
    return awaiting;
  }
  PromiseBase* me = g_rt.current;
  if (!me) task_panic("join outside a task");
  if (child.joiner) task_panic("two joins on one task");
  child.joiner = me;  // it sleeps: on no queue (still `running` in the payload)
  me->resume_point = awaiting;
  g_rt.stats.joins_parked++;
  return switch_next();
}

void detach(PromiseBase& task, std::coroutine_handle<> frame) {
  NoPreempt runtime_mode;
  if (task.finished) {
    frame.destroy();
  } else {
    task.detached = true;
  }
}

// yield_slow(me): yield_switch past its fast path (out of line: that one stays short).
// When someone in the payload waits at our level or above and no local task is ahead
// of us, yield_to_kernel may hand the yield to the kernel (one payload call, one kernel
// entry): if another AS's task is next, this stack is dropped and the executor
// restarts; if ours is, the payload decides which. Otherwise we go to the local queue's
// tail, and the payload's pop (then flush_locals and fast_yield) decides.
[[gnu::noinline]] static std::coroutine_handle<> yield_slow(PromiseBase& me) {
  bool behind_others = !g_rt.local_mask && !mailbox().preempted_count &&
                       (*g_rt.ready_summary & me.place.at_or_above);
  if (yield_to_kernel(me, behind_others)) return switch_slow();
  local_push(me);
  return switch_next();
}

std::coroutine_handle<> yield_switch(std::coroutine_handle<> awaiting) {
  u32 saved = preempt_off();
  PromiseBase* me = g_rt.current;
  if (!me) {  // not in a task: nothing to do
    preempt_restore(saved);
    return awaiting;
  }
  me->resume_point = awaiting;
  // The fast path: nobody in the payload at our level or above, no local task above us,
  // and another local task at our level: rotate that queue (us to its tail, its head out).
  LocalQueue& q = g_rt.local[me->place.level];
  PromiseBase* head = q.head;
  if (head && !((*g_rt.ready_summary & me->place.at_or_above) | (g_rt.local_mask & me->place.above) |
                mailbox().preempted_count)) {
    me->next_local = nullptr;
    q.tail->next_local = me;
    q.tail = me;
    q.head = head->next_local;
    return enter(*head);
  }
  return yield_slow(*me);
}

// spawn_shared(task, frame, priority): spawn_task's other way: the new task goes into the
// payload, ready, behind our local tasks (flushed first); or the AS is at its quota.
[[gnu::noinline]] i64 spawn_shared(PromiseBase& task, void* frame, u64 priority, bool at_quota) {
  NoPreempt runtime_mode;
  if (at_quota) {  // the payload's quota, kept for local tasks too
    g_rt.stats.spawn_failures++;
    return error_return(Error::no_space);
  }
  if (priority < kPayloadLevels) flush_locals();  // it goes behind every ready task
  i64 id = add_task(task, frame, priority);
  if (id < 0) return id;
  task.magic = task_detail::kSpawnedMagic;  // the executor resumes only frames marked so
  g_rt.stats.spawned++;
  return id;
}

i64 spawn_task(PromiseBase& task, void* frame, u64 priority) {
  u32 running = preempt_off();
  // The rest of the promise is as its constructor left it: a Task is spawned only once.
  task.resume_point = std::coroutine_handle<>::from_address(frame);
  bool at_quota = g_rt.stats.spawned - g_rt.stats.finished >= kPayloadQuotaPerAs;
  if (priority < kPayloadLevels) {
    task.place = kPlaces.of[g_rt.levels ? priority : kPayloadLevels + priority];
    if (!((*g_rt.ready_summary & task.place.at_or_above) | mailbox().preempted_count | at_quota)) {
      local_push(task);  // nobody waits ahead of it: ours to run, with no payload call for now
      task.magic = task_detail::kSpawnedMagic;
      g_rt.stats.spawned++;
      preempt_restore(running);
      return 0;
    }
  }
  preempt_restore(running);  // (a tick here finds the new task in no queue: harmless)
  return spawn_shared(task, frame, priority, at_quota && priority < kPayloadLevels);
}

u32 task_id_of(PromiseBase& task) {
  if (task.task_id || task.finished || task.magic != task_detail::kSpawnedMagic) return task.task_id;
  u32 running = preempt_off();
  bool is_current = &task == g_rt.current;
  i64 e = register_task(task, kPayloadAddClaimed);  // it stays ours: local, running or asleep
  if (e < 0) ureport("runtime: task cannot enter the payload err=%ld", long(e));
  // The running task leaves runtime mode with its new id (not if we were in runtime mode).
  preempt_restore(is_current && running == kUnregisteredTask && e > 0 ? task.task_id : running);
  return task.task_id;
}

std::coroutine_handle<> external_switch(volatile u32* word, u32 done, u32 parked, std::coroutine_handle<> awaiting,
                                        bool* slept) {
  PromiseBase* me = g_rt.current;
  if (me && !me->task_id) task_id_of(*me);  // the kernel wakes it by its payload id
  u32 saved = preempt_off();
  if (!me) {  // not in a task: nobody would resume it; the caller polls
    preempt_restore(saved);
    return awaiting;
  }
  me->resume_point = awaiting;  // before the swap: the kernel may make us ready right after it
  u32 old = __atomic_exchange_n(word, parked, __ATOMIC_SEQ_CST);
  if (old == done) {  // it finished first: never asleep
    *word = done;
    preempt_restore(saved);
    return awaiting;
  }
  g_rt.external_waits++;  // asleep: on no queue, `running` in the payload until woken
  *slept = true;
  return switch_next();
}

void external_resumed() {
  NoPreempt runtime_mode;
  if (g_rt.external_waits) g_rt.external_waits--;
}

void report_empty_join() { ureport("runtime: join of an empty JoinHandle"); }
}  // namespace runtime_detail

// task_ended: a spawned task ran to its end (from its final awaiter).
std::coroutine_handle<> task_detail::task_ended(PromiseBase& p, std::coroutine_handle<> frame) noexcept {
  preempt_off();
  if (p.magic != kSpawnedMagic) {  // never spawned: back to whoever resumed it
    g_rt.parked = true;
    return std::noop_coroutine();
  }
  if (p.task_id) {
    i64 e = task_remove(p.task_id);
    if (e < 0) ureport("runtime: remove id=%u err=%ld", unsigned(p.task_id), long(e));
  }
  p.magic = 0;
  p.finished = true;
  g_rt.stats.finished++;
  reap_zombie();
  if (p.detached) g_rt.zombie = frame;  // freed at the next switch: we still run on it
  if (PromiseBase* joiner = std::exchange(p.joiner, nullptr)) {
    // Woken: to the tail of its local queue; when that queue and every one above it
    // (local or in the payload) is empty, it would come straight out again: enter it.
    if (!(((*g_rt.ready_summary | g_rt.local_mask) & joiner->place.at_or_above) | mailbox().preempted_count))
      return enter(*joiner);
    local_push(*joiner);
  }
  return switch_next();
}

void task_detail::report_invalid_await() { ureport("runtime: co_await of an invalid task (out of memory)"); }

void task_panic(const char* what) {
  ureport("runtime error: %s", what);
  sys_exit(6);
}

const char* spawn_error_text(i64 error) {
  if (error == 0) return "ok";
  if (error == error_return(Error::no_memory)) return "out of memory for the task frame";
  if (error == error_return(Error::no_space)) return "task quota reached (payload refused: no space)";
  if (error == error_return(kPayloadCorrupt)) return "payload corrupt";
  if (error == error_return(Error::invalid)) return "invalid argument (priority?)";
  return "payload error";
}

u32 current_task_id() { return g_rt.current ? runtime_detail::task_id_of(*g_rt.current) : 0; }

RuntimeStats runtime_stats() { return g_rt.stats; }

int runtime_start(Task<int> main_task) {
  g_rt = Runtime{};
  g_rt.ready_summary = payload_ready_summary();
  if (!g_rt.ready_summary) g_rt.ready_summary = &kAlwaysWaiting;
  g_rt.levels = payload_has_levels();
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

extern "C" [[noreturn]] void runtime_executor_entry(u64 arg, u64 handed_id, u64 handed_repr) {
  preempt_off();
  if (u32 id = mailbox().registered_task) {  // a tick added the local task it took to the payload
    mailbox().registered_task = 0;
    if (g_rt.current && !g_rt.current->task_id) g_rt.current->task_id = id;
  }
  g_rt.current = nullptr;
  if (arg != kEntryArg) ureport("runtime: executor entry with arg=%lx", arg);
  if (mailbox().preempted_count) requeue_preempted(u32(handed_id));
  // The kernel popped our next task on the way in: it runs first, as a Run would.
  if (handed_id) runtime_detail::run_task(u32(handed_id), handed_repr);
  runtime_detail::executor_loop();
  sys_exit(main_status());
}
