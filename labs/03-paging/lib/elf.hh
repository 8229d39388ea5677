// lib/elf.hh: the ELF64 file header and program header, and the constants Squall reads.
// Layer: lib. Field and constant names follow the ELF specification (System V gABI,
// "Object Files") so they can be looked up there; Squall uses only what loading a
// static RISC-V executable needs. Files may be unaligned: copy headers out with memcpy.
#pragma once
#include "lib/types.hh"

namespace elf {

// e_ident[] indices and values.
constexpr int EI_MAG0 = 0, EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6, EI_NIDENT = 16;
constexpr u8 ELFMAG0 = 0x7f, ELFMAG1 = 'E', ELFMAG2 = 'L', ELFMAG3 = 'F';
constexpr u8 ELFCLASS64 = 2;
constexpr u8 ELFDATA2LSB = 1;  // little-endian
constexpr u32 EV_CURRENT = 1;

// e_type, e_machine.
constexpr u16 ET_EXEC = 2, ET_DYN = 3;
constexpr u16 EM_RISCV = 243;

// p_type.
constexpr u32 PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6;
constexpr u32 PT_GNU_STACK = 0x6474e551;

// p_flags.
constexpr u32 PF_X = 1, PF_W = 2, PF_R = 4;

// The file header, at offset 0.
struct Ehdr {
  u8 e_ident[EI_NIDENT];
  u16 e_type;
  u16 e_machine;
  u32 e_version;
  u64 e_entry;      // virtual address of the first instruction
  u64 e_phoff;      // file offset of the program header table
  u64 e_shoff;      // file offset of the section header table (unused by the loader)
  u32 e_flags;      // RISC-V: float ABI, RVC
  u16 e_ehsize;
  u16 e_phentsize;  // size of one program header: sizeof(Phdr)
  u16 e_phnum;
  u16 e_shentsize;
  u16 e_shnum;
  u16 e_shstrndx;
};

// One program header: a segment the loader may map.
struct Phdr {
  u32 p_type;
  u32 p_flags;   // PF_R | PF_W | PF_X
  u64 p_offset;  // where the segment's bytes start in the file
  u64 p_vaddr;   // where they go in memory
  u64 p_paddr;
  u64 p_filesz;  // bytes taken from the file
  u64 p_memsz;   // bytes in memory; the rest (memsz - filesz, the .bss) is zero
  u64 p_align;
};

static_assert(sizeof(Ehdr) == 64, "ELF64 file header is 64 bytes");
static_assert(sizeof(Phdr) == 56, "ELF64 program header is 56 bytes");

}  // namespace elf
