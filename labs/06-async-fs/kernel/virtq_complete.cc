// kernel/virtq_complete.cc: taking finished chains off a virtqueue's used ring.
// Layer: kernel/drivers. Lab 06 hole: see labs/06-async-fs/README.md, task "virtq_complete".
#include "kernel/virtio.hh"

// virtq_complete(q, done, context): see kernel/virtio.hh.
Result<u32> virtq_complete(Virtqueue& q, VirtqDone done, void* context) {
  // TODO(lab06): while q.last_used differs from used->idx: fence, read the entry at
  // last_used % kQueueSize, advance last_used; skip an id that is out of range or not in
  // busy_heads; else clear its bit, virtq_free_chain() it, and call
  // done(context, id, len). Return how many entries were handled.
  (void)q, (void)done, (void)context;
  return Error::not_implemented;
}
