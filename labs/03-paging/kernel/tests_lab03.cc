// kernel/tests_lab03.cc: kernel-side drivers for lab 03's benchmarks.
// Layer: kernel/test. (The lab 03 tests run user programs: user/programs/.)
#include "kernel/boot.hh"
#include "kernel/console.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/kernel_space.hh"
#include "kernel/main.hh"
#include "kernel/selftest.hh"
#include "kernel/address_space.hh"
#include "kernel/user_programs.hh"

// bench_map: instructions to map one 4 KiB page into a table whose intermediate tables
// already exist (the common case when a program grows), and to translate it back.
KERNEL_TEST(bench_map) {
  if (!kernel_space_ready() && !kernel_space_init(g_boot.memory.base + g_boot.memory.size)) return false;
  Result<PageTable> made = PageTable::create();
  if (!made.ok()) return false;
  PageTable table = made.value();
  constexpr u64 kPages = 256, kBase = 0x40000000;
  Result<u64> first = frame_alloc();
  if (!first.ok() || table.map(kBase, first.value(), pte::R | pte::U) != Error::ok) return false;
  u64 start = read_instret();
  for (u64 i = 1; i < kPages; i++)
    if (table.map(kBase + i * kPageSize, first.value(), pte::R | pte::U) != Error::ok) return false;
  u64 spent = read_instret() - start;
  report("bench map_page %lu", spent / (kPages - 1));
  bool ok = true;
  for (u64 i = 0; i < kPages; i++) ok &= table.translate(kBase + i * kPageSize).value_or(0) == first.value();
  table.destroy();
  frame_free(first.value());
  return ok;
}

// bench_as: what an address space costs: create (ELF checked and mapped), one stack, and
// the teardown (stack unmapped, tables walked and freed).
KERNEL_TEST(bench_as) {
  if (!kernel_space_ready() && !kernel_space_init(g_boot.memory.base + g_boot.memory.size)) return false;
  const UserProgram* p = find_user_program("empty", 5);
  const char* why = "";
  u64 t0 = read_instret();
  Result<AddressSpace*> s = as_create(p->elf, p->size(), &why);
  u64 t1 = read_instret();
  Result<int> slot = as_add_process(*s.value());
  u64 t2 = read_instret();
  as_remove_process(*s.value(), slot.value());
  u64 t3 = read_instret();
  report("bench as_create %lu", t1 - t0);
  report("bench as_add_stack %lu", t2 - t1);
  report("bench as_destroy %lu", t3 - t2);
  return true;
}
