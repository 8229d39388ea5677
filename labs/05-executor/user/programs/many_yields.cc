// user/programs/many_yields.cc: 10,000 yields among cooperative tasks while one task
// spins through several timeouts. Stacks are reused: the AS never holds more executor
// stacks than timeouts + 1 (the kernel's sched line reports both).
#include "user/lib/runtime.hh"
#include "user/lib/ulib.hh"

namespace {
Task<u64> yielder(u64 rounds) {
  for (u64 i = 0; i < rounds; i++) co_await yield_now();
  co_return rounds;
}

Task<u64> busy(u64 ms) {
  u64 until = read_time() + 10'000'000 / 1000 * ms;
  u64 spins = 0;
  while (read_time() < until) spins++;
  co_return spins;
}

Task<int> async_main(u64 seed) {
  auto spin = spawn(busy(20 + seed % 20));
  auto a = spawn(yielder(5000));
  auto b = spawn(yielder(5000));
  if (!spin.ok() || !a.ok() || !b.ok()) co_return 2;
  u64 total = co_await a.handle();
  total += co_await b.handle();
  co_await spin.handle();
  ureport("many_yields yields=%lu", total);
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
