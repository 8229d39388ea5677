// user/lib/start.cc: where every user program starts (lab 03 on: its ELF entry point).
// Layer: user/lib. The kernel enters in U-mode with a0 = the program's seed, sp = the
// top of its stack, and nothing else set up: no constructors run (programs have none).
#include "user/lib/syscall.hh"

int main(u64 seed);

extern "C" [[noreturn, gnu::section(".text.start")]] void _start(u64 seed) { sys_exit(main(seed)); }
