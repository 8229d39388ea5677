// user/programs/wx_text.cc: writes over its own code (mapped R-X): must fault.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  volatile u32* code = reinterpret_cast<volatile u32*>(uptr(&main) & ~3ull);
  ureport("wx_text target=%lx", uptr(code));
  *code = 0x00000013;  // nop
  ureport("wx_text survived");
  return 0;
}
