// kernel/devices.hh: starting the devices of stage 06 and waiting for their interrupts.
// Layer: kernel/drivers.
#pragma once
#include "lib/types.hh"

// devices_init(): the PLIC and every virtio-blk disk (called once the kernel's table maps
// the MMIO: the stage's start). Idempotent. False on a broken PLIC.
bool devices_init();

// wait_for_interrupt(): sleep (wfi) until an enabled interrupt is pending, then take it
// (sstatus.SIE opened for an instant: the trap vector's kernel path handles it). Call it
// in a loop that checks its condition with interrupts off; no wakeup is lost: wfi returns
// at once if the interrupt came between the check and the wfi. Keeps sepc and sstatus
// as they were (scause, stval are the interrupt's afterwards).
void wait_for_interrupt();

// kernel_idle_wait(): idle_hook (kernel/process.hh): if I/O is in flight, wait for one
// interrupt and return true; else false (nothing to wait for).
bool kernel_idle_wait();
u64 kernel_idle_waits();  // how often it waited, since boot
