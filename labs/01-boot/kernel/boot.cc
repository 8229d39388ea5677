// kernel/boot.cc: from the assembly entry to kmain(): clear .bss, run the global
// constructors (.init_array), then call kmain. Layer: kernel/boot.
#include "kernel/boot.hh"
#include "kernel/console.hh"

u64 g_entry_instret;

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[], __init_array_end[];
}

extern "C" [[noreturn]] void boot_main(u64 hartid, const void* dtb, u64 entry_instret) {
  clear_bss(__bss_start, __bss_end);
  g_entry_instret = entry_instret;
  for (Constructor* c = __init_array_start; c != __init_array_end; c++) (*c)();
  kmain(hartid, dtb);
  shutdown(true);
}
