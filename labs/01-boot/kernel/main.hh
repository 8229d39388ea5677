// kernel/main.hh: what boot learned about the machine, for every later layer.
// Layer: kernel/boot.
#pragma once
#include "kernel/fdt.hh"

struct BootInfo {
  u64 hartid = 0;
  const void* dtb = nullptr;
  u32 dtb_size = 0;
  MemoryRange memory;   // RAM as the device tree describes it (size 0 if unknown)
  u32 harts = 0;
  u64 kmain_instret = 0;  // instret at kmain's first line
};

extern BootInfo g_boot;

// stage_run(): what this stage of the kernel does after boot (each lab has its own
// kernel/stage.cc). Returns false if the stage failed.
bool stage_run();
