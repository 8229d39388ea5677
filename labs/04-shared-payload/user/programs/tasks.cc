// user/programs/tasks.cc: adds seeded tasks to the shared scheduler, lets the other
// programs add theirs, then runs its executor. Each task run reports itself; the grader
// predicts the whole order from the seeds (FIFO or priority payload).
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

static RunOutcome run_task(u64 repr, u32) {
  ureport("task as=%u repr=%lx", my_as_id(), repr);
  return RunOutcome::done;
}

int main(u64 seed) {
  if (!payload_header()) return 3;
  g_executor_trace = true;
  executor_register(run_task);
  SplitMix64 rng(seed);
  long count = long(2 + rng.below(4));
  for (long i = 0; i < count; i++) task_add(u64(sys_getpid()) << 8 | u64(i), rng.below(kPayloadLevels));
  sys_yield();  // everyone adds before anyone pops
  sys_yield();
  executor_run(run_task);
}
