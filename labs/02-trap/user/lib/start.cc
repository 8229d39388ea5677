// user/lib/start.cc: where every user program starts, in U-mode. Layer: user/lib.
// The kernel enters here with a0 = the program's seed and a1 = its main().
#include "user/lib/syscall.hh"

extern "C" [[noreturn]] void user_start(u64 seed, int (*main)(u64)) { sys_exit(main(seed)); }
