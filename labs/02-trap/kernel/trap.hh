// kernel/trap.hh: trap setup and the C++ side of the trap paths.
// Layer: kernel/trap. The assembly side is kernel/trap_entry.S.
#pragma once
#include "kernel/hooks.hh"
#include "kernel/trap_frame.hh"

// scause values (interrupt bit clear): the exceptions a user program can cause.
namespace cause {
constexpr u64 interrupt_bit = 1ull << 63;
constexpr u64 instruction_misaligned = 0, instruction_access = 1, illegal_instruction = 2, breakpoint = 3;
constexpr u64 load_misaligned = 4, load_access = 5, store_misaligned = 6, store_access = 7;
constexpr u64 user_ecall = 8, supervisor_ecall = 9;
constexpr u64 instruction_page = 12, load_page = 13, store_page = 15;
constexpr u64 supervisor_timer = interrupt_bit | 5;
constexpr u64 supervisor_external = interrupt_bit | 9;  // from a platform interrupt controller
}  // namespace cause

// A short name for an scause value ("illegal-instruction", "timer", ...).
const char* scause_name(u64 scause);

// Extension points of the trap layer (kernel/hooks.hh):
//  - trap_enter_hook(): the first thing every trap does on the kernel's side, before
//    anything reads kernel memory (e.g. switch to the kernel's own address space);
//  - interrupt_hook(scause, frame): an interrupt other than the timer's; frame is the
//    interrupted program's, or nullptr when the kernel itself was interrupted. Returns
//    false if it did not handle it (the trap layer then reports it and goes on).
inline Hook<void()> trap_enter_hook{"trap.enter"};
inline Hook<bool(u64 scause, TrapFrame* frame)> interrupt_hook{"trap.interrupt"};

// trap_init(): point stvec at the trap vector, mark "in the kernel" (sscratch = 0),
// and let user mode read the cycle, time and instret counters.
void trap_init();

inline u64 read_csr_time() {
  u64 value;
  asm volatile("rdtime %0" : "=r"(value));
  return value;
}

extern "C" {
// The full user path: handle the trap described by `frame`; return the frame of the
// program to run next (the same or another one).
TrapFrame* user_trap(TrapFrame* frame);
// The fast path: a0..a5 arguments, a6 the fast function id (lib/syscall_abi.hh).
long fast_syscall(long a0, long a1, long a2, long a3, long a4, long a5, long function);
// A trap in the kernel itself. A fault is a bug: it prints the cause and a backtrace,
// then stops. It returns (and the trap vector srets) only for an interrupt, which the
// kernel takes only where it opens a window for one (sstatus.SIE set for a moment).
void kernel_trap(TrapFrame* frame);
// trap_entry.S: load a frame and sret into it.
[[noreturn]] void user_resume(TrapFrame* frame);
// Called from the starter's open trap_frame.inc hole.
[[noreturn]] void report_trap_frame_hole();
}
