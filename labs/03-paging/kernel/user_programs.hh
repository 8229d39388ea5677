// kernel/user_programs.hh: the user programs' ELF files embedded in the kernel image.
// Layer: kernel/process. The build links each user/programs/NAME.cc into its own ELF
// and a generated link-time table
// (user_programs, kernel/registry.hh) lists {name, first byte, end}.
// Replaces labs/02-trap/kernel/user_programs.hh: programs are now ELF files, not functions in the kernel.
#pragma once
#include "lib/types.hh"

struct UserProgram {
  const char* name;
  const u8* elf;
  const u8* elf_end;

  u64 size() const { return u64(elf_end - elf); }
};

// find_user_program(name): the program called `name`, or nullptr.
const UserProgram* find_user_program(const char* name, usize length);
const UserProgram* user_programs_begin();
const UserProgram* user_programs_end();
