// user/programs/mixed.cc: a mixed workload for the timeout-rate plot (make bench): tasks
// that compute in bursts of seeded length, yielding between bursts.
#include "user/lib/runtime.hh"
#include "user/lib/ulib.hh"

namespace {
Task<u64> worker(u64 seed, u64 bursts) {
  SplitMix64 rng(seed);
  u64 done = 0;
  for (u64 b = 0; b < bursts; b++) {
    u64 until = read_time() + rng.below(20000);  // up to 2 ms of work, then a yield
    while (read_time() < until) done++;
    co_await yield_now();
  }
  co_return done;
}

Task<int> async_main(u64 seed) {
  SplitMix64 rng(seed);
  JoinHandle<u64> workers[4];
  for (auto& w : workers) {
    auto s = spawn(worker(rng.next(), 20));
    if (!s.ok()) co_return 2;
    w = std::move(s.handle());
  }
  for (auto& w : workers) co_await w;
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
