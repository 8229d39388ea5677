// user/lib/runtime_test_util.hh: the host test bench of the user async runtime (heap.cc,
// runtime.cc). Layer: host tests. It compiles the REAL payload (queue.cc, pop_task.cc,
// through payload/payload_test_util.hh) and stands in for the system services of
// user/lib/runtime_sys.hh (SQUALL_RUNTIME_SYS), as a one-AS kernel would:
//   fast_yield           runs other ASes' tasks (pops them, removes them), then returns
//                        1 (ours next) or 0 (nothing ready), or switches this AS away
//                        (longjmp to the restart point: the executor stack is dropped),
//                        with hand_over passing our next task, popped for us, in a1/a2
//   sys_exit             longjmp back to run_program, which returns the status
//   sys_resume_preempted per HostKernel::resume: not found / success (emulated) / fail
//   ureport              recorded; printed with RUNTIME_TEST_VERBOSE=1
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include "lib/executor_abi.hh"
#include "payload/payload_test_util.hh"

#define SQUALL_RUNTIME_SYS 1

enum class ResumeMode { not_found, success, fail };

struct HostKernel {
  const Flavour* flavour = &kFlavours[0];
  u16 as_id = 3;                 // this process's AS
  bool switch_away = false;      // fast_yield: drop the caller's context after other ASes ran
  bool hand_over = false;        // and pop our next task for the restarted executor (a1/a2)
  PopResult handed{};            // what the restart passes (kind run), as the kernel does
  ResumeMode resume = ResumeMode::not_found;
  jmp_buf* exit_jump = nullptr;
  jmp_buf* restart_jump = nullptr;
  long exit_status = 0;
  u64 entry = 0, entry_arg = 0;  // from sys_executor
  PreemptMailbox* mailbox = nullptr;
  int foreign_runs = 0, restarts = 0, resume_calls = 0, reports = 0, handoffs = 0, task_yields = 0;
  u32 last_resumed = 0;
  char last_report[256] = {};
};
inline HostKernel g_host;
alignas(8) inline SchedState g_host_sched;

inline bool host_mine(void*, const TaskMeta* t) { return t->as_id == g_host.as_id; }
inline i64 task_add(u64 repr, u64 priority) {
  return g_host.flavour->add(&g_host_sched, repr, g_host.as_id, priority);
}
inline PopResult task_pop() { return g_host.flavour->pop(&g_host_sched, host_mine, nullptr); }
inline i64 task_remove(u64 id) { return g_host.flavour->remove(&g_host_sched, id); }
inline i64 task_set_state(u64 id, TaskState s) { return g_host.flavour->set(&g_host_sched, id, u64(s)); }
inline u16 my_as_id() { return g_host.as_id; }
inline const volatile u8* payload_ready_summary() { return &g_host_sched.ready_bitmap; }
inline bool payload_has_levels() { return g_host.flavour->prio; }

inline void ureport(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(g_host.last_report, sizeof g_host.last_report, fmt, args);
  va_end(args);
  g_host.reports++;
  if (getenv("RUNTIME_TEST_VERBOSE")) printf("  report: %s\n", g_host.last_report);
}

[[noreturn]] inline void sys_exit(long status) {
  g_host.exit_status = status;
  if (!g_host.exit_jump) {
    fprintf(stderr, "runtime_test: sys_exit(%ld) outside run_program\n", status);
    abort();
  }
  longjmp(*g_host.exit_jump, 1);
}

inline long sys_executor(u64 entry, u64 arg, PreemptMailbox* mailbox) {
  g_host.entry = entry;
  g_host.entry_arg = arg;
  g_host.mailbox = mailbox;
  return 0;
}

// fast_yield: the kernel pops for everyone; tasks of other ASes "run" (are removed).
inline long fast_yield() {
  for (int round = 0; round < 4 * int(kPayloadMaxTasks); round++) {
    PopResult r = g_host.flavour->pop(&g_host_sched, nullptr, nullptr);
    if (r.kind == PopKind::done) return 0;
    if (r.kind != PopKind::run) return -5;
    if (r.as_id == g_host.as_id) {  // ours: put it back where it was, at the head
      fprintf(stderr, "runtime_test: fast_yield found our own task first\n");
      abort();
    }
    g_host.foreign_runs++;
    g_host.flavour->remove(&g_host_sched, r.task_id);
    // Is the next one ours? Peek with our can_run: a Yield says no.
    PopResult next = g_host.flavour->pop(&g_host_sched, [](void*, const TaskMeta*) { return false; }, nullptr);
    if (next.kind == PopKind::done) return 0;
    if (next.kind == PopKind::yield && next.as_id == g_host.as_id) {
      if (!g_host.switch_away) return 1;
      g_host.restarts++;
      if (g_host.hand_over) {  // the kernel takes our task for us: we wait at our entry
        g_host.handed = g_host.flavour->pop(&g_host_sched, nullptr, nullptr);
        CHECK(g_host.handed.kind == PopKind::run && g_host.handed.as_id == g_host.as_id);
        g_host.handoffs++;
      }
      longjmp(*g_host.restart_jump, 1);  // our context is dropped; restart at the entry
    }
  }
  return -5;
}

// fast_yield_task(id): the kernel sets task id ready (yield_task), then as fast_yield;
// if our own task is first now, it returns 1 at once, as the kernel does.
inline long fast_yield_task(u64 id) {
  if (g_host.flavour->set(&g_host_sched, id, u64(TaskState::ready)) < 0) return -22;  // -EINVAL
  g_host.task_yields++;
  PopResult next = g_host.flavour->pop(&g_host_sched, [](void*, const TaskMeta*) { return false; }, nullptr);
  if (next.kind == PopKind::yield && next.as_id == g_host.as_id) return 1;
  return fast_yield();
}

long sys_resume_preempted(u32 task_id);  // after runtime.cc: it emulates the old stack

#include "user/lib/heap.cc"
#include "user/lib/runtime.cc"
#include "user/lib/spawn.cc"
#include "user/lib/executor_loop.cc"
#include "user/lib/yield_path.cc"

// The kernel's resume_preempted: on success it would restore the task's registers, and
// the task would go on inside the run_task that was resuming it. Here the task sits at
// a suspension point, so "going on" is resuming it, then the rest of that run_task and
// of its loop.
inline long sys_resume_preempted(u32 task_id) {
  g_host.resume_calls++;
  g_host.last_resumed = task_id;
  if (g_host.resume == ResumeMode::not_found) return error_return(Error::invalid);  // as kernel/timeout.cc says it
  if (g_host.resume == ResumeMode::fail) return error_return(Error::fault);
  mailbox_current_task() = task_id;  // the kernel's part
  PromiseBase* p = g_rt.current;     // what the old run_task expects
  CHECK(p && p->task_id == task_id && !g_rt.parked);
  enter(*p).resume();  // and the rest of that run_task:
  preempt_off();
  g_rt.current = nullptr;
  CHECK(g_rt.parked);
  runtime_detail::executor_loop();
  sys_exit(main_status());
}

// run_program(main_task): a process: runtime_start, or its exit through sys_exit, with
// restarts at runtime_executor_entry when fast_yield switches the AS away.
inline int run_program(Task<int> main_task) {
  static jmp_buf exit_jump, restart_jump;
  g_host.exit_jump = &exit_jump;
  g_host.restart_jump = &restart_jump;
  int status;
  if (setjmp(exit_jump)) {
    status = int(g_host.exit_status);
  } else {
    if (setjmp(restart_jump)) {
      CHECK(g_host.entry == u64(&runtime_executor_entry));
      PopResult handed = std::exchange(g_host.handed, PopResult{});
      runtime_executor_entry(g_host.entry_arg, handed.kind == PopKind::run ? handed.task_id : 0, handed.repr);
    }
    status = runtime_start(std::move(main_task));
  }
  g_host.exit_jump = g_host.restart_jump = nullptr;
  return status;
}

// expect_exit(fn): fn ends the program through sys_exit; its status (-1: it returned).
template <class Fn>
int expect_exit(Fn fn) {
  static jmp_buf exit_jump;
  g_host.exit_jump = &exit_jump;
  int status = -1;
  if (setjmp(exit_jump)) {
    status = int(g_host.exit_status);
  } else {
    fn();
  }
  g_host.exit_jump = nullptr;
  return status;
}

// host_reset(flavour): an empty scheduler of that flavour and a fresh host kernel.
inline void host_reset(const Flavour& f) {
  g_host = HostKernel{};
  g_host.flavour = &f;
  f.init(&g_host_sched, sizeof g_host_sched);
}

// payload_live(): tasks left in the payload, in any state.
inline u32 payload_live() {
  PayloadStats st{};
  g_host.flavour->stats(&g_host_sched, &st);
  return st.live;
}

// check_clean(): after a program: no live block, no task left, no task running.
inline void check_clean() {
  HeapStats h = heap_stats();
  CHECK(h.in_use == 0 && h.blocks == 0 && h.largest_free == kHeapArenaBytes);
  CHECK(payload_live() == 0);
  CHECK(g_preempt_mailbox.current_task == 0 && g_preempt_mailbox.preempted_count == 0);
}

// spawn_hole_open(): the lab 05 spawn primitive still answers -ENOSYS.
inline bool spawn_hole_open() {
  task_detail::PromiseBase probe;
  return runtime_detail::add_task(probe, &probe, 0) == error_return(Error::no_sys);
}

// run_seeded(name, check, needs_pop): check(flavour, seed) for both payload flavours and
// 20 seeds each; "skipped" while the lab 04 hole (pop_task) is open, if it needs pop.
// Returns main's status.
template <class Check>
int run_seeded(const char* name, Check check, bool needs_pop = true) {
  start_watchdog();
  if (needs_pop && hole_open(kFlavours[0], &g_host_sched)) {
    printf("%s: skipped (the lab 04 hole, payload/pop_task.cc, is open)\n", name);
    return 0;
  }
  if (needs_pop && spawn_hole_open()) {
    printf("%s: skipped (the lab 05 hole, user/lib/spawn.cc, is open)\n", name);
    return 0;
  }
  const char* env = getenv("RUNTIME_TEST_SEED");
  u64 base = env ? strtoull(env, nullptr, 0) : u64(time(nullptr)) ^ u64(getpid()) << 20;
  for (const Flavour& f : kFlavours) {
    SplitMix64 seeds(base ^ (f.prio ? 0x5052494f : 0));
    for (int round = 0; round < 20; round++) {
      u64 seed = seeds.next();
      check(f, seed);
      if (g_host_failed) {
        printf("%s: failed with payload %s, seed %#llx (RUNTIME_TEST_SEED=%#llx repeats the run)\n", name, f.name,
               (unsigned long long)seed, (unsigned long long)base);
        return host_check_summary(name);
      }
    }
  }
  return host_check_summary(name);
}
