// user/programs/xas_spawn_bench.cc: xas_bench's ping-pong, but each run ends its task and
// adds a new one (behind the other AS's) instead of yielding: a switch plus a task's
// add and remove. Reports instructions per switch (make bench; -icount).
#include "user/lib/xas_start.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kRounds = 200;
u64 g_runs, g_start;

RunOutcome run_task(u64 repr, u32) {
  if (g_runs == 0) g_start = read_instret();
  if (++g_runs < kRounds) task_add(repr, 4);  // the next one, behind the other AS's
  else if (my_as_id() == 1) ureport("bench xas_switch %lu", (read_instret() - g_start) / (2 * (kRounds - 1)));
  return RunOutcome::done;
}
}  // namespace

int main(u64) { xas_start(run_task); }
