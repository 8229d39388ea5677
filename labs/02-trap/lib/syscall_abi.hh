// lib/syscall_abi.hh: the system-call ABI shared by the kernel and user programs.
// Layer: lib (user/kernel boundary). Changing a number here changes both sides.
//
// Two kinds of call, both made with `ecall` from U-mode:
//
//  * Normal syscalls: a7 = number (never 0), a0..a5 = arguments, result in a0.
//    The kernel saves every register in a trap frame and restores them all, so the
//    call preserves everything except a0.
//  * Fast syscalls: a7 = 0, a6 = fast function id, a0..a5 = arguments, result in a0.
//    The kernel saves NO trap frame (the seed's "fast syscall"). The call behaves like
//    a normal C function call: it preserves sp, gp, tp and s0..s11, and may clobber
//    ra, t0..t6 and a1..a7 (they can come back holding kernel values).
//
// Errors come back as negative numbers, error_return(e) (lib/error.hh): -ENOSYS (-38)
// for an unknown number or id. Numbers below kMaxSyscalls and ids below kMaxFastCalls
// (lib/param.hh) may exist; the namespaces sys and fast are open: a later ABI header adds
// its own numbers to them.
#pragma once
#include "lib/error.hh"
#include "lib/param.hh"
#include "lib/types.hh"

namespace sys {
constexpr long write = 1;    // write(buffer, length) -> bytes written, to the console
constexpr long exit = 2;     // exit(status) -> does not return
constexpr long getpid = 3;   // getpid() -> pid
constexpr long time = 4;     // time() -> the `time` CSR (timebase ticks)
constexpr long yield = 5;    // yield() -> 0, after the other programs had their turn
constexpr long report = 6;   // report(buffer, length): a grader line ("@<nonce> " + text)
constexpr long echo = 7;     // echo(a0..a5) -> echo_mix(a0..a5)
constexpr long ticks = 8;    // ticks() -> timer interrupts taken so far
}  // namespace sys

namespace fast {
constexpr long null = 0;     // null() -> 0: the cheapest possible round trip
constexpr long echo = 1;     // echo(a0..a5) -> echo_mix(a0..a5)
constexpr long getpid = 2;   // getpid() -> pid
constexpr long add = 3;      // add(v) -> running sum of every v added by this program
}  // namespace fast

// echo_mix: what both echo calls return, so a test sees every argument arrive in
// its own register (a swap or a lost value changes the result).
constexpr u64 echo_mix(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5) {
  u64 values[6] = {a0, a1, a2, a3, a4, a5};
  u64 h = 0xcbf29ce484222325ull;
  for (u64 v : values) h = (h ^ v) * 0x100000001b3ull;
  return h;
}
