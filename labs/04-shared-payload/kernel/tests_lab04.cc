// kernel/tests_lab04.cc: kernel-side drivers for lab 04's benchmarks.
// Layer: kernel/test.
#include "kernel/boot.hh"
#include "kernel/console.hh"
#include "kernel/kernel_space.hh"
#include "kernel/main.hh"
#include "kernel/payload.hh"
#include "kernel/selftest.hh"
#include "lib/random.hh"

bool stage_prepare();  // kernel/executor.cc

namespace {
// The cheapest can_run there is (no frame-pointer prologue): the benchmark measures the
// payload, not the callback.
[[gnu::optimize("omit-frame-pointer")]] bool any_task(void*, const TaskMeta*) { return true; }
}  // namespace

// bench_payload: instructions per add_task and per pop_task (run), calling the entries
// directly, minus the cost of the same loop with no call. Payload from bootargs
// (payload=fifo|prio).
KERNEL_TEST(bench_payload) {
  if (!kernel_space_ready() && !kernel_space_init(g_boot.memory.base + g_boot.memory.size)) return false;
  if (!stage_prepare()) return false;
  const PayloadHeader& h = payload_image().header;
  void* state = reinterpret_cast<void*>(h.state);
  auto add = reinterpret_cast<PayloadAddTaskFn>(h.entries.add_task);
  auto pop = reinterpret_cast<PayloadPopTaskFn>(h.entries.pop_task);
  constexpr u64 kTasks = 128;
  SplitMix64 rng(test_seed());
  u64 priorities[kTasks];
  for (u64& p : priorities) p = rng.below(kPayloadLevels);
  volatile u64 sink = 0;
  u64 t0 = read_instret();
  for (u64 i = 0; i < kTasks; i++) sink = sink + priorities[i];
  u64 t1 = read_instret();
  for (u64 i = 0; i < kTasks; i++) sink = sink + u64(add(state, i, 0, priorities[i]));
  u64 t2 = read_instret();
  u64 runs = 0;
  for (u64 i = 0; i < kTasks; i++) runs += pop(state, any_task, nullptr).kind == PopKind::run;
  u64 t3 = read_instret();
  u64 empty = t1 - t0;
  report("bench add_task %lu", (t2 - t1 - empty) / kTasks);
  report("bench pop_task %lu", (t3 - t2 - empty) / kTasks);
  return runs == kTasks && payload_pop_kernel().kind == PopKind::done;
}
