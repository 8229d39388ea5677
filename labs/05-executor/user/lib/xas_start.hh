// user/lib/xas_start.hh: the start of the cross-AS benchmarks (xas_bench, xas_spawn_bench).
// Layer: user/lib. Two of a program run side by side; each adds one task, lets the other
// add its own, and runs its executor with `run`: the ready queue then alternates between
// the two ASes.
#pragma once
#include "user/lib/payload.hh"

[[noreturn]] inline void xas_start(TaskRunner run) {
  if (!payload_header()) sys_exit(3);
  executor_register(run);
  task_add(1, 4);
  sys_yield();  // both have a task before anyone pops
  sys_yield();
  executor_run(run);
}
