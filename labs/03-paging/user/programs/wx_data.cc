// user/programs/wx_data.cc: jumps into its data (RW-) or its stack: must fault. The seed
// picks which.
#include "user/lib/ulib.hh"

alignas(8) static u32 g_code[4] = {0x00000513, 0x00008067};  // li a0,0; ret

int main(u64 seed) {
  u32 on_stack[4] = {0x00000513, 0x00008067};
  u32* target = (seed & 1) ? on_stack : g_code;
  ureport("wx_data target=%lx", uptr(target));
  reinterpret_cast<void (*)()>(target)();
  ureport("wx_data survived");
  return 0;
}
