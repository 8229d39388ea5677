// kernel/disk.cc: the block cache's BlockDevice over virtio-blk (see disk.hh).
// Layer: kernel/drivers (lab 06).
#include "kernel/disk.hh"

VirtioDisk::VirtioDisk(VirtioBlk& device) : device_(device) {
  for (Slot& s : slots_) s.sector = nullptr;
}

void VirtioDisk::finish(SectorRequest& request, Error status) {
  request.status = status;
  request.done(request, request.context);
}

bool VirtioDisk::start(SectorRequest& request) {
  Slot* slot = nullptr;
  for (Slot& s : slots_)
    if (!s.sector) {
      slot = &s;
      break;
    }
  if (!slot) return false;
  slot->sector = &request;
  slot->request = BlockRequest{};
  slot->request.sector = request.sector;
  slot->request.count = 1;
  slot->request.write = request.write;
  slot->request.buffer = request.buffer;
  slot->request.done = &VirtioDisk::on_done;
  slot->request.context = this;
  Error e = device_.submit(slot->request);
  if (e == Error::no_space) {  // the ring is full after all
    slot->sector = nullptr;
    return false;
  }
  if (e != Error::ok) {
    slot->sector = nullptr;
    finish(request, e);
  }
  return true;
}

void VirtioDisk::submit(SectorRequest& request) {
  if (!waiting_head_ && start(request)) return;
  request.next = nullptr;
  if (waiting_tail_) {
    waiting_tail_->next = &request;
  } else {
    waiting_head_ = &request;
  }
  waiting_tail_ = &request;
  if (++queued_ > queued_peak_) queued_peak_ = queued_;
}

// on_done: the device finished one (trap context): complete it, then start what waits.
void VirtioDisk::on_done(BlockRequest& request, void* context) {
  VirtioDisk* disk = static_cast<VirtioDisk*>(context);
  Slot* slot = reinterpret_cast<Slot*>(reinterpret_cast<u8*>(&request) - __builtin_offsetof(Slot, request));
  SectorRequest* done = slot->sector;
  Error status = request.status;  // read before the slot is reused below
  slot->sector = nullptr;
  while (SectorRequest* next = disk->waiting_head_) {
    disk->waiting_head_ = next->next;
    if (!disk->waiting_head_) disk->waiting_tail_ = nullptr;
    disk->queued_--;
    if (!disk->start(*next)) {  // still no room: back to the head of the line
      next->next = disk->waiting_head_;
      disk->waiting_head_ = next;
      if (!disk->waiting_tail_) disk->waiting_tail_ = next;
      disk->queued_++;
      break;
    }
  }
  if (done) disk->finish(*done, status);
}
