// kernel/elf_loader.hh: checking a static RISC-V ELF executable and mapping it, with a
// user stack, into a fresh page table. Layer: kernel/proc (exec).
// Order of use: elf_check (refuses anything odd, says why), PageTable::create,
// elf_map, map_user_stack; on any error the caller destroys the table.
#pragma once
#include "kernel/page_table.hh"
#include "lib/param.hh"

// The user layout. Program and stacks share the first 2 MiB, so a small process needs
// just three table frames (root, one level-1, one level-0): cheap to create and destroy.
// Stack slot k (one per process in the AS) ends at kUserStackTop - k * (pages + 1) pages;
// the page below each stack stays unmapped (its guard).
constexpr u64 kUserBase = 0x10000, kUserTop = 0x80000000;     // no user mapping at or above kUserTop
constexpr u64 kUserStackTop = 0x200000;  // slot 0's stack ends here; a guard page below each
constexpr u64 kUserStackGuard = kUserStackTop - (kUserStackPages + 1) * kPageSize;  // slot 0's guard page
constexpr u64 kUserImageTop = kUserStackTop - kUserStackSlots * (kUserStackPages + 1) * kPageSize;  // segments end below

struct ElfSegment {
  u64 vaddr, memsz, offset, filesz;
  u32 flags;  // elf::PF_R | PF_W | PF_X
};

struct ElfImage {
  u64 entry;
  u32 count;  // segments[0 .. count)
  ElfSegment segments[kMaxElfSegments];
};

// elf_check(data, size, why): the loadable segments of the executable in data[0, size),
// checked so that elf_map cannot go wrong: 64-bit little-endian RISC-V ET_EXEC;
// program headers inside the file; 1..8 non-empty PT_LOAD segments, each with its
// bytes inside the file, filesz <= memsz, vaddr = offset (mod 4096), inside
// [kUserBase, kUserImageTop), readable or executable, writable only if readable, never
// writable and executable, sharing no page with another; the entry in an executable
// segment; no PT_INTERP or PT_DYNAMIC. Error::invalid with a short reason in *why (if
// why is not null). Empty PT_LOAD segments (memsz 0) are skipped.
Result<ElfImage> elf_check(const u8* data, u64 size, const char** why);

// elf_map(table, data, image): for each segment of image (from elf_check on the same
// data), fresh zeroed frames holding its file bytes, mapped pte::U | pte::owned plus
// R/W/X from its flags. Returns the first error; frames already mapped belong to the
// table (the caller destroys it). (Lab 03 hole: kernel/elf_map.cc.)
Error elf_map(PageTable& table, const u8* data, const ElfImage& image);

// map_user_stack(table): kUserStackPages zeroed pages, R|W|U|owned, ending at
// kUserStackTop; the page below them (kUserStackGuard) stays unmapped.
Error map_user_stack(PageTable& table);
