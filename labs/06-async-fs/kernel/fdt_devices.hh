// kernel/fdt_devices.hh: finding devices in the device tree by their "compatible" string.
// Layer: kernel/drivers. Built on lab 01's bounds-checked reader (kernel/fdt.hh).
#pragma once
#include "kernel/fdt.hh"

// What a driver needs to know about one device node.
struct FdtDevice {
  u64 base = 0, size = 0;  // the first "reg" entry, in the parent's address/size cells
  u32 irq = 0;             // the first cell of "interrupts" (0 = none)
  u32 sources = 0;         // "riscv,ndev" (the PLIC's number of interrupt sources)
  FdtToken extended;       // "interrupts-extended" (the PLIC's contexts), length 0 if absent
};

// fdt_find_devices(fdt, compatible, out, max): the nodes whose "compatible" list holds
// `compatible`, in tree order; fills up to `max` of them and returns how many there are.
u32 fdt_find_devices(const Fdt& fdt, const char* compatible, FdtDevice* out, u32 max);
