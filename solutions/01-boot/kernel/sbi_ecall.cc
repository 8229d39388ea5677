// kernel/sbi_ecall.cc: the one place the kernel executes `ecall` into the firmware.
// Layer: kernel/sbi. Reference solution of the lab 01 hole.
#include "kernel/sbi.hh"

// sbi_ecall(ext, fid, arg0..arg2): see kernel/sbi.hh for the register convention.
SbiRet sbi_ecall(long extension, long function, long arg0, long arg1, long arg2) {
  register long a0 asm("a0") = arg0;
  register long a1 asm("a1") = arg1;
  register long a2 asm("a2") = arg2;
  register long a6 asm("a6") = function;
  register long a7 asm("a7") = extension;
  asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
  return SbiRet{a0, a1};
}
