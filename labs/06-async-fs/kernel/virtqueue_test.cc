// kernel/virtqueue_test.cc: host unit test of the split virtqueue (kernel/virtqueue.cc
// with your kernel/virtq_submit.cc and kernel/virtq_complete.cc), under AddressSanitizer.
// A fake device plays the other side: it takes chains from the avail ring, checks them,
// and answers in the used ring in an order of its choosing. The "MMIO registers" are an
// array, so a notify is a store we can see. With a hole still open, its part is skipped.
#include <stdio.h>
#include "host_check.hh"
#include "kernel/virtq_complete.cc"
#include "kernel/virtq_submit.cc"
#include "kernel/virtqueue.cc"
#include "lib/random.hh"

namespace {
alignas(4096) u8 g_frame[4096];
u32 g_regs[0x100 / 4];
constexpr u16 kQueueIndex = 5;
u16 g_device_avail;  // the fake device's position in the avail ring

u32 notified() { return g_regs[virtio_reg::queue_notify / 4]; }

// The device takes the next chain: its head, and the chain's segments checked against want.
int device_take(Virtqueue& q, const VirtqSegment* want, u32 count) {
  if (g_device_avail == q.avail->idx) return -1;
  u16 head = q.avail->ring[g_device_avail++ % kQueueSize];
  u16 id = head;
  for (u32 i = 0; i < count; i++) {
    const VirtqDesc& d = q.desc[id];
    CHECK(d.addr == want[i].address && d.len == want[i].length);
    CHECK(bool(d.flags & virtq_desc::write) == want[i].device_writes);
    CHECK(bool(d.flags & virtq_desc::next) == (i + 1 < count));
    id = d.next;
  }
  return head;
}

void device_use(Virtqueue& q, u32 id, u32 length) {
  q.used->ring[q.used->idx % kQueueSize].id = id;
  q.used->ring[q.used->idx % kQueueSize].len = length;
  q.used->idx = u16(q.used->idx + 1);
}

struct Seen {
  u32 calls = 0;
  u16 heads[1024];
  u32 lengths[1024];
};
void record(void* context, u16 head, u32 length) {
  Seen& s = *static_cast<Seen*>(context);
  s.heads[s.calls % 1024] = head;
  s.lengths[s.calls % 1024] = length;
  s.calls++;
}

void fresh(Virtqueue& q) {
  for (u8& b : g_frame) b = 0;
  for (u32& r : g_regs) r = 0;
  g_device_avail = 0;
  virtq_init(q, uptr(g_frame), uptr(g_regs), kQueueIndex);
}

VirtqSegment segs(u32 i, u32 part) { return VirtqSegment{0x80000000ull + i * 0x1000 + part * 16, 16 + part, part != 0}; }
}  // namespace

int main() {
  Virtqueue q;
  fresh(q);
  CHECK(q.free_count == kQueueSize);
  VirtqSegment three[3] = {segs(0, 0), segs(0, 1), segs(0, 2)};
  Result<u16> first = virtq_submit(q, three, 3);
  if (first.error() == Error::not_implemented) {
    printf("virtqueue_test: virtq_submit not implemented (lab06): skipped\n");
    return host_check_summary("virtqueue_test");
  }
  // One chain: three descriptors, published, notified with the queue's index.
  CHECK(first.ok() && q.free_count == kQueueSize - 3 && q.avail->idx == 1 && notified() == kQueueIndex);
  CHECK(q.busy_heads == (1ull << first.value()));
  CHECK(device_take(q, three, 3) == first.value());
  CHECK(virtq_submit(q, three, 0).error() == Error::invalid);

  // Fill the ring: 21 chains of 3 fit in 64; the 22nd is refused and changes nothing.
  VirtqSegment chains[kQueueSize][3];
  u32 taken = 1;
  for (u32 i = 1;; i++) {
    for (u32 p = 0; p < 3; p++) chains[i][p] = segs(i, p);
    Result<u16> head = virtq_submit(q, chains[i], 3);
    if (!head.ok()) {
      CHECK(head.error() == Error::no_space);
      break;
    }
    CHECK(device_take(q, chains[i], 3) == head.value());
    taken++;
  }
  CHECK(taken == kQueueSize / 3 && q.free_count == kQueueSize % 3 && q.avail->idx == taken);

  Seen seen;
  Result<u32> none = virtq_complete(q, record, &seen);
  if (none.error() == Error::not_implemented) {
    printf("virtqueue_test: virtq_complete not implemented (lab06): skipped\n");
    return host_check_summary("virtqueue_test");
  }
  CHECK(none.ok() && none.value() == 0 && seen.calls == 0);
  // The device answers in reverse order, with a bogus entry in between (not busy).
  u64 busy = q.busy_heads;
  u32 heads[kQueueSize], n = 0;
  for (u16 h = 0; h < kQueueSize; h++)
    if (busy & (1ull << h)) heads[n++] = h;
  CHECK(n == taken);
  for (u32 i = n; i-- > 0;) {
    device_use(q, heads[i], 100 + heads[i]);
    if (i == n / 2) device_use(q, kQueueSize + 3, 1), device_use(q, heads[i], 1);  // out of range, then done twice
  }
  Result<u32> done = virtq_complete(q, record, &seen);
  CHECK(done.ok() && done.value() == n && seen.calls == n);
  CHECK(seen.heads[0] == heads[n - 1] && seen.lengths[0] == 100u + heads[n - 1]);
  CHECK(q.free_count == kQueueSize && q.busy_heads == 0 && q.last_used == q.used->idx);

  // Many rounds (the 16-bit indices wrap): every freed descriptor is found again.
  SplitMix64 rng(42);
  u32 in_flight = 0, completed_before = seen.calls;
  u64 submitted = 0;
  for (u32 round = 0; round < 100000; round++) {
    u32 count = u32(1 + rng.below(4));
    VirtqSegment s[4];
    for (u32 p = 0; p < count; p++) s[p] = segs(round % 64, p);
    Result<u16> head = virtq_submit(q, s, count);
    if (head.ok()) {
      submitted++, in_flight++;
      CHECK(device_take(q, s, count) == head.value());
    }
    if (!head.ok() || rng.below(3) == 0) {  // the device finishes the oldest busy chain
      for (u16 h = 0; h < kQueueSize; h++)
        if (q.busy_heads & (1ull << h)) {
          device_use(q, h, 0);
          break;
        }
      in_flight -= virtq_complete(q, record, &seen).value_or(0);
    }
  }
  CHECK(seen.calls - completed_before + in_flight == submitted);
  CHECK(q.used->flags == 0);

  // The device may ask for no notifications.
  fresh(q);
  q.used->flags = kVirtqUsedNoNotify;
  CHECK(virtq_submit(q, three, 3).ok() && notified() == 0 && q.notifies == 0);
  return host_check_summary("virtqueue_test");
}
