// user/programs/async_tree.cc: a recursive fork/join tree of seeded depth and fan-out
// (seed item 4: spawn covers fork and callback). Layer: user program (lab 05). Each
// child of a node runs one of three ways, chosen by its seed (s % 3):
//   0 fork: spawn + join;  1 call: co_await inline;  2 callback: a detached task stores
//   its value and sets a flag, which the parent polls with yield_now.
// The grader recomputes the total (SplitMix64):
//   rng = SplitMix64(seed); depth = 1 + rng.below(3); fan = 2 + rng.below(2); root = rng.next()
//   value(s, 0) = SplitMix64(s).next() % 1000
//   value(s, d) = d + sum over i < fan of value(r.next(), d - 1) * (i + 1), r = SplitMix64(s)
#include "user/lib/runtime.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr int kMaxFan = 3;
u64 g_spawn_failures;

struct CallbackSlot {
  u64 value;
  bool done;
};

Task<u64> node(u64 seed, int depth, int fan);

Task<void> callback_child(u64 seed, int depth, int fan, CallbackSlot* slot) {
  slot->value = co_await node(seed, depth, fan);
  slot->done = true;
}

Task<u64> node(u64 seed, int depth, int fan) {
  if (depth == 0) co_return SplitMix64(seed).next() % 1000;
  SplitMix64 rng(seed);
  u64 total = u64(depth);
  JoinHandle<u64> forks[kMaxFan];
  CallbackSlot slots[kMaxFan] = {};
  u64 style[kMaxFan];
  for (int i = 0; i < fan; i++) {
    u64 child = rng.next();
    style[i] = child % 3;
    if (style[i] == 0) {
      SpawnResult<u64> r = spawn(node(child, depth - 1, fan));
      if (r.ok()) forks[i] = std::move(r.handle());
      g_spawn_failures += !r.ok();
    } else if (style[i] == 1) {
      total += co_await node(child, depth - 1, fan) * u64(i + 1);
    } else {
      SpawnResult<void> r = spawn(callback_child(child, depth - 1, fan, &slots[i]));
      if (r.ok()) r.handle().detach();
      g_spawn_failures += !r.ok();
      slots[i].done |= !r.ok();  // nothing to wait for
    }
  }
  for (int i = 0; i < fan; i++) {
    if (style[i] == 0) total += co_await forks[i] * u64(i + 1);
    if (style[i] != 2) continue;
    while (!slots[i].done) co_await yield_now();
    total += slots[i].value * u64(i + 1);
  }
  co_return total;
}

Task<int> async_main(u64 seed) {
  SplitMix64 rng(seed);
  int depth = 1 + int(rng.below(3)), fan = 2 + int(rng.below(2));
  u64 root = rng.next();
  u64 total = co_await node(root, depth, fan);
  if (g_spawn_failures) {
    ureport("async_tree spawn failures=%lu", g_spawn_failures);
    co_return 2;
  }
  ureport("async_tree depth=%d fan=%d total=%lu tasks=%lu", depth, fan, total, runtime_stats().spawned);
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
