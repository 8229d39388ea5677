// kernel/address_space.hh: address spaces, apart from processes. Layer: kernel/memory.
// An address space (AS) owns a page table and the frames mapped in it; processes live in
// an AS, and one AS may hold several processes (the seed's item 5), each with its own
// user stack. An AS goes away when its last process does.
#pragma once
#include "kernel/elf_loader.hh"
#include "kernel/page_table.hh"

constexpr int kMaxAddressSpaces = 16;
constexpr int kStacksPerSpace = int(kUserStackSlots);

struct Process;

struct AddressSpace {
  u16 id = 0;        // also the ASID; 0 = unused slot (the kernel's AS is 0)
  int processes = 0; // how many processes live here
  u8 stacks_used = 0;  // bit k: stack slot k is taken
  u8 stacks_parked = 0;  // bit k: slot k is mapped but free (lab 05 reuses it: no zeroing)
  u32 stacks_created = 0;  // stacks ever mapped here (lab 05 reports it)
  u64 entry = 0;     // the program's entry point
  u64 satp = 0;      // table.satp(id), computed once
  Process* executor = nullptr;  // lab 04: the process running its executor (checked when used)
  PageTable table;
};

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
// as_add_stack / as_remove_stack: just a stack (lab 05: a fresh executor stack after a
// timeout), without counting a process.
Result<int> as_add_stack(AddressSpace& space);
void as_remove_stack(AddressSpace& space, int slot);
// as_park_stack(space, slot): give a stack back but keep it mapped; the next
// as_add_stack of this AS takes it as it is (the seed's stack reuse: no new frames).
void as_park_stack(AddressSpace& space, int slot);
// as_discard_empty(space): destroy an AS that no process ever moved into.
void as_discard_empty(AddressSpace& space);
// as_activate(space): satp = its table (ASID = its id; no flush needed).
inline void as_activate(const AddressSpace& space) {
  asm volatile("csrw satp, %0" : : "r"(space.satp) : "memory");  // on every return to user mode
}
int as_live_count();
extern AddressSpace g_spaces[kMaxAddressSpaces];  // slot i has ASID i + 1
// as_find(id): the live AS with that id, or nullptr (ids from untrusted data are fine).
inline AddressSpace* as_find(u64 id) {
  if (id == 0 || id > u64(kMaxAddressSpaces)) return nullptr;
  AddressSpace& space = g_spaces[id - 1];
  return space.id == id ? &space : nullptr;
}
