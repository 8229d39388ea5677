// kernel/devices.cc: device start-up and the kernel's idle wait. Layer: kernel/drivers.
#include "kernel/devices.hh"
#include "kernel/console.hh"
#include "kernel/executor.hh"
#include "kernel/fs_service.hh"
#include "kernel/kernel_space.hh"
#include "kernel/kernel_tasks.hh"
#include "kernel/process.hh"
#include "kernel/stage.hh"
#include "kernel/trap.hh"
#include "kernel/main.hh"
#include "kernel/plic.hh"
#include "kernel/virtio_blk.hh"

namespace {
constexpr u64 kSstatusSie = 1 << 1;
bool g_started;
u64 g_idle_waits;
constexpr int kRunBudget = 64;  // kernel tasks run in one go at most
}  // namespace

bool devices_init() {
  if (g_started) return true;
  if (!kernel_space_ready()) return false;  // the MMIO is mapped only in the kernel's table
  if (!plic_init(g_boot.dtb)) return false;
  virtio_blk_probe(g_boot.dtb);
  g_started = true;
  return true;
}

void wait_for_interrupt() {
  // The trap overwrites sepc and sstatus.SPP/SPIE, and our callers still need theirs:
  // the fast syscall path returns through sepc + 4 after fast_syscall() (lab 02).
  u64 sepc, sstatus;
  asm volatile("csrr %0, sepc" : "=r"(sepc));
  asm volatile("csrr %0, sstatus" : "=r"(sstatus));
  // wfi wakes on any interrupt enabled in sie, whatever sstatus.SIE says (privileged
  // spec 3.3.3); the trap is then taken between the two csr writes.
  asm volatile("wfi" ::: "memory");
  asm volatile("csrs sstatus, %0" : : "r"(kSstatusSie) : "memory");
  asm volatile("csrc sstatus, %0" : : "r"(kSstatusSie) : "memory");
  asm volatile("csrw sstatus, %0" : : "r"(sstatus & ~kSstatusSie) : "memory");
  asm volatile("csrw sepc, %0" : : "r"(sepc));
}

bool kernel_idle_wait() {
  if (kernel_tasks_run_ready(kRunBudget) > 0) return true;  // progress without waiting
  if (block_requests_in_flight() == 0) return false;
  g_idle_waits++;
  wait_for_interrupt();
  kernel_tasks_run_ready(kRunBudget);  // what the interrupt woke
  return true;
}

u64 kernel_idle_waits() { return g_idle_waits; }

namespace {
// after_interrupt(frame): back from a device interrupt taken in user mode. Unless the
// program was inside the payload's code (which has no lock), run the kernel tasks the
// interrupt made ready: the kernel executor at a trap's return.
void after_interrupt(TrapFrame& frame) {
  if (in_payload_code(frame.sepc)) return;  // later, not now
  kernel_tasks_run_ready(kRunBudget);
}

// device_interrupt(scause, frame): interrupt_hook: the PLIC's interrupts.
bool device_interrupt(u64 scause, TrapFrame* frame) {
  if (scause != cause::supervisor_external) return false;
  external_interrupt();  // completes requests; the same process goes on
  if (frame) after_interrupt(*frame);
  return true;
}

// devices_start(): stage_start_hooks: the devices, then the file system on disk 0.
bool devices_start() { return devices_init() && services_start(); }
}  // namespace

LAYER_SETUP("06", devices) {
  kernel_space_add_device(0x0c000000, 0x400000);  // QEMU virt's PLIC
  kernel_space_add_device(0x10001000, 0x8000);    // its eight virtio-mmio slots
  interrupt_hook.fill(device_interrupt);
  idle_hook.fill(kernel_idle_wait);
  stage_start_hooks.add(devices_start);
  stage_stop_hooks.add(services_stop);
}
