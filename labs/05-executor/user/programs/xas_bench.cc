// user/programs/xas_bench.cc: two of these, in two ASes, hand the CPU back and forth
// through the shared scheduler. Each has one task that yields at every run: the other
// AS's task is ready, so the executor asks the kernel (fast_yield_task), which sets the
// task ready again, behind the other one, pops that one and hands it to the other AS's
// executor. Reports instructions per switch (make bench; -icount), from one task's
// yield to the other AS's task running.
#include "user/lib/xas_start.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kRounds = 200;
u64 g_runs, g_start;

RunOutcome run_task(u64, u32) {
  if (g_runs == 0) g_start = read_instret();
  if (++g_runs < kRounds) return RunOutcome::yields;
  if (my_as_id() == 1) ureport("bench xas_switch %lu", (read_instret() - g_start) / (2 * (kRounds - 1)));
  return RunOutcome::done;
}
}  // namespace

int main(u64) { xas_start(run_task); }
