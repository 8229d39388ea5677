// user/lib/start.cc: where every user program starts (lab 03 on: its ELF entry point).
// Layer: user/lib. The kernel enters in U-mode with a0 = the program's seed, sp = the
// top of its stack, and nothing else set up: no constructors run (programs have none).
// Replaces labs/02-trap/user/lib/start.cc: programs are now ELF files with an entry point of their own.
#include "user/lib/syscall.hh"

int main(u64 seed);

// a1 and a2: two more words the kernel may pass (0 here), kept for the library.
u64 g_start_a1;
u64 g_start_a2;

// gp = __global_pointer$ (user/user.ld) before anything touches a global: the linker
// turns accesses near it into one gp-relative instruction. (The kernel gives a restarted
// executor and a new thread the gp the executor registered with: see process_reset_frame.)
extern "C" [[noreturn, gnu::section(".text.start")]] void _start(u64 seed, u64 a1, u64 a2) {
  asm volatile(".option push\n.option norelax\nla gp, __global_pointer$\n.option pop" ::: "memory");
  g_start_a1 = a1;
  g_start_a2 = a2;
  sys_exit(main(seed));
}
