// user/lib/counter.hh: a counter shared by the tasks of one program (lab 06).
// Layer: user/lib. take(counter) is counter++ and add_to(total, n) is total += n, each
// in one atomic instruction: a timeout may set a task aside between a load and a store
// (lab 05) and let another task run in between, so a plain ++ could hand out one value
// twice.
#pragma once
#include "lib/types.hh"

inline u32 take(u32* counter) { return __atomic_fetch_add(counter, 1u, __ATOMIC_RELAXED); }
inline void add_to(u64* total, u64 n) { __atomic_fetch_add(total, n, __ATOMIC_RELAXED); }
