// kernel/disk.hh: the block cache's BlockDevice over a virtio-blk disk. Layer:
// kernel/drivers (lab 06). One sector per virtio request; while the virtqueue is full,
// requests wait in a FIFO and are started from the completion of an earlier one (in
// the interrupt handler: no allocation, no coroutine resumed there).
#pragma once
#include "kernel/fs/block_cache.hh"
#include "kernel/virtio_blk.hh"

class VirtioDisk final : public BlockDevice {
 public:
  explicit VirtioDisk(VirtioBlk& device);
  u64 sector_count() const override { return device_.capacity(); }
  void submit(SectorRequest& request) override;

  u64 queued_peak() const { return queued_peak_; }  // most requests ever waiting for room

 private:
  struct Slot {
    BlockRequest request;
    SectorRequest* sector;  // nullptr: the slot is free
  };
  static void on_done(BlockRequest& request, void* context);
  bool start(SectorRequest& request);  // false: no room (queue it)
  void finish(SectorRequest& request, Error status);

  VirtioBlk& device_;
  Slot slots_[kBlockMaxInFlight];
  SectorRequest* waiting_head_ = nullptr;
  SectorRequest* waiting_tail_ = nullptr;
  u64 queued_ = 0, queued_peak_ = 0;
};
