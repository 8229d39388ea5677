// kernel/plic.hh: the platform-level interrupt controller (PLIC) and the dispatch of
// supervisor external interrupts. Layer: kernel/trap. Spec: RISC-V PLIC 1.0.0.
// One hart: the kernel uses the S-mode context of the boot hart only.
#pragma once
#include "lib/types.hh"

constexpr u32 kPlicMaxSources = 128;  // QEMU virt has 95 (riscv,ndev)

// An interrupt handler: runs in trap context with interrupts off. It completes work and
// wakes waiters; it never allocates, blocks, resumes a coroutine or polls.
using IrqHandler = void (*)(void* context);

// plic_init(dtb): find the PLIC and the boot hart's S-mode context in the device tree
// (else QEMU virt's: 0x0c000000, context 2 * hart + 1), mask every source, threshold 0,
// and enable supervisor external interrupts (sie.SEIE). Idempotent.
bool plic_init(const void* dtb);
bool plic_ready();

// irq_register(irq, handler, context, priority): route source `irq` to handler and
// enable it with `priority` (1..7). False if irq is out of range or already taken.
bool irq_register(u32 irq, IrqHandler handler, void* context, u32 priority);

u32 plic_claim();              // the highest-priority pending source, 0 if none
void plic_complete(u32 irq);   // that source may interrupt again

// external_interrupt(): claim, dispatch and complete every pending source. Called by the
// trap paths for scause = interrupt | 9 (through interrupt_hook, kernel/trap.hh).
void external_interrupt();
u64 external_interrupts();     // sources claimed since boot
u64 external_interrupt_instret();  // instret at the last external_interrupt() entry
