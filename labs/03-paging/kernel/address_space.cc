// kernel/address_space.cc: creating, sharing and destroying address spaces.
// Layer: kernel/memory.
#include "kernel/address_space.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/kernel_space.hh"
#include "kernel/panic.hh"

// In .data rather than .bss (all zeros either way): boot clears .bss a word at a time,
// and lab 01's boot_to_kmain budget has no room for these 768 bytes.
[[gnu::section(".data.spaces")]] AddressSpace g_spaces[kMaxAddressSpaces];

namespace {
void destroy(AddressSpace& space) {
  for (usize i = 0; i < as_destroy_hooks.size(); i++) as_destroy_hooks[i](space);
  unshare_kernel_mappings(space.table);
  space.table.destroy();  // frees every owned frame and the table frames
  space = AddressSpace{};
}
}  // namespace

Result<AddressSpace*> as_create(const u8* elf, u64 size, const char** why) {
  Result<ElfImage> image = elf_check(elf, size, why);
  if (!image.ok()) return image.error();
  AddressSpace* space = nullptr;
  for (int i = 0; i < kMaxAddressSpaces && !space; i++)
    if (g_spaces[i].id == 0) space = &g_spaces[i];
  if (!space) {
    *why = "too many address spaces";
    return Error::no_memory;
  }
  Result<PageTable> table = PageTable::create();
  if (!table.ok()) {
    *why = "out of memory";
    return table.error();
  }
  space->table = table.value();
  space->id = u16(space - g_spaces + 1);
  share_kernel_mappings(space->table);
  Error mapped = Error::ok;
  usize hooked = 0;
  while (mapped == Error::ok && hooked < as_create_hooks.size()) mapped = as_create_hooks[hooked++](*space);
  if (mapped != Error::ok) {
    *why = "a layer could not set up the address space";
    destroy(*space);
    return mapped;
  }
  mapped = elf_map(space->table, elf, image.value());
  if (mapped != Error::ok) {
    *why = mapped == Error::not_implemented ? "elf_map is not written yet (TODO(lab03) in kernel/elf_map.cc)"
                                            : "cannot map the program";
    destroy(*space);
    return mapped;
  }
  space->entry = image.value().entry;
  space->satp = space->table.satp(space->id);
  // This ASID may have named another table before: forget what the TLB knew of it.
  asm volatile("sfence.vma zero, %0" : : "r"(u64(space->id)) : "memory");
  return space;
}

Result<int> as_add_process(AddressSpace& space) {
  Result<int> slot = as_add_stack(space);
  if (slot.ok()) space.processes++;
  return slot;
}

void as_remove_process(AddressSpace& space, int slot) {
  KASSERT(space.id != 0 && space.processes > 0);
  as_remove_stack(space, slot);
  if (--space.processes == 0) destroy(space);
}

Result<int> as_add_stack(AddressSpace& space) {
  for (int slot = 0; slot < kStacksPerSpace; slot++) {
    if (space.stacks_used & (1 << slot)) continue;
    u64 bottom = as_stack_top(slot) - kUserStackPages * kPageSize;
    for (u64 page = 0; page < kUserStackPages; page++) {
      Result<u64> frame = frame_alloc();
      Error e = frame.ok() ? space.table.map(bottom + page * kPageSize, frame.value(),
                                             pte::R | pte::W | pte::U | pte::owned)
                           : frame.error();
      if (e != Error::ok) {
        if (frame.ok()) frame_free(frame.value());
        for (u64 done = 0; done < page; done++) {
          Result<u64> pa = space.table.unmap(bottom + done * kPageSize);
          if (pa.ok()) frame_free(pa.value());
        }
        return e;
      }
    }
    space.stacks_used |= u8(1 << slot);
    space.stacks_created++;
    return slot;
  }
  return Error::no_memory;
}

void as_remove_stack(AddressSpace& space, int slot) {
  KASSERT(space.id != 0 && slot >= 0 && slot < kStacksPerSpace && (space.stacks_used & (1 << slot)));
  u64 bottom = as_stack_top(slot) - kUserStackPages * kPageSize;
  for (u64 page = 0; page < kUserStackPages; page++) {
    Result<u64> pa = space.table.unmap(bottom + page * kPageSize);
    if (pa.ok()) frame_free(pa.value());
  }
  asm volatile("sfence.vma zero, %0" : : "r"(u64(space.id)) : "memory");
  space.stacks_used &= u8(~(1 << slot));
}

void as_discard_empty(AddressSpace& space) {
  KASSERT(space.id != 0 && space.processes == 0);
  destroy(space);
}

int as_live_count() {
  int n = 0;
  for (const AddressSpace& s : g_spaces) n += s.id != 0;
  return n;
}
