// kernel/user_programs.cc: finding the user programs the build embedded (the link-time
// table user_programs; its entry type is kernel/user_programs.hh of the stage).
// Layer: kernel/process.
#include "kernel/user_programs.hh"
#include "kernel/registry.hh"
#include "lib/string.hh"

REGISTRY_DEFINE(UserProgram, user_programs);

const UserProgram* user_programs_begin() { return registry_begin(user_programs); }
const UserProgram* user_programs_end() { return registry_end(user_programs); }

const UserProgram* find_user_program(const char* name, usize length) {
  for (const UserProgram* p = user_programs_begin(); p != user_programs_end(); p++)
    if (strlen(p->name) == length && memcmp(p->name, name, length) == 0) return p;
  return nullptr;
}
