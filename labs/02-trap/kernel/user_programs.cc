// kernel/user_programs.cc: finding the user programs the build embedded (the table in
// section .user_programs; its entry type is kernel/user_programs.hh of the stage).
// Layer: kernel/process.
#include "kernel/user_programs.hh"
#include "lib/string.hh"

extern "C" const UserProgram __user_programs_start[], __user_programs_end[];

const UserProgram* user_programs_begin() { return __user_programs_start; }
const UserProgram* user_programs_end() { return __user_programs_end; }

const UserProgram* find_user_program(const char* name, usize length) {
  for (const UserProgram* p = __user_programs_start; p != __user_programs_end; p++)
    if (strlen(p->name) == length && memcmp(p->name, name, length) == 0) return p;
  return nullptr;
}
