// lib/param.hh: the limits of this stage, in one place (as xv6's param.h). Layer: lib.
// A later lab that adds limits has a file of the same name that includes the earlier
// one first (#include_next) and then lists only its own lab's limits.
#pragma once
#include "lib/types.hh"

// Lab 01: boot.
inline constexpr usize kBootargsMaxLine = 1024;  // bytes of the kernel command line kept
inline constexpr usize kBootargsMaxWords = 64;   // words of it that bootargs_get sees
inline constexpr u32 kFdtMaxSize = 1u << 20;     // a bigger device tree is refused as corrupt
inline constexpr int kFdtMaxDepth = 16;          // nodes nested deeper are refused
inline constexpr usize kFormatIntMax = 96;       // chars format_int may write (base 2, sign)
inline constexpr int kBacktraceMaxFrames = 32;   // frames a panic backtrace prints at most
