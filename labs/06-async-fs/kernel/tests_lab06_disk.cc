// kernel/tests_lab06_disk.cc: kernel-side drivers of lab 06's disk tests. Layer: kernel/test.
// The disk image holds a seeded pattern the host wrote: sector s is 64 little-endian
// words drawn from SplitMix64(disk_seed ^ s), disk_seed = bootargs disk_seed= (default
// the test seed). The grader recomputes every sector (and checks the written ones).
#include "kernel/boot.hh"
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/devices.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/executor.hh"
#include "kernel/kernel_space.hh"
#include "kernel/main.hh"
#include "kernel/plic.hh"
#include "kernel/process.hh"
#include "kernel/selftest.hh"
#include "kernel/timer.hh"
#include "kernel/trap.hh"
#include "kernel/virtio_blk.hh"
#include "lib/random.hh"


namespace {
constexpr u32 kMaxBatch = 64;
constexpr u32 kWordsPerSector = kSectorSize / 8;
constexpr u64 kWriteSalt = 0x5772697465ull;  // "Write": the pattern the kernel writes

// A batch of requests: at most `depth` in flight at once (the disk's own limit too);
// the others wait in a FIFO and go out from the completion callback as room appears.
struct Batch {
  VirtioBlk* disk = nullptr;
  BlockRequest requests[kMaxBatch];
  u8* buffers[kMaxBatch] = {};
  u32 size = 0, depth = kMaxBatch;
  u32 in_flight = 0, done = 0, failed = 0, queued = 0;
  BlockRequest* waiting = nullptr;  // FIFO through BlockRequest::next
  BlockRequest* waiting_tail = nullptr;
  u64 done_instret = 0;             // instret in the last callback
  u32 from_user = 0, from_kernel = 0;  // completions whose interrupt came in U / S mode
};

void push_waiting(Batch& b, BlockRequest& r, bool front) {
  r.next = front ? b.waiting : nullptr;
  if (front) b.waiting = &r;
  else if (b.waiting_tail) b.waiting_tail->next = &r;
  else b.waiting = &r;
  if (!r.next) b.waiting_tail = &r;
}

// try_submit(b, r): submit r; false (r untouched) if there is no room now.
bool try_submit(Batch& b, BlockRequest& r) {
  if (b.in_flight >= b.depth) return false;
  Error e = b.disk->submit(r);
  if (e == Error::no_space) return false;
  if (e == Error::ok) b.in_flight++;
  else {
    if (!b.failed) kprintf("disk: submit sector %lu: %s\n", r.sector, error_name(e));
    b.done++, b.failed++;
  }
  return true;
}

// submit_waiting(b): as many waiting requests as there is room for, in order.
void submit_waiting(Batch& b) {
  while (BlockRequest* next = b.waiting) {
    b.waiting = next->next;
    if (!b.waiting) b.waiting_tail = nullptr;
    if (!try_submit(b, *next)) return push_waiting(b, *next, true);
  }
}

// on_done(r, batch): the completion callback (trap context): count, then submit waiters.
void on_done(BlockRequest& r, void* context) {
  Batch& b = *static_cast<Batch*>(context);
  b.done_instret = read_instret();
  u64 sstatus;
  asm volatile("csrr %0, sstatus" : "=r"(sstatus));
  (sstatus & (1 << 8) ? b.from_kernel : b.from_user)++;  // SPP: where the trap came from
  b.in_flight--;
  b.done++;
  if (r.status != Error::ok) b.failed++;
  submit_waiting(b);
}

void submit_or_queue(Batch& b, BlockRequest& r) {
  if (b.waiting || !try_submit(b, r)) b.queued++, push_waiting(b, r, false);
}

// wait_batch(b): sleep until every request of b is done (interrupts, no polling).
bool wait_batch(Batch& b) {
  while (b.done < b.size) {
    if (b.disk->failed()) return false;
    wait_for_interrupt();
  }
  return true;
}

void fill_pattern(u64 seed, u64 sector, u32 count, u8* buffer) {
  u64* words = reinterpret_cast<u64*>(buffer);
  for (u32 s = 0; s < count; s++) {
    SplitMix64 rng(seed ^ (sector + s));
    for (u32 i = 0; i < kWordsPerSector; i++) words[s * kWordsPerSector + i] = rng.next();
  }
}

bool matches_pattern(u64 seed, u64 sector, u32 count, const u8* buffer) {
  const u64* words = reinterpret_cast<const u64*>(buffer);
  for (u32 s = 0; s < count; s++) {
    SplitMix64 rng(seed ^ (sector + s));
    for (u32 i = 0; i < kWordsPerSector; i++)
      if (words[s * kWordsPerSector + i] != rng.next()) return false;
  }
  return true;
}

// start_batch(b, n, depth): n requests of b.requests, each on a frame of its own, at
// most depth in flight.
bool start_batch(Batch& b, u32 n, u32 depth = kMaxBatch) {
  b.size = n, b.depth = depth, b.in_flight = b.done = b.failed = b.queued = b.from_user = b.from_kernel = 0;
  b.waiting = b.waiting_tail = nullptr;
  for (u32 i = 0; i < n; i++) {
    if (!b.buffers[i]) {
      Result<u64> frame = frame_alloc();
      if (!frame.ok()) return false;
      b.buffers[i] = reinterpret_cast<u8*>(frame.value());
    }
    BlockRequest& r = b.requests[i];
    r.buffer = b.buffers[i];
    r.done = on_done;
    r.context = &b;
    r.next = nullptr;
  }
  for (u32 i = 0; i < n; i++) submit_or_queue(b, b.requests[i]);
  return true;
}

void free_buffers(Batch& b) {
  for (u8*& buffer : b.buffers)
    if (buffer) frame_free(uptr(buffer)), buffer = nullptr;
}

bool prepare() {
  trap_init();
  if (!kernel_space_ready() && !kernel_space_init(g_boot.memory.base + g_boot.memory.size)) return false;
  return devices_init();
}
}  // namespace

// disk: many reads in flight at once, checked against the host's pattern; then writes of
// a new pattern (disjoint ranges, all in flight at once) read back. Bootargs: disk_reads=N.
KERNEL_TEST(disk) {
  if (!prepare()) return false;
  VirtioBlk* disk = block_device(0);
  if (!disk) {
    report("disk none");
    return false;
  }
  u64 seed = bootargs_u64("disk_seed", test_seed());
  u64 capacity = disk->capacity();
  report("disk capacity=%lu", capacity);
  if (capacity < 64) return false;
  static Batch b;
  b.disk = disk;
  SplitMix64 rng(test_seed() ^ 0xd15c);

  u32 reads = u32(min_of(bootargs_u64("disk_reads", 32), u64(kMaxBatch)));
  for (u32 i = 0; i < reads; i++) {
    u32 count = u32(1 + rng.below(8));
    b.requests[i] = BlockRequest{rng.below(capacity - count + 1), count, false, nullptr};
  }
  if (!start_batch(b, reads)) return false;
  bool ok = wait_batch(b);
  u32 good = 0;
  for (u32 i = 0; i < reads; i++) {
    BlockRequest& r = b.requests[i];
    bool same = r.status == Error::ok && matches_pattern(seed, r.sector, r.count, r.buffer);
    good += same;
    report("disk read sector=%lu count=%u ok=%d", r.sector, r.count, same ? 1 : 0);
  }
  report("disk reads n=%u ok=%u queued=%u peak=%u", reads, good, b.queued, disk->peak_in_flight());
  if (!ok || good != reads) return free_buffers(b), false;

  // Writes: disjoint ranges (one per 8-sector block, distinct blocks), all at once.
  u32 writes = min_of(reads, 16u);
  u64 blocks = capacity / 8;
  for (u32 i = 0; i < writes; i++) {
    u64 block;
    bool fresh;
    do {
      block = rng.below(blocks);
      fresh = true;
      for (u32 j = 0; j < i; j++) fresh &= b.requests[j].sector / 8 != block;
    } while (!fresh);
    u32 offset = u32(rng.below(8)), count = u32(1 + rng.below(8 - offset));
    b.requests[i] = BlockRequest{block * 8 + offset, count, true, nullptr};
    fill_pattern(seed ^ kWriteSalt, block * 8 + offset, count, b.buffers[i]);
  }
  if (!start_batch(b, writes)) return false;
  ok &= wait_batch(b);
  u32 written = writes - b.failed;
  for (u32 i = 0; i < writes; i++) {  // the same ranges again, read into zeroed buffers
    b.requests[i].write = false;
    for (u32 k = 0; k < kPageSize; k++) b.buffers[i][k] = 0;
  }
  if (!start_batch(b, writes)) return false;
  ok &= wait_batch(b);
  good = 0;
  for (u32 i = 0; i < writes; i++) {
    BlockRequest& r = b.requests[i];
    bool same = r.status == Error::ok && matches_pattern(seed ^ kWriteSalt, r.sector, r.count, r.buffer);
    good += same;
    report("disk write sector=%lu count=%u ok=%d", r.sector, r.count, same ? 1 : 0);
  }
  report("disk writes n=%u ok=%u readback=%u peak=%u", writes, written, good, disk->peak_in_flight());
  ok &= written == writes && good == writes;
  report("disk stats submitted=%lu completed=%lu irqs=%lu claims=%lu notifies=%lu", disk->submitted(),
         disk->completed(), disk->interrupts(), external_interrupts(), disk->notifies());

  // One 4 KiB read alone, several times (the first warms caches and TLB): instructions
  // in submit(), from the trap vector's external_interrupt() to the callback, and in all
  // from before submit() to the callback (the wfi sleep is one instruction).
  u64 best_submit = ~0ull, best_complete = ~0ull, best_total = ~0ull;
  for (int round = 0; round < 8 && ok; round++) {
    b.requests[0] = BlockRequest{u64(round) * 8, 8, false, nullptr};
    b.size = 1, b.in_flight = 1, b.done = b.failed = 0;
    b.requests[0].buffer = b.buffers[0], b.requests[0].done = on_done, b.requests[0].context = &b;
    u64 t0 = read_instret();
    Error e = disk->submit(b.requests[0]);
    u64 t1 = read_instret();
    ok &= e == Error::ok && wait_batch(b) && b.failed == 0;
    best_submit = min_of(best_submit, t1 - t0);
    best_complete = min_of(best_complete, b.done_instret - external_interrupt_instret());
    best_total = min_of(best_total, b.done_instret - t0);
  }
  report("bench disk_submit %lu", best_submit);
  report("bench disk_complete %lu", best_complete);
  report("bench disk_read_4k %lu", best_total);
  free_buffers(b);
  return ok;
}

// disk_user: reads in flight while user programs run (disk_run=, default empty; slice=us),
// disk_depth= at a time (default 1: one after the other, so they outlast the programs):
// their interrupts arrive in user mode (user_trap) or, once every program has ended,
// in the kernel's idle wait (process_next_frame): run_user_programs returns only when
// none is in flight. Then the data is checked as in `disk`.
KERNEL_TEST(disk_user) {
  if (!prepare()) return false;
  VirtioBlk* disk = block_device(0);
  if (!disk) {
    report("disk none");
    return false;
  }
  timer_init(g_boot.dtb);
  if (!stage_prepare()) return false;
  u64 seed = bootargs_u64("disk_seed", test_seed());
  u64 capacity = disk->capacity();
  if (capacity < 64) return false;
  static Batch b;
  b.disk = disk;
  SplitMix64 rng(test_seed() ^ 0xd15c);
  u32 reads = u32(min_of(bootargs_u64("disk_reads", 32), u64(kMaxBatch)));
  for (u32 i = 0; i < reads; i++) {
    u32 count = u32(1 + rng.below(8));
    b.requests[i] = BlockRequest{rng.below(capacity - count + 1), count, false, nullptr};
  }
  if (!start_batch(b, reads, u32(max_of(bootargs_u64("disk_depth", 1), u64(1))))) return false;
  const char* run = bootargs_get("disk_run");
  bool ran = run_user_programs(run ? run : "empty", microseconds_to_time(bootargs_u64("slice", 10000)));
  u32 done_at_return = b.done;
  bool ok = ran && wait_batch(b);
  u32 good = 0;
  for (u32 i = 0; i < reads; i++) {
    BlockRequest& r = b.requests[i];
    good += r.status == Error::ok && matches_pattern(seed, r.sector, r.count, r.buffer);
  }
  report("disk user reads n=%u ok=%u queued=%u done_at_return=%u from_user=%u from_kernel=%u idle_waits=%lu", reads,
         good, b.queued, done_at_return, b.from_user, b.from_kernel, kernel_idle_waits());
  free_buffers(b);
  return ok && good == reads && done_at_return == reads;
}
