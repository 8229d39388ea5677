// kernel/virtio.hh: virtio over MMIO (version 2, "modern") and the split virtqueue.
// Layer: kernel/drivers. Spec: Virtual I/O Device (VIRTIO) 1.2: 2.7 (split virtqueues),
// 3.1 (device initialization), 4.2 (virtio over MMIO). QEMU attaches modern devices with
// `-global virtio-mmio.force-legacy=false` (grader/harness/qemu.py does).
#pragma once
#include "lib/error.hh"

constexpr u32 kVirtioMagic = 0x74726976;  // "virt", little-endian
constexpr u16 kQueueSize = 64;            // descriptors per queue: a power of 2, <= 64 (busy_heads)

// MMIO register offsets (spec 4.2.2).
namespace virtio_reg {
constexpr u64 magic = 0x000, version = 0x004, device_id = 0x008, vendor_id = 0x00c;
constexpr u64 device_features = 0x010, device_features_sel = 0x014;
constexpr u64 driver_features = 0x020, driver_features_sel = 0x024;
constexpr u64 queue_sel = 0x030, queue_num_max = 0x034, queue_num = 0x038, queue_ready = 0x044;
constexpr u64 queue_notify = 0x050, interrupt_status = 0x060, interrupt_ack = 0x064, status = 0x070;
constexpr u64 queue_desc = 0x080, queue_driver = 0x090, queue_device = 0x0a0;  // low word; high at +4
constexpr u64 config_generation = 0x0fc, config = 0x100;
}  // namespace virtio_reg

// Device status bits (spec 2.1).
namespace virtio_status {
constexpr u32 acknowledge = 1, driver = 2, driver_ok = 4, features_ok = 8, needs_reset = 64, failed = 128;
}

constexpr u32 kVirtioInterruptUsed = 1, kVirtioInterruptConfig = 2;  // InterruptStatus bits
constexpr u32 kVirtioFeatureVersion1 = 1;  // feature bit 32: bit 0 of the high word

// The split virtqueue's three parts (spec 2.7.5, 2.7.6, 2.7.8), all little-endian.
struct VirtqDesc {
  u64 addr;   // physical address of the buffer
  u32 len;
  u16 flags;  // virtq_desc::next, virtq_desc::write
  u16 next;   // the next descriptor of the chain (or of the free list: see virtqueue.cc)
};
namespace virtq_desc {
constexpr u16 next = 1, write = 2;  // write: the device writes this buffer
}
struct VirtqAvail {
  u16 flags;  // 0: we want an interrupt per used buffer
  u16 idx;    // where the driver puts the next entry (free-running, mod 2^16)
  u16 ring[kQueueSize];
};
struct VirtqUsedElem {
  u32 id;   // head of the chain the device is done with
  u32 len;  // bytes it wrote into the chain
};
struct VirtqUsed {
  u16 flags;  // kVirtqUsedNoNotify: the device asks us not to notify
  u16 idx;    // where the device puts the next entry
  VirtqUsedElem ring[kQueueSize];
};
constexpr u16 kVirtqUsedNoNotify = 1;

// One buffer of a request, for virtq_submit: the device reads it, or writes it.
struct VirtqSegment {
  u64 address;  // physical
  u32 length;
  bool device_writes;
};

// A split virtqueue in one frame. Free descriptors form a list linked by their `next`
// fields, so the first `count` of the list are already chained in order.
struct Virtqueue {
  VirtqDesc* desc = nullptr;
  volatile VirtqAvail* avail = nullptr;
  volatile VirtqUsed* used = nullptr;
  u64 mmio = 0;          // the device's registers (for QueueNotify)
  u16 index = 0;         // this queue's number
  u16 free_head = 0;     // first free descriptor
  u16 free_count = 0;
  u16 avail_idx = 0;     // our copy of avail->idx (only we write it)
  u16 last_used = 0;     // used->idx up to which we have handled entries
  u64 busy_heads = 0;    // bit h: the chain with head h is the device's now
  u64 notifies = 0;      // QueueNotify writes (the device may ask for none)
};
static_assert(kQueueSize <= 64 && (kQueueSize & (kQueueSize - 1)) == 0);

// Where each part lives in the queue's frame (the rest of the frame is the driver's).
constexpr u64 kVirtqDescOffset = 0, kVirtqAvailOffset = 1024, kVirtqUsedOffset = 1280;
constexpr u64 kVirtqDriverOffset = 2048;  // from here on: per-request data of the driver
static_assert(kQueueSize * sizeof(VirtqDesc) <= kVirtqAvailOffset);
static_assert(kVirtqAvailOffset + sizeof(VirtqAvail) <= kVirtqUsedOffset);
static_assert(kVirtqUsedOffset + sizeof(VirtqUsed) <= kVirtqDriverOffset);

inline u32 mmio_read32(u64 base, u64 offset) { return *reinterpret_cast<volatile u32*>(base + offset); }
inline void mmio_write32(u64 base, u64 offset, u32 value) { *reinterpret_cast<volatile u32*>(base + offset) = value; }

// Ordering between our memory accesses and the device's (RISC-V fences).
#if defined(__riscv)
inline void virtq_fence_writes() { asm volatile("fence w, w" ::: "memory"); }     // ring, then idx
inline void virtq_fence_reads() { asm volatile("fence r, r" ::: "memory"); }      // idx, then ring
inline void virtq_fence_io() { asm volatile("fence iorw, iorw" ::: "memory"); }   // memory vs MMIO
#else  // the host unit test (kernel/virtqueue_test.cc)
inline void virtq_fence_writes() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void virtq_fence_reads() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void virtq_fence_io() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif

// virtq_init(q, frame, mmio, index): lay the queue out in `frame` (a zeroed 4 KiB frame,
// physical = kernel address) with every descriptor free; tell the device nothing yet.
void virtq_init(Virtqueue& q, u64 frame, u64 mmio, u16 index);

// virtq_free_chain(q, head): put the chain starting at `head` back on the free list.
void virtq_free_chain(Virtqueue& q, u16 head);

// virtq_submit(q, segments, count): take `count` free descriptors, fill them with the
// segments as one chain, publish its head in the avail ring and notify the device
// (unless it asked not to be). Returns the head; Error::no_space if fewer than `count`
// descriptors are free (nothing changed), Error::invalid if count is 0.
// (Lab 06 hole: kernel/virtq_submit.cc.)
Result<u16> virtq_submit(Virtqueue& q, const VirtqSegment* segments, u32 count);

// virtq_complete(q, done, context): handle every used-ring entry the device added since
// the last call: free its chain, then call done(context, head, written_length). Ignores
// an entry whose head is not busy (a confused device). Returns how many were handled.
// (Lab 06 hole: kernel/virtq_complete.cc.)
using VirtqDone = void (*)(void* context, u16 head, u32 length);
Result<u32> virtq_complete(Virtqueue& q, VirtqDone done, void* context);
