# user/lib/regcheck.S: register-preservation checks for the trap tests.
# Layer: user/lib. See user/lib/regcheck.hh for the contracts.

    .section .text
    .balign 4

# ---------------------------------------------------------------------------------
# u64 fast_preserve_check(u64* patterns, long calls)
# Stack frame (176 bytes): 0 ra, 8 gp, 16 tp, 24..119 s0..s11, 128 calls left,
# 136 patterns, 144 the sp the calls must keep.
    .globl fast_preserve_check
fast_preserve_check:
    addi    sp, sp, -176
    sd      ra, 0(sp)
    sd      gp, 8(sp)
    sd      tp, 16(sp)
    sd      s0, 24(sp)
    sd      s1, 32(sp)
    sd      s2, 40(sp)
    sd      s3, 48(sp)
    sd      s4, 56(sp)
    sd      s5, 64(sp)
    sd      s6, 72(sp)
    sd      s7, 80(sp)
    sd      s8, 88(sp)
    sd      s9, 96(sp)
    sd      s10, 104(sp)
    sd      s11, 112(sp)
    sd      a1, 128(sp)
    sd      a0, 136(sp)
    sd      sp, 144(sp)
    ld      gp, 0(a0)
    ld      tp, 8(a0)
    ld      s0, 16(a0)
    ld      s1, 24(a0)
    ld      s2, 32(a0)
    ld      s3, 40(a0)
    ld      s4, 48(a0)
    ld      s5, 56(a0)
    ld      s6, 64(a0)
    ld      s7, 72(a0)
    ld      s8, 80(a0)
    ld      s9, 88(a0)
    ld      s10, 96(a0)
    ld      s11, 104(a0)
1:  ld      a0, 128(sp)             # a0..a5: something to echo
    andi    a6, a0, 1               # fast::null and fast::echo by turns
    mv      a1, a0
    mv      a2, a0
    mv      a3, a0
    mv      a4, a0
    mv      a5, a0
    li      a7, 0
    ecall
    ld      t0, 128(sp)
    addi    t0, t0, -1
    sd      t0, 128(sp)
    bgtz    t0, 1b
    # Compare. a0 = mask of damaged registers.
    li      a0, 0
    ld      t1, 136(sp)
.macro CHECK_REG reg, number, offset
    ld      t2, \offset(t1)
    beq     \reg, t2, 2f
    li      t3, 1
    slli    t3, t3, \number
    or      a0, a0, t3
2:
.endm
    CHECK_REG gp, 3, 0
    CHECK_REG tp, 4, 8
    CHECK_REG s0, 8, 16
    CHECK_REG s1, 9, 24
    CHECK_REG s2, 18, 32
    CHECK_REG s3, 19, 40
    CHECK_REG s4, 20, 48
    CHECK_REG s5, 21, 56
    CHECK_REG s6, 22, 64
    CHECK_REG s7, 23, 72
    CHECK_REG s8, 24, 80
    CHECK_REG s9, 25, 88
    CHECK_REG s10, 26, 96
    CHECK_REG s11, 27, 104
    ld      t2, 144(sp)
    beq     sp, t2, 3f
    ori     a0, a0, 4               # sp moved (we only got here by luck)
3:  ld      ra, 0(sp)
    ld      gp, 8(sp)
    ld      tp, 16(sp)
    ld      s0, 24(sp)
    ld      s1, 32(sp)
    ld      s2, 40(sp)
    ld      s3, 48(sp)
    ld      s4, 56(sp)
    ld      s5, 64(sp)
    ld      s6, 72(sp)
    ld      s7, 80(sp)
    ld      s8, 88(sp)
    ld      s9, 96(sp)
    ld      s10, 104(sp)
    ld      s11, 112(sp)
    addi    sp, sp, 176
    ret

# ---------------------------------------------------------------------------------
# void spin_check_registers(u64* table)
# table[N] = pattern for xN; [32] deadline; [33] rounds; [34] bad register; [35] saved sp.
    .globl spin_check_registers
spin_check_registers:
    addi    sp, sp, -128
    sd      ra, 0(sp)
    sd      gp, 8(sp)
    sd      tp, 16(sp)
    sd      s0, 24(sp)
    sd      s1, 32(sp)
    sd      s2, 40(sp)
    sd      s3, 48(sp)
    sd      s4, 56(sp)
    sd      s5, 64(sp)
    sd      s6, 72(sp)
    sd      s7, 80(sp)
    sd      s8, 88(sp)
    sd      s9, 96(sp)
    sd      s10, 104(sp)
    sd      s11, 112(sp)
    sd      sp, (35*8)(a0)
    mv      sp, a0                  # sp = the table from here on
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, (\n*8)(sp)
    .endr
.Lspin:
    ld      t6, (30*8)(sp)          # t5 held its pattern since the end of the last round
    bne     t5, t6, .Lbad30
    ld      t6, (31*8)(sp)          # t6 holds its pattern through the checks below
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29
    ld      t5, (\n*8)(sp)
    bne     x\n, t5, .Lbad\n
    .endr
    ld      t5, (31*8)(sp)
    bne     t6, t5, .Lbad31
    rdtime  t6
    ld      t5, (32*8)(sp)
    bgeu    t6, t5, .Ldone
    ld      t5, (33*8)(sp)
    addi    t5, t5, 1
    sd      t5, (33*8)(sp)
    ld      t5, (30*8)(sp)
    j       .Lspin
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
.Lbad\n:
    li      t5, \n
    sd      t5, (34*8)(sp)
    j       .Ldone
    .endr
.Ldone:
    mv      a0, sp
    ld      sp, (35*8)(a0)
    ld      ra, 0(sp)
    ld      gp, 8(sp)
    ld      tp, 16(sp)
    ld      s0, 24(sp)
    ld      s1, 32(sp)
    ld      s2, 40(sp)
    ld      s3, 48(sp)
    ld      s4, 56(sp)
    ld      s5, 64(sp)
    ld      s6, 72(sp)
    ld      s7, 80(sp)
    ld      s8, 88(sp)
    ld      s9, 96(sp)
    ld      s10, 104(sp)
    ld      s11, 112(sp)
    addi    sp, sp, 128
    ret
