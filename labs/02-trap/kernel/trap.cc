// kernel/trap.cc: the C++ side of traps: user traps (syscalls, timer, faults) and
// kernel traps. Layer: kernel/trap.
#include "kernel/trap.hh"
#include "kernel/console.hh"
#include "kernel/panic.hh"
#include "kernel/process.hh"
#include "kernel/syscall.hh"
#include "kernel/timer.hh"

extern "C" char trap_vector[];

const char* scause_name(u64 scause) {
  switch (scause) {
    case cause::instruction_misaligned: return "instruction-misaligned";
    case cause::instruction_access: return "instruction-access-fault";
    case cause::illegal_instruction: return "illegal-instruction";
    case cause::breakpoint: return "breakpoint";
    case cause::load_misaligned: return "load-misaligned";
    case cause::load_access: return "load-access-fault";
    case cause::store_misaligned: return "store-misaligned";
    case cause::store_access: return "store-access-fault";
    case cause::user_ecall: return "user-ecall";
    case cause::supervisor_ecall: return "supervisor-ecall";
    case cause::instruction_page: return "instruction-page-fault";
    case cause::load_page: return "load-page-fault";
    case cause::store_page: return "store-page-fault";
    case cause::supervisor_timer: return "timer";
    case cause::supervisor_external: return "external";
    default: return (scause & cause::interrupt_bit) ? "interrupt" : "exception";
  }
}

void trap_init() {
  asm volatile("csrw sscratch, zero");
  asm volatile("csrw stvec, %0" : : "r"(trap_vector));  // direct mode: bit 0 clear
  asm volatile("csrw scounteren, %0" : : "r"(7));        // cycle, time, instret
}

TrapFrame* user_trap(TrapFrame* frame) {
  if (trap_enter_hook) trap_enter_hook();
  u64 scause, stval;
  asm volatile("csrr %0, scause" : "=r"(scause));
  asm volatile("csrr %0, stval" : "=r"(stval));
  if (scause == cause::user_ecall) {
    frame->sepc += 4;  // return past the ecall
    frame->a(0) = u64(syscall_dispatch(*frame));
  } else if (scause == cause::supervisor_timer) {
    timer_tick();
    process_preempt();
  } else if (scause & cause::interrupt_bit) {
    if (!interrupt_hook || !interrupt_hook(scause, frame))  // the same process goes on
      kprintf("trap: unexpected interrupt %lu, ignored\n", scause & ~cause::interrupt_bit);
  } else {
    process_kill(scause, frame->sepc, stval);
  }
  return process_next_frame();
}

void kernel_trap(TrapFrame* frame) {
  u64 scause, stval, satp;
  asm volatile("csrr %0, scause" : "=r"(scause));
  asm volatile("csrr %0, stval" : "=r"(stval));
  asm volatile("csrr %0, satp" : "=r"(satp));
  if (trap_enter_hook) trap_enter_hook();
  // An interrupt, taken where the kernel opened a window for one: handle it, then go
  // back to what was interrupted. A tick only re-arms: the kernel is never preempted.
  bool handled = scause == cause::supervisor_timer;
  if (handled) timer_tick();
  else if (scause & cause::interrupt_bit) handled = interrupt_hook && interrupt_hook(scause, nullptr);
  if (handled) {
    asm volatile("csrw satp, %0" : : "r"(satp));
    return;
  }
  kprintf("\nkernel trap: %s (scause %lx) at sepc %p, stval %lx\n", scause_name(scause), scause,
          reinterpret_cast<void*>(frame->sepc), stval);
  kprintf("faulting pc:\n  #f %p\n", reinterpret_cast<void*>(frame->sepc));
  kprintf("called from:\n");
  print_backtrace(frame->regs[reg::s0]);
  panic("kernel trap (%s)", scause_name(scause));
}

void report_trap_frame_hole() {
  kprintf("\ntrap: a user program trapped, but SAVE_USER_REGISTERS/RESTORE_USER_REGISTERS are not\n"
          "written yet (TODO(lab02) in kernel/trap_frame.inc)\n");
  report("hole trap_frame");
  shutdown(false);
}
