// user/programs/yielders.cc: like `tasks`, but each task yields a seeded number of times
// before it is done: every run reports itself, and a yield goes back to the kernel with
// the task (fast_yield_task: the payload's yield_task sets it ready, then pops). The
// grader predicts every run from the seeds. First, a yield of an id no task has must be
// refused (-EINVAL) with nothing changed.
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u32 kMaxTasks = 6;
u8 g_yields_left[kMaxTasks];

RunOutcome run_task(u64 repr, u32) {
  ureport("task as=%u repr=%lx", my_as_id(), repr);
  u8& left = g_yields_left[(repr & 0xff) % kMaxTasks];
  if (left == 0) return RunOutcome::done;
  left--;
  return RunOutcome::yields;
}
}  // namespace

int main(u64 seed) {
  if (!payload_header()) return 3;
  executor_register(run_task);
  SplitMix64 rng(seed);
  u64 count = 2 + rng.below(4);
  for (u64 i = 0; i < count; i++) {
    u64 priority = rng.below(kPayloadLevels);
    g_yields_left[i] = u8(rng.below(4));
    task_add(u64(sys_getpid()) << 8 | i, priority);
  }
  u64 bogus = rng.below(2) ? 0x7fff0000 | rng.below(kPayloadMaxTasks) : 0;  // never an id
  ureport("bad yield id=%lx err=%ld", bogus, fast_yield_task(bogus | 0x100));
  sys_yield();  // everyone adds before anyone pops
  sys_yield();
  executor_run(run_task);
}
