// kernel/kernel_space.hh: the kernel's own page table. Layer: kernel/memory.
// The kernel runs on a table of its own (ASID 0): its image mapped W^X, all RAM mapped
// read-write at its physical address (the "direct map"), and the MMIO devices. Every
// user table shares the RAM part (same subtrees, U = 0, global), so the trap path can
// run on either table; user mode can never touch it (U = 0).
#pragma once
#include "kernel/page_table.hh"

// kernel_space_init(reserved_from): build the table, hand RAM from the kernel's end up
// to `reserved_from` to the frame allocator, and switch to the table.
bool kernel_space_init(u64 reserved_from);
bool kernel_space_ready();
// kernel_space_add_device(base, size): one more MMIO window for the kernel's table (an
// extension point: a later layer's LAYER_SETUP calls it, before kernel_space_init).
void kernel_space_add_device(u64 base, u64 size);
// RAM above this is not supported (user tables share the kernel's RAM subtrees: a
// user VA window of any later layer must lie above it).
inline constexpr u64 kKernelRamTop = 0x80000000ull + (62ull << 30);
// kernel_space_enter(): satp = the kernel's table. Cheap: ASID 0 needs no flush. It fills
// the trap layer's trap_enter_hook: every trap switches to the kernel's table first.
void kernel_space_enter();
extern u64 g_kernel_satp;  // 0 until kernel_space_init
inline void kernel_space_enter_inline() {
  if (g_kernel_satp) asm volatile("csrw satp, %0" : : "r"(g_kernel_satp));
}
u64 kernel_satp();
PageTable& kernel_page_table();

// share_kernel_mappings(table) / unshare_kernel_mappings(table): point a user table's
// top-level entries for RAM at the kernel's subtrees (and clear them again before the
// user table is destroyed, so destroy() cannot free the kernel's tables).
void share_kernel_mappings(PageTable& table);
void unshare_kernel_mappings(PageTable& table);
