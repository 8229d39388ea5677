// lib/param.hh: the limits of this stage, in one place. Layer: lib.
// Lab 03's own limits, after every earlier lab's (#include_next).
#pragma once
#include_next "lib/param.hh"

// Lab 03: paging, address spaces, processes.
inline constexpr int kMaxAddressSpaces = 16;   // user ASes at once (ASIDs 1..16)
inline constexpr u64 kUserStackPages = 4;      // pages per user stack (+ one guard page)
inline constexpr u64 kUserStackSlots = 4;      // stacks (processes, threads) per AS
inline constexpr u32 kMaxElfSegments = 8;      // loadable segments per program
inline constexpr int kMaxDeviceWindows = 8;    // MMIO windows the kernel's table maps
