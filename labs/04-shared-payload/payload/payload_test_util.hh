// payload/payload_test_util.hh: what the payload's host tests share. Layer: host tests.
// queue.cc and pop_task.cc are compiled twice into the test, in namespaces fifo and prio
// (SQUALL_PAYLOAD_PRIO = 0 and 1), and reached through the ABI's function types.
#pragma once
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "host_check.hh"
#include "lib/random.hh"
#include "payload/sched_state.hh"

namespace fifo {
#define SQUALL_PAYLOAD_PRIO 0
#include "payload/queue.cc"
#include "payload/pop_task.cc"
#undef SQUALL_PAYLOAD_PRIO
}  // namespace fifo
namespace prio {
#define SQUALL_PAYLOAD_PRIO 1
#include "payload/queue.cc"
#include "payload/pop_task.cc"
#undef SQUALL_PAYLOAD_PRIO
}  // namespace prio

// One payload flavour, seen through the ABI's function types (which checks them too).
struct Flavour {
  const char* name;
  bool prio;
  PayloadInitFn init;
  PayloadAddTaskFn add;
  PayloadPopTaskFn pop;
  PayloadSetTaskStateFn set;
  PayloadRemoveTaskFn remove;
  PayloadStatsFn stats;
  PayloadCountInAsFn count;
  PayloadYieldTaskFn yield;  // ABI 1.2
};
#define FLAVOUR(ns, prio)                                                                     \
  Flavour { #ns, prio, ns::payload_init, ns::payload_add_task, ns::payload_pop_task,          \
            ns::payload_set_task_state, ns::payload_remove_task, ns::payload_stats,          \
            ns::payload_count_in_as, ns::payload_yield_task }
inline const Flavour kFlavours[] = {FLAVOUR(fifo, false), FLAVOUR(prio, true)};

constexpr i64 kInvalid = -i64(Error::invalid), kNoSpace = -i64(Error::no_space),
              kNotFound = -i64(Error::not_found), kCorrupt = -i64(kPayloadCorrupt);
constexpr u64 kReady = u64(TaskState::ready), kSleeping = u64(TaskState::sleeping),
              kDone = u64(TaskState::done);

// The executor's side of pop: "can this task run in my AS?", recording what it saw.
struct Executor {
  u16 as_id;
  int calls;
  TaskMeta seen;
  const TaskMeta* where;  // must be a private copy, not the task's slot
};
inline bool can_run_here(void* ctx, const TaskMeta* t) {
  Executor* e = static_cast<Executor*>(ctx);
  e->calls++;
  e->seen = *t;
  e->where = t;
  return t->as_id == e->as_id;
}
inline bool outside(const void* p, const SchedState* s) { return p < (const void*)s || p >= (const void*)(s + 1); }
inline PopResult pop_in(const Flavour& f, SchedState* s, u16 as_id) {
  Executor e{as_id, 0, {}, nullptr};
  return f.pop(s, can_run_here, &e);
}
inline bool is_run(PopResult r, i64 id) { return r.kind == PopKind::run && r.task_id == u64(id); }

// hole_open(f, s): is pop_task still the lab 04 starter? (Leaves s initialised.)
inline bool hole_open(const Flavour& f, SchedState* s) {
  f.init(s, sizeof *s);
  f.add(s, 1, 0, 0);
  bool open = f.pop(s, nullptr, nullptr).kind == PopKind::not_implemented;
  f.init(s, sizeof *s);
  return open;
}

// start_watchdog(): a call that never returns (an unbounded loop) fails the test.
inline void watchdog(int) {
  static const char msg[] = "payload test: watchdog: a payload call did not return (unbounded loop?)\n";
  ssize_t ignored = write(2, msg, sizeof msg - 1);
  (void)ignored;
  _exit(3);
}
inline void start_watchdog() {
  signal(SIGALRM, watchdog);
  alarm(120);
}
