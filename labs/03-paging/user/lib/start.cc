// user/lib/start.cc: where every user program starts (lab 03 on: its ELF entry point).
// Layer: user/lib. The kernel enters in U-mode with a0 = the program's seed, sp = the
// top of its stack, and nothing else set up: no constructors run (programs have none).
#include "user/lib/syscall.hh"

int main(u64 seed);

// From lab 04 on the kernel also passes a1 = the shared payload's base address and
// a2 = this process's address-space id (both 0 before). user/lib/payload.cc reads them.
u64 g_start_payload_base;
u64 g_start_as_id;

// gp = __global_pointer$ (user/user.ld) before anything touches a global: the linker
// turns accesses near it into one gp-relative instruction. (The kernel gives a restarted
// executor and a new thread the gp the executor registered with: see sys::executor.)
extern "C" [[noreturn, gnu::section(".text.start")]] void _start(u64 seed, u64 payload_base, u64 as_id) {
  asm volatile(".option push\n.option norelax\nla gp, __global_pointer$\n.option pop" ::: "memory");
  g_start_payload_base = payload_base;
  g_start_as_id = as_id;
  sys_exit(main(seed));
}
