// user/programs/async_bench.cc: instructions per runtime operation, for make bench (run
// under -icount shift=0, where instret counts exactly). Layer: user program (lab 05).
//   coroutine_switch  one yield_now from one task to another of the same AS: no kernel
//                     entry (two tasks yield to each other; the window holds 2 x kRounds)
//   spawn_join        spawn an empty child, join it: add, run, remove, wake, free
//   task_call         co_await an empty Task inline: frame alloc, two transfers, free
#include "user/lib/runtime.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kRounds = 256;

Task<void> pinger(u64* instructions) {
  co_await yield_now();  // both tasks are running before the window opens
  u64 start = read_instret();
  for (u64 i = 0; i < kRounds; i++) co_await yield_now();
  *instructions = read_instret() - start;
}

Task<void> empty() { co_return; }

Task<int> async_main(u64) {
  u64 window = 0, other = 0;
  SpawnResult<void> a = spawn(pinger(&window));
  SpawnResult<void> b = spawn(pinger(&other));
  if (!a.ok() || !b.ok()) co_return 2;
  co_await a.handle();
  co_await b.handle();
  ureport("bench coroutine_switch %lu", window / (2 * kRounds));

  co_await empty();  // warm up
  u64 start = read_instret();
  for (u64 i = 0; i < kRounds; i++) {
    SpawnResult<void> r = spawn(empty());
    if (!r.ok()) co_return 3;
    co_await r.handle();
  }
  ureport("bench spawn_join %lu", (read_instret() - start) / kRounds);

  start = read_instret();
  for (u64 i = 0; i < kRounds; i++) co_await empty();
  ureport("bench task_call %lu", (read_instret() - start) / kRounds);
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
