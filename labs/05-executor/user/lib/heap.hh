// user/lib/heap.hh: a small heap for user programs, mainly for coroutine frames (lab 05).
// Layer: user/lib. First fit over a free list kept in address order, so a freed block
// merges with free neighbours at once. The arena is a fixed array in the program's
// .bss: no system call ever grows it. Blocks are 16-byte aligned and carry a 16-byte
// header whose tag tells a live block from a freed one or from a stray pointer: a
// double free or a foreign pointer ends the program (ureport "heap error ...", exit 4).
#pragma once
#include "lib/param.hh"
#include "lib/types.hh"

inline constexpr usize kHeapAlign = 16;

struct HeapStats {
  usize in_use;        // bytes in live blocks, headers included
  usize peak;          // the highest in_use so far
  usize failures;      // heap_alloc calls that returned nullptr
  usize blocks;        // live blocks
  usize largest_free;  // the biggest block heap_alloc could carve now (header included)
  usize capacity;      // kHeapArenaBytes
};

// heap_alloc(size): size bytes, 16-byte aligned, or nullptr when no free block fits.
void* heap_alloc(usize size);
// heap_free(p): give back a block from heap_alloc (nullptr: nothing to do).
void heap_free(void* p);
// heap_free_sized(p, size): the same, for a block of heap_alloc(size): a little faster.
void heap_free_sized(void* p, usize size);
HeapStats heap_stats();
extern u8 g_heap_arena[kHeapArenaBytes];  // heap.cc

// heap_owns(p, n): the n bytes at p lie inside the arena (a range check only, not a proof
// of a live block).
inline bool heap_owns(const void* p, usize n = 1) {
  uptr at = uptr(p) - uptr(g_heap_arena);
  return at < kHeapArenaBytes && n <= kHeapArenaBytes - at;
}
