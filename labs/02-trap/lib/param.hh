// lib/param.hh: the limits of this stage, in one place. Layer: lib.
// Lab 02's own limits, after every earlier lab's (#include_next: the file of the same
// name in the layer below).
#pragma once
#include_next "lib/param.hh"

// Lab 02: traps and user mode.
inline constexpr int kMaxProcesses = 16;        // the process table's slots
inline constexpr usize kKernelStackSize = 8192;  // bytes per process, below its trap frame
inline constexpr usize kUserStackSize = 16384;   // bytes per program (no paging yet)
inline constexpr long kMaxSyscalls = 32;        // syscall numbers 0 .. kMaxSyscalls - 1
inline constexpr long kMaxFastCalls = 8;        // fast function ids 0 .. kMaxFastCalls - 1
inline constexpr u64 kMaxWrite = 4096;          // bytes one write() puts on the console
inline constexpr u64 kMaxReportLine = 200;      // bytes of one report() line
