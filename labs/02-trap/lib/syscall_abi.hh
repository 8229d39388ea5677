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
// Errors come back as negative numbers: -ENOSYS (-38) for an unknown number or id.
#pragma once
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
// Lab 03 on (-ENOSYS before):
constexpr long spawn = 9;    // spawn(name, share) -> pid; name NUL-terminated; share = 1: in the caller's AS
constexpr long wait = 10;    // wait(pid) -> its exit status, once it has exited (a child only)
constexpr long frames = 11;  // frames() -> free physical frames
constexpr long physical = 12;  // physical(va, pid) -> the physical address behind va in pid's
                               // space (0 = mine); for the isolation tests
// Lab 04 on:
constexpr long executor = 13;  // executor(entry, arg, mailbox): where this process's executor
                               // starts afresh after the kernel switched away from it; lab 05:
                               // mailbox = its PreemptMailbox (lib/executor_abi.hh) or 0
// Lab 05 on:
constexpr long resume_preempted = 14;  // resume_preempted(task_id): continue a timed-out task
constexpr long sched_stats = 15;       // sched_stats(SchedStats* out) -> 0
constexpr long thread = 16;  // thread(entry, arg) -> pid: a thread in my AS (the seed's fallback
                             // to a thread kernel): own stack, preemptible; wait(pid) joins it
constexpr long fs = 17;      // lab 06: fs(FsOp*) -> 1 done, 0 submitted (completes later), -error
                             //   (lib/fs_abi.hh)
constexpr long count = 18;   // the size of the syscall table (one past the last number)
}  // namespace sys

namespace fast {
constexpr long null = 0;     // null() -> 0: the cheapest possible round trip
constexpr long echo = 1;     // echo(a0..a5) -> echo_mix(a0..a5)
constexpr long getpid = 2;   // getpid() -> pid
constexpr long add = 3;      // add(v) -> running sum of every v added by this program
constexpr long yield = 4;    // lab 04 on: yield(task) -> the kernel pops the shared scheduler
                             // (see kernel/executor.cc); 0 = nothing left, 1 = your turn;
                             // task != 0: first set that (yielding) task ready
constexpr long count = 5;    // the number of fast functions
}  // namespace fast

constexpr long kErrNoSys = 38;
constexpr long kErrFault = 14;
constexpr long kErrInvalid = 22;
constexpr long kErrNoMemory = 12;
constexpr long kErrNotFound = 2;
constexpr long kErrChild = 10;      // ECHILD: wait on something that is not your child
constexpr long kErrTooBig = 7;      // E2BIG: a string longer than the kernel accepts

// echo_mix: what both echo calls return, so a test sees every argument arrive in
// its own register (a swap or a lost value changes the result).
constexpr u64 echo_mix(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5) {
  u64 values[6] = {a0, a1, a2, a3, a4, a5};
  u64 h = 0xcbf29ce484222325ull;
  for (u64 v : values) h = (h ^ v) * 0x100000001b3ull;
  return h;
}
