// kernel/virtqueue.cc: setting up a split virtqueue and its free descriptor list.
// Layer: kernel/drivers. Submission and completion are kernel/virtq_submit.cc and
// kernel/virtq_complete.cc.
#include "kernel/virtio.hh"

void virtq_init(Virtqueue& q, u64 frame, u64 mmio, u16 index) {
  q = Virtqueue{};
  q.desc = reinterpret_cast<VirtqDesc*>(frame + kVirtqDescOffset);
  q.avail = reinterpret_cast<volatile VirtqAvail*>(frame + kVirtqAvailOffset);
  q.used = reinterpret_cast<volatile VirtqUsed*>(frame + kVirtqUsedOffset);
  q.mmio = mmio;
  q.index = index;
  for (u16 i = 0; i < kQueueSize; i++) q.desc[i] = VirtqDesc{0, 0, 0, u16((i + 1) % kQueueSize)};
  q.free_head = 0;
  q.free_count = kQueueSize;
}

void virtq_free_chain(Virtqueue& q, u16 head) {
  u16 tail = head, count = 1;
  while ((q.desc[tail].flags & virtq_desc::next) && count < kQueueSize) {
    tail = q.desc[tail].next % kQueueSize;
    count++;
  }
  q.desc[tail].next = q.free_head;  // the chain's own links stay: the list runs through it
  q.free_head = head;
  q.free_count = u16(q.free_count + count);
}
