// lib/param.hh: the limits of this stage, in one place. Layer: lib.
// Lab 04's own limits, after every earlier lab's (#include_next).
#pragma once
#include_next "lib/param.hh"

// Lab 04: the shared scheduler.
inline constexpr u32 kPayloadMaxTasks = 256;    // the payload's task table
inline constexpr u32 kPayloadQuotaPerAs = 128;  // live tasks one user AS may hold (AS 0: no limit)
inline constexpr u64 kPayloadMaxSize = 1ull << 20;  // the VA window the kernel reserves for it
inline constexpr u64 kMaxKernelRecordTasks = 32;    // ktasks=N: AS-0 tasks that only report
inline constexpr u8 kMaxGuardedTicks = 8;  // ticks in a row a process may spend in the payload
