// kernel/virtq_complete.cc: taking finished chains off a virtqueue's used ring.
// Layer: kernel/drivers. (Reference solution.)
#include "kernel/virtio.hh"

// virtq_complete(q, done, context): see kernel/virtio.hh.
Result<u32> virtq_complete(Virtqueue& q, VirtqDone done, void* context) {
  u32 handled = 0;
  while (q.last_used != q.used->idx) {
    virtq_fence_reads();  // the device wrote the entry before the index
    VirtqUsedElem e{q.used->ring[q.last_used % kQueueSize].id, q.used->ring[q.last_used % kQueueSize].len};
    q.last_used++;
    if (e.id >= kQueueSize || !(q.busy_heads & (1ull << e.id))) continue;  // not ours to take
    q.busy_heads &= ~(1ull << e.id);
    virtq_free_chain(q, u16(e.id));
    done(context, u16(e.id), e.len);  // may submit again: the chain is free already
    handled++;
  }
  return handled;
}
