// kernel/sbi_ecall.cc: the one place the kernel executes `ecall` into the firmware.
// Layer: kernel/sbi. Lab 01 hole: see labs/01-boot/README.md, task "sbi_ecall".
#include "kernel/sbi.hh"

// sbi_ecall(ext, fid, arg0..arg2): see kernel/sbi.hh for the register convention.
SbiRet sbi_ecall(long extension, long function, long arg0, long arg1, long arg2) {
  // TODO(lab01): put the arguments in a0..a2, a6 and a7 (GCC's `register long x asm("a0")`
  // variables help), execute `ecall`, and return a0/a1 as {error, value}.
  (void)extension, (void)function, (void)arg0, (void)arg1, (void)arg2;
  return SbiRet{kSbiErrHoleOpen, 0};
}
