// user/lib/runtime_limits_test.cc: host unit test of the user async runtime at its
// limits and at its border with the kernel. Layer: host tests (see runtime_test_util.hh).
//  - out of memory: spawn gives -ENOMEM, an inline call an invalid Task, and the
//    program goes on; a full task table gives -no_space; a bad priority -invalid;
//  - the preemption mailbox: a listed task is handed to resume_preempted, whose three
//    answers (not found, success, failure) are each handled; a restart handed a listed
//    task leaves it `running` (requeue_preempted);
//  - broken programs: a lost wake-up ("runtime deadlock"), a foreign awaitable, no
//    memory for the main task.
// After each program the heap and the payload must be empty (leftovers are reaped first
// where the program was meant to die).
#include "user/lib/runtime_test_util.hh"

namespace {
constexpr usize kPad = 3000;
i64 g_error;
int g_count;
bool g_inline_valid;

Task<u64> tiny(u64 v) { co_return v * 3; }

u64 big_ref(u64 seed) {
  u64 sum = 0;
  for (usize i = 0; i < kPad; i++) sum += u8(u8(seed >> (i % 8)) + u8(i));
  return sum;
}

// big(seed): a task with a large frame (pad lives across a suspension).
Task<u64> big(u64 seed) {
  u8 pad[kPad];
  for (usize i = 0; i < kPad; i++) pad[i] = u8(u8(seed >> (i % 8)) + u8(i));
  co_await yield_now();
  u64 sum = 0;
  for (usize i = 0; i < kPad; i++) sum += pad[i];
  co_return sum;
}

Task<int> oom_main(u64 seed) {
  constexpr int kMax = 64;
  JoinHandle<u64> handles[kMax];
  u64 expected = 0, sum = 0;
  g_error = 0;
  for (g_count = 0; g_count < kMax; g_count++) {
    SpawnResult<u64> r = spawn(big(seed + u64(g_count)));
    if (!r.ok()) {
      g_error = r.error();
      break;
    }
    expected += big_ref(seed + u64(g_count));
    handles[g_count] = std::move(r.handle());
  }
  Task<u64> call = big(seed);  // no room for this frame either
  g_inline_valid = call.valid();
  u64 nothing = co_await std::move(call);
  for (int i = 0; i < g_count; i++) sum += co_await handles[i];
  SpawnResult<u64> again = spawn(big(seed));  // memory is back
  if (!again.ok()) co_return 4;
  u64 one = co_await again.handle();
  co_return sum == expected && nothing == 0 && one == big_ref(seed) ? 0 : 3;
}

Task<int> table_full_main(u64 seed) {
  JoinHandle<u64> handles[kPayloadMaxTasks];
  u64 expected = 0, sum = 0;
  g_error = 0;
  for (g_count = 0; g_count < int(kPayloadMaxTasks); g_count++) {
    SpawnResult<u64> r = spawn(tiny(seed + u64(g_count)));
    if (!r.ok()) {
      g_error = r.error();
      break;
    }
    expected += (seed + u64(g_count)) * 3;
    handles[g_count] = std::move(r.handle());
  }
  SpawnResult<u64> bad = spawn(tiny(1), kPayloadLevels);
  if (bad.ok() || bad.error() != error_return(Error::invalid)) co_return 5;
  for (int i = 0; i < g_count; i++) sum += co_await handles[i];
  co_return sum == expected ? 0 : 3;
}

u64 leaf_value_for_test(u64 seed) { return SplitMix64(seed).next() % 100000; }

// The "kernel" lists the victim as preempted while the victim waits in the ready queue.
Task<void> fake_timeout(u32 victim) {
  g_preempt_mailbox.preempted[g_preempt_mailbox.preempted_count++] = victim;
  co_return;
}

Task<u64> victim(u64 seed) {
  u64 v = leaf_value_for_test(seed);
  co_await yield_now();
  CHECK(current_task_id() != 0 && g_preempt_mailbox.current_task == current_task_id());
  co_await yield_now();
  co_return v + 1;
}

Task<int> preempt_main(u64 seed) {
  CHECK(current_task_id() != 0);  // registered now (reap() finds a dead program's tasks there)
  SpawnResult<u64> v = spawn(victim(seed));
  if (!v.ok()) co_return 2;
  SpawnResult<void> k = spawn(fake_timeout(v.handle().task_id()));
  if (!k.ok()) co_return 2;
  g_count = int(v.handle().task_id());
  co_await k.handle();
  u64 got = co_await v.handle();
  co_return got == leaf_value_for_test(seed) + 1 ? 0 : 3;
}

// A lost wake-up: the child forgets its joiner, so t0 sleeps forever.
Task<u64> forgetful(u64 v) {
  CHECK(g_rt.current->task_id == 0);  // a local task: not in the payload
  g_rt.current->joiner = nullptr;
  co_return v;
}
Task<int> lost_wakeup_main(u64 seed) {
  CHECK(current_task_id() != 0);  // registered now, so the payload shows it stuck
  SpawnResult<u64> r = spawn(forgetful(seed));
  if (!r.ok()) co_return 2;
  co_return int(co_await r.handle());
}

struct ForeignAwaitable {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};
Task<int> foreign_await_main(u64) {
  CHECK(current_task_id() != 0);  // registered, for reap()
  co_await ForeignAwaitable{};
  co_return 0;
}

// reap(): free what a program that died left behind: its tasks' frames, parents first
// (in these programs a parent always holds a lower slot than its children). Only tasks
// in the payload are found: the programs that die register theirs (current_task_id).
void reap() {
  for (u32 i = 0; i < kPayloadMaxTasks; i++) {
    TaskMeta& m = g_host_sched.slots[i].meta;
    if (m.state != TaskState::free && m.as_id == g_host.as_id) std::coroutine_handle<>::from_address((void*)m.repr).destroy();
  }
  g_host.flavour->init(&g_host_sched, sizeof g_host_sched);
  g_preempt_mailbox.preempted_count = 0;
}

// A restart that is handed a task the kernel had listed as preempted (the kernel set it
// ready at the timeout, then popped it for us): requeue_preempted must leave it
// `running`, or it would be ready twice and run twice. Another listed task is made ready.
void check_handed_preempted_task(const Flavour& f, u64 seed) {
  host_reset(f);
  i64 handed = f.add(&g_host_sched, 0x100, g_host.as_id, seed % kPayloadLevels);
  i64 other = f.add(&g_host_sched, 0x200, g_host.as_id, (seed >> 8) % kPayloadLevels);
  CHECK(handed > 0 && other > 0 && f.set(&g_host_sched, u64(other), u64(TaskState::sleeping)) == 0);
  PopResult r{};
  do r = f.pop(&g_host_sched, nullptr, nullptr);  // the kernel's pop for our executor
  while (r.kind == PopKind::run && r.task_id != u32(handed));
  CHECK(r.kind == PopKind::run && r.task_id == u32(handed));
  g_preempt_mailbox.preempted[0] = u32(other);
  g_preempt_mailbox.preempted[1] = u32(handed);
  g_preempt_mailbox.preempted_count = 2;
  requeue_preempted(u32(handed));
  CHECK(g_preempt_mailbox.preempted_count == 2);
  PayloadStats st{};
  f.stats(&g_host_sched, &st);
  CHECK(st.ready == 1);  // `other` only: the handed task stays running
  r = f.pop(&g_host_sched, nullptr, nullptr);
  CHECK(r.kind == PopKind::run && r.task_id == u32(other));
  CHECK(f.pop(&g_host_sched, nullptr, nullptr).kind == PopKind::done);
  g_preempt_mailbox.preempted_count = 0;
  f.init(&g_host_sched, sizeof g_host_sched);
}

void check_limits(const Flavour& f, u64 seed) {
  check_handed_preempted_task(f, seed);

  host_reset(f);
  CHECK(run_program(oom_main(seed)) == 0);
  CHECK(g_error == error_return(Error::no_memory) && g_count >= 2 && !g_inline_valid);
  CHECK(strstr(g_host.last_report, "co_await of an invalid task") != nullptr);
  CHECK(heap_stats().failures >= 2 && runtime_stats().spawn_failures == 0);
  CHECK(strcmp(spawn_error_text(g_error), "out of memory for the task frame") == 0);
  check_clean();

  host_reset(f);
  CHECK(run_program(table_full_main(seed)) == 0);
  CHECK(g_error == error_return(Error::no_space) && g_count >= 1 && g_count < int(kPayloadMaxTasks));
  CHECK(runtime_stats().spawn_failures == 2 && g_host.reports == 0);
  check_clean();

  const ResumeMode kModes[] = {ResumeMode::not_found, ResumeMode::success, ResumeMode::fail};
  for (ResumeMode mode : kModes) {
    host_reset(f);
    g_host.resume = mode;
    CHECK(run_program(preempt_main(seed)) == (mode == ResumeMode::fail ? 5 : 0));
    CHECK(g_host.resume_calls == 1 && g_host.last_resumed == u32(g_count));
    CHECK(runtime_stats().preempted_resumes == 1 && g_preempt_mailbox.preempted_count == 0);
    if (mode == ResumeMode::fail) {
      CHECK(strstr(g_host.last_report, "resume_preempted") != nullptr);
      reap();
    }
    check_clean();
  }

  host_reset(f);
  CHECK(run_program(lost_wakeup_main(seed)) == 1);
  CHECK(strcmp(g_host.last_report, "runtime deadlock") == 0 && payload_live() == 1);
  reap();
  check_clean();

  host_reset(f);
  CHECK(run_program(foreign_await_main(seed)) == 6);
  CHECK(strstr(g_host.last_report, "runtime error: a task suspended outside") != nullptr);
  reap();
  check_clean();

  host_reset(f);
  void* hog = heap_alloc(heap_stats().largest_free - kHeapAlign);
  CHECK(hog != nullptr);
  CHECK(run_program(oom_main(seed)) == 1);
  CHECK(strstr(g_host.last_report, "out of memory for the main task") != nullptr);
  heap_free(hog);
  check_clean();
}
}  // namespace

int main() { return run_seeded("runtime_limits_test", check_limits); }
