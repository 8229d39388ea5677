// kernel/virtio_blk.cc: virtio-blk: device start-up (spec 3.1.1), requests as chains of
// header, data and status descriptors, and the interrupt handler. Layer: kernel/drivers.
#include "kernel/virtio_blk.hh"
#include "kernel/console.hh"
#include "kernel/fdt_devices.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/main.hh"
#include "kernel/plic.hh"

namespace {
constexpr u32 kDeviceBlock = 2;
constexpr u32 kBlockTypeIn = 0, kBlockTypeOut = 1;
constexpr u32 kBlockStatusOk = 0, kBlockStatusUnsupported = 2;
constexpr u32 kFeatureReadOnly = 1u << 5;  // VIRTIO_BLK_F_RO (low word)
constexpr u32 kIrqPriority = 1;
constexpr u64 kVirtMmioBase = 0x10001000, kVirtMmioStride = 0x1000;
constexpr u32 kVirtMmioSlots = 8, kVirtMmioFirstIrq = 1;

// Storage for the devices: no heap in the kernel (and none near interrupts).
// Built in place before use (probe), so kept out of .bss: boot does not clear it.
[[gnu::section(".noinit.disks")]] VirtioBlk g_disks[kMaxBlockDevices];
u32 g_disk_count;
bool g_reported_hole;

void irq_entry(void* disk) { static_cast<VirtioBlk*>(disk)->handle_interrupt(); }

bool in_ram(const u8* p, u64 size) {
  u64 begin = g_boot.memory.base, end = g_boot.memory.base + g_boot.memory.size;
  return uptr(p) >= begin && size <= end - uptr(p) && uptr(p) < end;
}

Error refuse(u64 base, const char* why) {
  kprintf("virtio-blk: %p: %s\n", reinterpret_cast<void*>(base), why);
  return Error::unsupported;
}

void set_address(u64 base, u64 offset, u64 address) {
  mmio_write32(base, offset, u32(address));
  mmio_write32(base, offset + 4, u32(address >> 32));
}
}  // namespace

Result<VirtioBlk*> VirtioBlk::create(u64 base, u32 irq) {
  if (mmio_read32(base, virtio_reg::magic) != kVirtioMagic) return Error::not_found;
  if (mmio_read32(base, virtio_reg::device_id) != kDeviceBlock) return Error::not_found;
  if (mmio_read32(base, virtio_reg::version) != 2) {
    kprintf("virtio-blk: %p is a legacy device (QEMU: -global virtio-mmio.force-legacy=false)\n",
            reinterpret_cast<void*>(base));
    return Error::unsupported;
  }
  if (g_disk_count == kMaxBlockDevices) return Error::no_memory;
  VirtioBlk* disk = &g_disks[g_disk_count];
  *disk = VirtioBlk();
  Error e = disk->start(base, irq);
  if (e != Error::ok) {
    disk->set_reg(virtio_reg::status, virtio_status::failed);
    return e;
  }
  g_disk_count++;
  return disk;
}

// start(base, irq): the initialization sequence of spec 3.1.1 with one queue.
Error VirtioBlk::start(u64 base, u32 irq) {
  base_ = base, irq_ = irq;
  set_reg(virtio_reg::status, 0);  // reset; the device reads back 0 once it is done
  for (int tries = 0; reg(virtio_reg::status) != 0; tries++)
    if (tries == 1000) return Error::io;
  set_reg(virtio_reg::status, virtio_status::acknowledge);
  set_reg(virtio_reg::status, virtio_status::acknowledge | virtio_status::driver);
  set_reg(virtio_reg::device_features_sel, 0);
  u32 low = reg(virtio_reg::device_features);
  set_reg(virtio_reg::device_features_sel, 1);
  u32 high = reg(virtio_reg::device_features);
  if (!(high & kVirtioFeatureVersion1)) return refuse(base, "no VIRTIO_F_VERSION_1");
  read_only_ = low & kFeatureReadOnly;
  set_reg(virtio_reg::driver_features_sel, 0);
  set_reg(virtio_reg::driver_features, low & kFeatureReadOnly);
  set_reg(virtio_reg::driver_features_sel, 1);
  set_reg(virtio_reg::driver_features, kVirtioFeatureVersion1);
  u32 status = virtio_status::acknowledge | virtio_status::driver | virtio_status::features_ok;
  set_reg(virtio_reg::status, status);
  if (!(reg(virtio_reg::status) & virtio_status::features_ok)) return refuse(base, "features refused");

  set_reg(virtio_reg::queue_sel, 0);
  if (reg(virtio_reg::queue_ready) != 0 || reg(virtio_reg::queue_num_max) < kQueueSize)
    return refuse(base, "queue 0 in use or too small");
  Result<u64> frame = frame_alloc();  // zeroed; physical = kernel address (direct map)
  if (!frame.ok()) return frame.error();
  virtq_init(queue_, frame.value(), base, 0);
  headers_ = reinterpret_cast<Header*>(frame.value() + kVirtqDriverOffset);
  statuses_ = reinterpret_cast<volatile u8*>(headers_ + kBlockMaxInFlight);
  free_slots_ = (1u << kBlockMaxInFlight) - 1;
  set_reg(virtio_reg::queue_num, kQueueSize);
  set_address(base, virtio_reg::queue_desc, uptr(queue_.desc));
  set_address(base, virtio_reg::queue_driver, uptr(queue_.avail));
  set_address(base, virtio_reg::queue_device, uptr(queue_.used));
  set_reg(virtio_reg::queue_ready, 1);

  u32 generation;  // capacity (le64 at config offset 0), read whole (spec 4.2.2.2)
  do {
    generation = reg(virtio_reg::config_generation);
    capacity_ = reg(virtio_reg::config) | u64(reg(virtio_reg::config + 4)) << 32;
  } while (generation != reg(virtio_reg::config_generation));
  if (!irq_register(irq, irq_entry, this, kIrqPriority)) return Error::busy;
  set_reg(virtio_reg::status, status | virtio_status::driver_ok);
  return Error::ok;
}

Error VirtioBlk::submit(BlockRequest& r) {
  if (failed_) return Error::io;
  u64 bytes = u64(r.count) * kSectorSize;
  if (r.count == 0 || r.sector > capacity_ || r.count > capacity_ - r.sector || !in_ram(r.buffer, bytes))
    return Error::invalid;
  if (r.write && read_only_) return Error::unsupported;
  if (free_slots_ == 0) return Error::no_space;
  u32 slot = 0;
  while (!(free_slots_ & (1u << slot))) slot++;
  headers_[slot] = Header{r.write ? kBlockTypeOut : kBlockTypeIn, 0, r.sector};
  statuses_[slot] = 0xff;
  VirtqSegment segments[kBlockRequestChain] = {
      {uptr(&headers_[slot]), sizeof(Header), false},
      {uptr(r.buffer), u32(bytes), !r.write},
      {uptr(&statuses_[slot]), 1, true},
  };
  Result<u16> head = virtq_submit(queue_, segments, kBlockRequestChain);
  if (!head.ok()) {
    if (head.error() == Error::not_implemented) {
      kprintf("virtio-blk: not implemented (lab06: virtq_submit)\n");
      failed_ = true;
    }
    return head.error();
  }
  if (head.value() >= kQueueSize) return Error::io;
  // Interrupts are off in the kernel: the device's answer cannot be handled before this.
  free_slots_ &= ~(1u << slot);
  by_head_[head.value()] = InFlight{&r, slot};
  r.status = Error::busy;  // until done() runs
  submitted_++;
  in_flight_++;
  peak_in_flight_ = max_of(peak_in_flight_, in_flight_);
  return Error::ok;
}

// on_used(self, head, length): the device finished the chain `head`: finish its request.
void VirtioBlk::on_used(void* self, u16 head, u32) {
  VirtioBlk& disk = *static_cast<VirtioBlk*>(self);
  InFlight done = disk.by_head_[head];
  if (!done.request) return;
  disk.by_head_[head].request = nullptr;
  BlockRequest* r = done.request;
  u8 status = disk.statuses_[done.slot];
  disk.free_slots_ |= 1u << done.slot;
  r->status = status == kBlockStatusOk ? Error::ok : status == kBlockStatusUnsupported ? Error::unsupported : Error::io;
  disk.in_flight_--;
  disk.completed_++;
  if (r->done) r->done(*r, r->context);
}

void VirtioBlk::handle_interrupt() {
  interrupts_++;
  u32 pending = reg(virtio_reg::interrupt_status);
  set_reg(virtio_reg::interrupt_ack, pending);  // before the walk: later completions interrupt again
  if (pending & kVirtioInterruptConfig && reg(virtio_reg::status) & virtio_status::needs_reset) failed_ = true;
  Result<u32> handled = virtq_complete(queue_, on_used, this);
  if (!handled.ok() && !g_reported_hole) {
    kprintf("virtio-blk: not implemented (lab06: virtq_complete)\n");
    g_reported_hole = true;
    failed_ = true;
  }
}

u32 virtio_blk_probe(const void* dtb) {
  FdtDevice slots[kMaxBlockDevices];
  u32 count = 0;
  Result<Fdt> fdt = Fdt::create(dtb);
  if (fdt.ok()) count = min_of(fdt_find_devices(fdt.value(), "virtio,mmio", slots, kMaxBlockDevices), u32(kMaxBlockDevices));
  if (count == 0) {  // no device tree entries: QEMU virt's fixed slots
    count = kVirtMmioSlots;
    for (u32 i = 0; i < count; i++) {
      u32 slot = count - 1 - i;  // from the top, as the device tree lists them
      slots[i] = FdtDevice{kVirtMmioBase + slot * kVirtMmioStride, kVirtMmioStride, kVirtMmioFirstIrq + slot, 0, {}};
    }
  }
  // Tree order: QEMU lists the slots from the highest address down and fills them from
  // the top, so disk 0 is the first -device given.
  for (u32 i = 0; i < count; i++) {
    if (slots[i].base == 0) continue;
    Result<VirtioBlk*> disk = VirtioBlk::create(slots[i].base, slots[i].irq);
    if (disk.ok())
      kprintf("virtio-blk: disk %u at %p irq %u: %lu sectors%s\n", g_disk_count - 1,
              reinterpret_cast<void*>(slots[i].base), slots[i].irq, disk.value()->capacity(),
              disk.value()->read_only() ? " (read-only)" : "");
    else if (disk.error() != Error::not_found && disk.error() != Error::unsupported)
      kprintf("virtio-blk: %p: %s\n", reinterpret_cast<void*>(slots[i].base), error_name(disk.error()));
  }
  return g_disk_count;
}

u32 block_device_count() { return g_disk_count; }
VirtioBlk* block_device(u32 index) { return index < g_disk_count ? &g_disks[index] : nullptr; }

u32 block_requests_in_flight() {
  u32 n = 0;
  for (u32 i = 0; i < g_disk_count; i++) n += g_disks[i].failed() ? 0 : g_disks[i].in_flight();  // none will end
  return n;
}
