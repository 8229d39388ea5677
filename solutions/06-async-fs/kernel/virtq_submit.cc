// kernel/virtq_submit.cc: putting one descriptor chain on a virtqueue.
// Layer: kernel/drivers. (Reference solution.)
#include "kernel/virtio.hh"

// virtq_submit(q, segments, count): see kernel/virtio.hh.
Result<u16> virtq_submit(Virtqueue& q, const VirtqSegment* segments, u32 count) {
  if (count == 0) return Error::invalid;
  if (count > q.free_count) return Error::no_space;
  // The free list is linked through `next`: its first `count` descriptors are a chain.
  u16 head = q.free_head, id = head;
  for (u32 i = 0; i < count; i++) {
    VirtqDesc& d = q.desc[id];
    d.addr = segments[i].address;
    d.len = segments[i].length;
    d.flags = u16((segments[i].device_writes ? virtq_desc::write : 0) | (i + 1 < count ? virtq_desc::next : 0));
    id = d.next;
  }
  q.free_head = id;
  q.free_count = u16(q.free_count - count);
  q.busy_heads |= 1ull << head;
  q.avail->ring[q.avail_idx % kQueueSize] = head;
  virtq_fence_writes();  // the descriptors and the ring entry before the index
  q.avail->idx = ++q.avail_idx;
  virtq_fence_io();      // the index before the notify (and before reading used->flags)
  if (!(q.used->flags & kVirtqUsedNoNotify)) {
    mmio_write32(q.mmio, virtio_reg::queue_notify, q.index);
    q.notifies++;
  }
  return head;
}
