// user/programs/spawn_oom.cc: spawn tasks with large frames until the heap is exhausted,
// report the error, then show the program goes on: join them all, spawn again. Layer:
// user program (lab 05). Expected: "spawn_oom error=-12 ..." (ENOMEM, the frame
// allocation failed), then "spawn_oom continued ...".
#include "user/lib/runtime.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr usize kPad = 4000;  // a frame holds this, so about 15 fit in the 64 KiB heap
constexpr int kMaxTasks = 64;

u64 pad_sum(u64 seed) {
  u64 sum = 0;
  for (usize i = 0; i < kPad; i++) sum += u8(seed + i);
  return sum;
}

// big(seed): its pad lives across a suspension, so it is in the frame.
Task<u64> big(u64 seed) {
  u8 pad[kPad];
  for (usize i = 0; i < kPad; i++) pad[i] = u8(seed + i);
  co_await yield_now();
  u64 sum = 0;
  for (usize i = 0; i < kPad; i++) sum += pad[i];
  co_return sum;
}

Task<int> async_main(u64 seed) {
  JoinHandle<u64> handles[kMaxTasks];
  int spawned = 0;
  i64 error = 0;
  for (; spawned < kMaxTasks; spawned++) {
    SpawnResult<u64> r = spawn(big(seed + u64(spawned)));
    if (!r.ok()) {
      error = r.error();
      break;
    }
    handles[spawned] = std::move(r.handle());
  }
  HeapStats heap = heap_stats();
  ureport("spawn_oom error=%ld (%s) spawned=%d heap_failures=%lu", long(error), spawn_error_text(error), spawned,
          u64(heap.failures));
  int wrong = 0;
  for (int i = 0; i < spawned; i++) wrong += co_await handles[i] != pad_sum(seed + u64(i));
  SpawnResult<u64> again = spawn(big(seed));
  bool again_ok = again.ok() && co_await again.handle() == pad_sum(seed);
  ureport("spawn_oom continued joined=%d wrong=%d again=%s", spawned, wrong, again_ok ? "ok" : "failed");
  co_return wrong == 0 && again_ok ? 0 : 3;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
