// user/lib/syscall.hh: system calls as inline functions, for user programs.
// Layer: user/lib. The ABI (numbers, registers, what fast calls clobber) is in
// lib/syscall_abi.hh.
#pragma once
#include "lib/syscall_abi.hh"

// A normal syscall: a7 = number. Everything but a0 survives.
inline long syscall6(long number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0) {
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r3 asm("a3") = a3;
  register long r4 asm("a4") = a4;
  register long r5 asm("a5") = a5;
  register long r7 asm("a7") = number;
  asm volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7) : "memory");
  return r0;
}

// A fast syscall: a7 = 0, a6 = function. Clobbers like a C call (ra, t0-t6, a1-a7).
inline long fastcall6(long function, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0,
                      long a5 = 0) {
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r3 asm("a3") = a3;
  register long r4 asm("a4") = a4;
  register long r5 asm("a5") = a5;
  register long r6 asm("a6") = function;
  register long r7 asm("a7") = 0;
  asm volatile("ecall"
               : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
               :
               : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
  return r0;
}

// A fast syscall with one argument in a0.
inline long fastcall1(long function, long a0) {
  register long r0 asm("a0") = a0;
  register long r6 asm("a6") = function;
  register long r7 asm("a7") = 0;
  asm volatile("ecall"
               : "+r"(r0), "+r"(r6), "+r"(r7)
               :
               : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3", "a4", "a5", "memory");
  return r0;
}

// A fast syscall with no arguments: the cheapest round trip there is.
inline long fastcall0(long function) { return fastcall1(function, 0); }

inline long sys_write(const void* buffer, usize length) { return syscall6(sys::write, long(buffer), long(length)); }
[[noreturn]] inline void sys_exit(long status) {
  syscall6(sys::exit, status);
  for (;;) asm volatile("unimp");  // exit does not return; if it did, this faults
}
inline long sys_getpid() { return syscall6(sys::getpid); }
inline u64 sys_time() { return u64(syscall6(sys::time)); }
inline long sys_yield() { return syscall6(sys::yield); }
inline long sys_report(const char* text, usize length) { return syscall6(sys::report, long(text), long(length)); }
inline long sys_ticks() { return syscall6(sys::ticks); }

inline long fast_null() { return fastcall0(fast::null); }
inline long fast_getpid() { return fastcall0(fast::getpid); }
inline long fast_add(long value) { return fastcall6(fast::add, value); }

// The counters user mode may read (scounteren): time, cycle, instret.
inline u64 read_time() {
  u64 v;
  asm volatile("rdtime %0" : "=r"(v));
  return v;
}
inline u64 read_instret() {
  u64 v;
  asm volatile("rdinstret %0" : "=r"(v));
  return v;
}
