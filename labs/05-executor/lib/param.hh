// lib/param.hh: the limits of this stage, in one place. Layer: lib.
// Lab 05's own limits, after every earlier lab's (#include_next).
#pragma once
#include_next "lib/param.hh"

// Lab 05: the coroutine runtime and timeouts.
inline constexpr u32 kMailboxSlots = 16;       // timed-out tasks one runtime's mailbox lists
inline constexpr int kMaxPreempted = 32;       // timed-out tasks the kernel holds at once
inline constexpr u32 kStormYields = 64;        // idle fast yields in a row: a yield storm
inline constexpr usize kHeapArenaBytes = 64 * 1024;  // each program's coroutine-frame heap
