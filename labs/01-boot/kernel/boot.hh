// kernel/boot.hh: boot-time entry points and linker-script symbols.
// Layer: kernel/boot.
#pragma once
#include "lib/types.hh"

extern "C" {
extern u8 __kernel_start[], __kernel_end[];
extern u8 __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern u8 __data_start[], __data_end[], __bss_start[], __bss_end[];
extern u8 __boot_stack_bottom[], __boot_stack_top[];

[[noreturn]] void boot_main(u64 hartid, const void* dtb, u64 entry_instret);
void kmain(u64 hartid, const void* dtb);
}

// EARLY_DATA: keep a zero-initialised variable in .data instead of .bss, for the few
// that the console and panic need even when .bss was never cleared (lab 01's starter).
#define EARLY_DATA [[gnu::section(".data.early")]]

// clear_bss(begin, end): zero every byte in [begin, end). (Lab 01 hole: kernel/bss_clear.cc.)
void clear_bss(u8* begin, u8* end);

// Instruction count (instret) when _start ran, for make bench.
extern u64 g_entry_instret;

inline u64 read_instret() {
  u64 value;
  asm volatile("csrr %0, instret" : "=r"(value));
  return value;
}
