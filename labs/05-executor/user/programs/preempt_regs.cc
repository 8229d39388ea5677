// user/programs/preempt_regs.cc: a task that never yields spins with seeded patterns in
// every register while cooperative tasks of the same process keep running; the timer
// takes the spinning task away (a timeout) and gives it back intact.
#include "user/lib/regcheck.hh"
#include "user/lib/runtime.hh"
#include "user/lib/ulib.hh"

namespace {
u64 g_table[kSpinTableSize];
u64 g_coop_steps;
bool g_spin_done, g_coop_first;  // which finished first

Task<u64> spinner(u64 seed) {
  SplitMix64 rng(seed);
  u64 sum = 0;
  for (int n = 1; n < 32; n++)
    if (n != 2) sum += (g_table[n] = rng.next());
  g_table[kSpinDeadline] = read_time() + 10'000'000 / 1000 * (40 + seed % 20);  // 40..59 ms
  spin_check_registers(g_table);
  g_spin_done = true;
  co_return sum;
}

Task<u64> cooperative(u64 rounds) {
  for (u64 i = 0; i < rounds; i++) {
    g_coop_steps++;
    co_await yield_now();
  }
  g_coop_first = !g_spin_done;  // it only can be first if the spinner was set aside
  co_return rounds;
}

Task<int> async_main(u64 seed) {
  auto spin = spawn(spinner(seed), 4);
  auto coop = spawn(cooperative(3 + seed % 5), 4);  // far less than the spinner's 40+ slices
  if (!spin.ok() || !coop.ok()) co_return 2;
  u64 coop_rounds = co_await coop.handle();
  u64 sum = co_await spin.handle();
  SchedStats s{};
  syscall6(sys::sched_stats, long(&s));
  ureport("preempt_regs bad=%lu sum=%lx coop=%lu timeouts=%s first=%s", g_table[kSpinBadRegister], sum, coop_rounds,
          s.timeouts > 0 ? "some" : "none", g_coop_first ? "coop" : "spin");
  u64 saved = s.timeouts - s.preempted_now;  // timeouts that ended in a resume
  if (saved > 0) ureport("bench timeout_switch %lu", s.timeout_instructions / s.timeouts);
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
