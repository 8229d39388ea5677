// kernel/kheap.hh: the kernel heap for coroutine frames and file-system buffers (lab 06).
// Layer: kernel/mm. Segregated size classes over one arena: every class keeps its own
// free list, and a class with an empty list carves a new block off the arena's unused
// end. Alloc and free are O(1) (no search, no coalescing: a freed block only ever
// serves its own class again). Classes go in half-power-of-two steps (32, 48, 64, 96,
// ... 64 KiB), so a block wastes at most a third of itself. Each block carries a
// 16-byte header whose tag tells a live block from a freed one and from a stray
// pointer: kheap_free of anything else panics; kheap_free_checked returns the error.
// The arena is a static array in .bss unless kheap_init hands over a region. The same
// code runs in host tests. FIXME: a block carved for one class never serves another,
// so a burst of one size can strand memory that a later burst of another size needs.
#pragma once
#include "lib/error.hh"
#include "lib/types.hh"

inline constexpr usize kKheapArenaBytes = 256 * 1024;  // the default .bss arena
inline constexpr usize kKheapAlign = 16;               // every block, and the header
inline constexpr usize kKheapMinBlock = 32;            // header included
inline constexpr usize kKheapMaxBlock = 64 * 1024;     // header included
inline constexpr usize kKheapClasses = 23;             // 32, 48, 64, 96, ..., 64 KiB

struct KheapStats {
  usize in_use;      // bytes of live blocks (class sizes, headers included)
  usize peak;        // the highest in_use so far
  usize blocks;      // live blocks
  usize failures;    // kheap_alloc calls that returned nullptr
  usize bad_frees;   // double frees and foreign pointers refused
  usize carved;      // bytes of the arena ever carved into blocks
  usize capacity;    // the arena's size
};

// kheap_init(base, size): use [base, base+size) as the arena and forget every block
// (nullptr: the static arena). For boot and for tests; live blocks become invalid.
void kheap_init(void* base, usize size);
// kheap_alloc(size): size bytes, 16-byte aligned, or nullptr (too big or no room).
void* kheap_alloc(usize size);
// kheap_free(p): give back a block from kheap_alloc (nullptr: nothing). A double
// free or a foreign pointer panics.
void kheap_free(void* p);
// kheap_free_checked(p): the same, but a bad pointer gives Error::invalid (counted in
// bad_frees) and leaves the heap untouched.
Error kheap_free_checked(void* p);
// kheap_block_size(size): the bytes a block for `size` takes (0: too big).
usize kheap_block_size(usize size);
KheapStats kheap_stats();
