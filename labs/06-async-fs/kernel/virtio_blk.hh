// kernel/virtio_blk.hh: the virtio block device driver (virtio-blk on virtio-mmio).
// Layer: kernel/drivers. Spec: VIRTIO 1.2, 5.2. Requests are asynchronous: submit()
// puts one on the device's queue and returns at once; the device's interrupt completes
// it and calls its callback (in trap context, interrupts off: the callback only wakes
// whoever waits, e.g. posts a task to the scheduler). Many requests may be in flight.
#pragma once
#include "kernel/virtio.hh"

constexpr u32 kSectorSize = 512;
constexpr int kMaxBlockDevices = 8;  // one per virtio-mmio slot of QEMU virt
constexpr u32 kBlockRequestChain = 3;  // descriptors per request: header, data, status
constexpr u32 kBlockMaxInFlight = kQueueSize / kBlockRequestChain;

struct BlockRequest;
// Called once the device is done with a request (status set). May submit() again.
using BlockDone = void (*)(BlockRequest& request, void* context);

// One read or write. The caller owns it (no heap) and must leave it alone until done().
struct BlockRequest {
  u64 sector = 0;            // first 512-byte sector
  u32 count = 0;             // sectors
  bool write = false;        // false: read into buffer; true: write buffer to the disk
  u8* buffer = nullptr;      // count * 512 bytes of RAM through the kernel's direct map
                             // (physical = virtual), physically contiguous
  Error status = Error::ok;  // busy while in flight; when done() runs: ok, io, unsupported
  BlockDone done = nullptr;
  void* context = nullptr;
  BlockRequest* next = nullptr;  // the caller's (e.g. a queue of requests waiting for room)
};

class VirtioBlk {
 public:
  // create(base, irq): start the virtio-blk device in the virtio-mmio slot at `base`
  // (its interrupt is PLIC source irq). Error::not_found: no block device there;
  // Error::unsupported: a legacy (version 1) device or one we cannot drive; no_memory.
  static Result<VirtioBlk*> create(u64 base, u32 irq);

  // submit(request): start it. Error::no_space: the queue is full (keep it and submit
  // again after a completion); Error::invalid: bad range or buffer; Error::unsupported:
  // a write to a read-only disk; Error::io: the device failed.
  Error submit(BlockRequest& request);
  // handle_interrupt(): ack the device and complete what it finished (the IRQ handler).
  void handle_interrupt();

  u64 base() const { return base_; }
  u32 irq() const { return irq_; }
  u64 capacity() const { return capacity_; }  // in sectors
  bool read_only() const { return read_only_; }
  bool failed() const { return failed_; }
  u32 in_flight() const { return in_flight_; }
  u32 peak_in_flight() const { return peak_in_flight_; }
  u64 submitted() const { return submitted_; }
  u64 completed() const { return completed_; }
  u64 interrupts() const { return interrupts_; }
  u64 notifies() const { return queue_.notifies; }

 private:
  struct Header {  // virtio_blk_req's device-readable part (spec 5.2.6)
    u32 type;      // 0 = in (read), 1 = out (write)
    u32 reserved;
    u64 sector;
  };
  static_assert(kVirtqDriverOffset + kBlockMaxInFlight * (sizeof(Header) + 1) <= 4096);
  static_assert(kBlockMaxInFlight <= 32);

  Error start(u64 base, u32 irq);
  static void on_used(void* self, u16 head, u32 length);
  u32 reg(u64 offset) const { return mmio_read32(base_, offset); }
  void set_reg(u64 offset, u32 value) const { mmio_write32(base_, offset, value); }

  u64 base_ = 0;
  u32 irq_ = 0;
  u64 capacity_ = 0;
  bool read_only_ = false;
  bool failed_ = false;
  Virtqueue queue_;
  // Each request in flight has a slot: its header and status byte, in the queue's frame.
  Header* headers_ = nullptr;
  volatile u8* statuses_ = nullptr;  // the device's answer
  u32 free_slots_ = 0;               // bit k: slot k is free
  struct InFlight {
    BlockRequest* request;  // nullptr: the head is not one of ours
    u32 slot;
  } by_head_[kQueueSize] = {};       // by the head descriptor of its chain
  u32 in_flight_ = 0, peak_in_flight_ = 0;
  u64 submitted_ = 0, completed_ = 0, interrupts_ = 0;
};

// virtio_blk_probe(dtb): find every virtio-mmio slot (device tree, else QEMU virt's 8 at
// 0x10001000 + 0x1000 * i, irq 1 + i) and start each block device. Needs the PLIC and
// the MMIO mapped (lab 03's kernel table). Returns how many disks there are.
u32 virtio_blk_probe(const void* dtb);
u32 block_device_count();
VirtioBlk* block_device(u32 index);  // nullptr if there is no such disk
// block_requests_in_flight(): over all working disks (the idle wait's question).
u32 block_requests_in_flight();
