// user/programs/xas_runtime_bench.cc: xas_bench through the async runtime: two of these,
// in two ASes, each with one task (t0) that yields (co_await yield_now) while the other
// AS's task waits in the payload, so every yield is a switch to the other AS through
// fast_yield_task. Reports instructions per switch (make bench; -icount), over the
// middle rounds, where both ASes alternate. Run with a time slice: the first AS yields
// to itself until a tick puts its task in the payload and lets the second one start.
#include "user/lib/payload.hh"
#include "user/lib/runtime.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kRounds = 240, kWarmup = 20;  // measured: rounds kWarmup .. kRounds - kWarmup
constexpr u64 kMaxWaits = 200'000;           // yields to wait for the other AS (~20 ms virtual)

Task<int> bench_main(u64) {
  const volatile u8* ready = payload_ready_summary();
  if (!ready) co_return 3;
  u64 waits = 0;
  while (*ready == 0 && waits++ < kMaxWaits) co_await yield_now();  // until the other AS's task waits
  if (*ready == 0) {  // it never came (or left already): nothing to measure
    ureport("xas_runtime_bench: no task of another AS after %lu yields", waits);
    co_return 4;
  }
  u64 start = 0;
  for (u64 round = 0; round < kRounds; round++) {
    if (round == kWarmup) start = read_instret();
    co_await yield_now();
    if (round + 1 == kRounds - kWarmup && my_as_id() == 1)
      ureport("bench xas_switch %lu", (read_instret() - start) / (2 * (kRounds - 2 * kWarmup - 1)));
  }
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(bench_main)
