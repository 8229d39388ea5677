// user/programs/xas_bench.cc: two of these, in two ASes, hand the CPU back and forth
// through the shared scheduler: each run of a task adds the next one, so the ready queue
// alternates between the ASes and every pop after a run is a Yield to the other AS, taken
// on the fast path. Reports instructions per switch (make bench; -icount).
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kRounds = 200;
u64 g_runs, g_start;

void run_task(u64 repr, u32) {
  if (g_runs == 0) g_start = read_instret();
  if (++g_runs < kRounds) task_add(repr, 4);  // the next one, behind the other AS's
  else if (my_as_id() == 1) ureport("bench xas_switch %lu", (read_instret() - g_start) / (2 * (kRounds - 1)));
}
}  // namespace

int main(u64 seed) {
  if (!payload_header()) return 3;
  executor_register(run_task);
  task_add(1, 4);
  sys_yield();  // both have a task before anyone pops
  sys_yield();
  executor_run(run_task);
}
