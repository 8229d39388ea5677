# kernel/trap_entry.S: the trap vector (stvec) and the way back to user mode.
# Layer: kernel/trap. The two user paths of the seed:
#   fast: ecall with a7 == 0 -> fast_syscall(), no trap frame (kernel/trap_fast.inc)
#   full: everything else -> all registers into the trap frame, user_trap(), restore
#         (kernel/trap_frame.inc)
# Convention: sscratch = the running program's trap frame while in user mode, and 0
# while in the kernel, so the vector can tell where a trap came from.

#include "kernel/trap_frame.hh"
#include "kernel/trap_frame.inc"
#include "kernel/trap_fast.inc"

    .section .text
    .balign 4
    .globl trap_vector
trap_vector:
    csrrw   sp, sscratch, sp        # from user: sp = trap frame, sscratch = user sp
    beqz    sp, kernel_trap_entry   # sscratch was 0: the trap came from the kernel
    FAST_SYSCALL_PATH
    SAVE_USER_REGISTERS
    mv      a0, sp
    li      s0, 0                   # end the kernel backtrace here
    call    user_trap               # returns the frame of the program to resume

# user_resume(frame): enter or re-enter a user program from its trap frame.
    .globl user_resume
user_resume:
    mv      sp, a0
    RESTORE_USER_REGISTERS
    sret

# A trap taken in S-mode: save the caller-saved registers on the current stack and let
# kernel_trap() handle it. A fault panics there; an interrupt (taken only where the kernel
# opens a window by setting sstatus.SIE) returns here, and we sret back.
kernel_trap_entry:
    csrrw   sp, sscratch, sp        # sp back; sscratch stays 0
    addi    sp, sp, -TF_SIZE
    sd      x1, TF_REG(1)(sp)
    sd      x5, TF_REG(5)(sp)
    addi    x5, sp, TF_SIZE
    sd      x5, TF_REG(2)(sp)       # the sp at the time of the trap
    sd      x3, TF_REG(3)(sp)
    sd      x4, TF_REG(4)(sp)
    sd      x6, TF_REG(6)(sp)
    sd      x7, TF_REG(7)(sp)
    sd      x8, TF_REG(8)(sp)
    sd      x9, TF_REG(9)(sp)
    sd      x10, TF_REG(10)(sp)
    sd      x11, TF_REG(11)(sp)
    sd      x12, TF_REG(12)(sp)
    sd      x13, TF_REG(13)(sp)
    sd      x14, TF_REG(14)(sp)
    sd      x15, TF_REG(15)(sp)
    sd      x16, TF_REG(16)(sp)
    sd      x17, TF_REG(17)(sp)
    sd      x28, TF_REG(28)(sp)
    sd      x29, TF_REG(29)(sp)
    sd      x30, TF_REG(30)(sp)
    sd      x31, TF_REG(31)(sp)
    csrr    t0, sepc
    sd      t0, TF_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)
    mv      a0, sp
    call    kernel_trap             # returns only after an interrupt
    ld      t0, TF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, TF_SSTATUS(sp)      # SPP = S and SPIE as they were: sret goes back there
    csrw    sstatus, t0
    ld      x1, TF_REG(1)(sp)
    ld      x3, TF_REG(3)(sp)
    ld      x4, TF_REG(4)(sp)
    ld      x6, TF_REG(6)(sp)
    ld      x7, TF_REG(7)(sp)
    ld      x8, TF_REG(8)(sp)
    ld      x9, TF_REG(9)(sp)
    ld      x10, TF_REG(10)(sp)
    ld      x11, TF_REG(11)(sp)
    ld      x12, TF_REG(12)(sp)
    ld      x13, TF_REG(13)(sp)
    ld      x14, TF_REG(14)(sp)
    ld      x15, TF_REG(15)(sp)
    ld      x16, TF_REG(16)(sp)
    ld      x17, TF_REG(17)(sp)
    ld      x28, TF_REG(28)(sp)
    ld      x29, TF_REG(29)(sp)
    ld      x30, TF_REG(30)(sp)
    ld      x31, TF_REG(31)(sp)
    ld      x5, TF_REG(5)(sp)
    addi    sp, sp, TF_SIZE
    sret

# Reached from the starter's trap_frame.inc: say which hole is open and stop.
    .globl trap_frame_hole_open
trap_frame_hole_open:
    csrw    sscratch, zero
    la      sp, __boot_stack_top
    li      s0, 0
    call    report_trap_frame_hole
1:  j       1b
