// kernel/trap_frame.hh: the trap frame, where the full trap path keeps a user
// program's registers while the kernel runs. Layer: kernel/trap.
// This header is included from assembly too (trap_entry.S), so the layout is given
// as plain #defines first and checked against the C++ struct below.
#pragma once

// Byte offsets. Slot N holds register xN (slot 0, for x0, holds nothing).
#define TF_REG(n) ((n) * 8)
#define TF_SEPC (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SIZE (34 * 8)  // a multiple of 16, so a stack may end right below a frame

#ifndef __ASSEMBLER__
#include "lib/types.hh"

// Register numbers by ABI name, for frame.regs[...].
namespace reg {
constexpr int ra = 1, sp = 2, gp = 3, tp = 4, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9;
constexpr int a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16, a7 = 17;
constexpr int s2 = 18, s11 = 27, t3 = 28, t6 = 31;
}  // namespace reg

struct TrapFrame {
  u64 regs[32];
  u64 sepc;
  u64 sstatus;

  u64& a(int n) { return regs[reg::a0 + n]; }  // a0..a7
};
static_assert(sizeof(TrapFrame) == TF_SIZE);
static_assert(__builtin_offsetof(TrapFrame, sepc) == TF_SEPC);
static_assert(__builtin_offsetof(TrapFrame, sstatus) == TF_SSTATUS);
static_assert(TF_SIZE % 16 == 0);
#endif
