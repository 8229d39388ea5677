// kernel/user_programs.hh: the user programs built into the kernel image.
// Layer: kernel/process. The build compiles each user/programs/NAME.cc with its main()
// renamed and lists it in a generated link-time table (user_programs,
// kernel/registry.hh). The programs run in U-mode straight out of the kernel image.
#pragma once
#include "lib/types.hh"

struct UserProgram {
  const char* name;
  int (*main)(u64 seed);
};

// find_user_program(name): the program called `name`, or nullptr.
const UserProgram* find_user_program(const char* name, usize length);
// Every built-in program, for listing.
const UserProgram* user_programs_begin();
const UserProgram* user_programs_end();

// user_start (user/lib/start.cc): where every program begins, in U-mode, with
// a0 = its seed and a1 = its main(). Calls main and exits with its result.
extern "C" void user_start(u64 seed, int (*main)(u64));
