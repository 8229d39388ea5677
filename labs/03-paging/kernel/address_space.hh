// kernel/address_space.hh: address spaces, apart from processes. Layer: kernel/memory.
// An address space (AS) owns a page table and the frames mapped in it; processes live in
// an AS, and one AS may hold several processes (the seed's item 5), each with its own
// user stack. An AS goes away when its last process does.
#pragma once
#include "kernel/elf_loader.hh"
#include "kernel/hooks.hh"
#include "kernel/page_table.hh"

constexpr int kStacksPerSpace = int(kUserStackSlots);

struct AddressSpace {
  u16 id = 0;        // also the ASID; 0 = unused slot (the kernel's AS is 0)
  int processes = 0; // how many processes live here
  u8 stacks_used = 0;  // bit k: stack slot k is mapped (and taken)
  u32 stacks_created = 0;  // stacks ever mapped here
  u64 entry = 0;     // the program's entry point
  u64 satp = 0;      // table.satp(id), computed once
  PageTable table;
};

// Extension points of address spaces (kernel/hooks.hh):
//  - as_create_hooks(space): a new AS's table exists (the kernel's RAM shared into it), its
//    program not mapped yet: map what every AS shares, set up what a later layer keeps
//    per AS. An error ends the creation (as_create fails with it; nothing leaks);
//  - as_destroy_hooks(space): the AS is going: undo that, before its table and every
//    frame it owns are freed (shared frames must be unmapped here, or they are freed).
//    They run for every AS destroyed, also one whose creation failed half-way: each must
//    be harmless on an AS it did not set up.
inline HookList<Error(AddressSpace&), 4> as_create_hooks{"as.create"};
inline HookList<void(AddressSpace&), 4> as_destroy_hooks{"as.destroy"};

// as_create(elf, size, why): a new AS with the program mapped and no stacks yet. On a
// bad ELF, *why says what is wrong (Error::invalid); Error::no_memory when out of frames
// or AS slots. Nothing is left allocated on failure.
Result<AddressSpace*> as_create(const u8* elf, u64 size, const char** why);
// as_add_process(space): map a new user stack (with its guard page) for one more process;
// returns the stack slot, and counts the process in.
Result<int> as_add_process(AddressSpace& space);
inline u64 as_stack_top(int slot) { return kUserStackTop - u64(slot) * (kUserStackPages + 1) * kPageSize; }
// as_remove_process(space, slot): unmap that stack; the last process out destroys the AS.
void as_remove_process(AddressSpace& space, int slot);
// as_add_stack / as_remove_stack: just a stack (zeroed frames, a guard page below),
// without counting a process.
Result<int> as_add_stack(AddressSpace& space);
void as_remove_stack(AddressSpace& space, int slot);
// as_discard_empty(space): destroy an AS that no process ever moved into.
void as_discard_empty(AddressSpace& space);
// as_activate(space): satp = its table (ASID = its id; no flush needed).
inline void as_activate(const AddressSpace& space) {
  asm volatile("csrw satp, %0" : : "r"(space.satp) : "memory");  // on every return to user mode
}
int as_live_count();
extern AddressSpace g_spaces[kMaxAddressSpaces];  // slot i has ASID i + 1
// as_slot(space): a live AS's index in g_spaces (its id - 1), for tables that keep more
// per AS.
inline int as_slot(const AddressSpace& space) { return space.id - 1; }
// as_find(id): the live AS with that id, or nullptr (ids from untrusted data are fine).
inline AddressSpace* as_find(u64 id) {
  if (id == 0 || id > u64(kMaxAddressSpaces)) return nullptr;
  AddressSpace& space = g_spaces[id - 1];
  return space.id == id ? &space : nullptr;
}
