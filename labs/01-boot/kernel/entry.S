# kernel/entry.S: the first instructions. OpenSBI enters here in S-mode with
# a0 = hart id, a1 = device tree address. Layer: kernel/boot.
# Sets up the boot stack and hands over to boot_main() in C++ (kernel/boot.cc).

    .section .text.entry
    .globl _start
_start:
    csrr    a2, instret             # instruction count at entry (for make bench)
    csrw    sie, zero               # no interrupts until we ask for them
    # Only one hart boots the kernel; any other that arrives here parks.
    la      t0, boot_lottery
    li      t1, 1
    amoadd.w t1, t1, (t0)
    bnez    t1, park
    la      sp, __boot_stack_top
    li      s0, 0                   # frame pointer 0 ends every backtrace
    call    boot_main               # never returns
park:
    wfi
    j       park

    .section .data
    .balign 4
boot_lottery:
    .word 0
