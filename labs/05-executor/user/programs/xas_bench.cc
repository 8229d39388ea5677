// user/programs/xas_bench.cc: two of these, in two ASes, hand the CPU back and forth
// through the shared scheduler. Each has one task that yields at every run: it sets
// itself ready again, to the tail of its queue, behind the other AS's task. So every pop
// after a run is a Yield to the other AS, taken on the fast path, and the kernel hands
// the other executor its task. Reports instructions per switch (make bench; -icount),
// from one task's yield to the other AS's task running.
#include "user/lib/xas_start.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kRounds = 200;
u64 g_runs, g_start;

bool run_task(u64, u32 id) {
  if (g_runs == 0) g_start = read_instret();
  if (++g_runs < kRounds) return task_set_state(id, TaskState::ready) < 0;  // yield
  if (my_as_id() == 1) ureport("bench xas_switch %lu", (read_instret() - g_start) / (2 * (kRounds - 1)));
  return true;
}
}  // namespace

int main(u64) { xas_start(run_task); }
