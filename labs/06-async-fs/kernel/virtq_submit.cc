// kernel/virtq_submit.cc: putting one descriptor chain on a virtqueue.
// Layer: kernel/drivers. Lab 06 hole: see labs/06-async-fs/README.md, task "virtq_submit".
#include "kernel/virtio.hh"

// virtq_submit(q, segments, count): see kernel/virtio.hh.
Result<u16> virtq_submit(Virtqueue& q, const VirtqSegment* segments, u32 count) {
  // TODO(lab06): refuse count 0 (Error::invalid) and more than q.free_count
  // (Error::no_space). Take the chain from the free list (it is linked by `next`
  // already), fill addr, len and flags (virtq_desc::write if the device writes the
  // segment, virtq_desc::next on all but the last), advance free_head/free_count, mark
  // the head in busy_heads. Put the head in avail->ring[avail_idx % kQueueSize], fence,
  // publish the new avail->idx, fence, and write q.index to QueueNotify unless
  // used->flags has kVirtqUsedNoNotify (count q.notifies). Return the head.
  (void)q, (void)segments, (void)count;
  return Error::not_implemented;
}
