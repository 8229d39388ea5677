// kernel/frame_alloc.hh: the physical frame allocator: 4 KiB frames of free RAM.
// Layer: kernel/mm. Physical addresses are used directly as pointers (the kernel
// identity-maps RAM). Single hart, no lock yet.
#pragma once
#include "lib/error.hh"

constexpr u64 kPageSize = 4096;

// frame_alloc_init(begin, end): manage the free RAM [begin, end), rounded inward to
// whole pages. The first frames of the range hold the allocator's bitmap. May be
// called again to start over (host tests do); every earlier frame is forgotten.
void frame_alloc_init(u64 begin, u64 end);

// frame_alloc(): a zeroed frame's physical address; Error::no_memory when none is left.
Result<u64> frame_alloc();

// frame_free(pa): give back a frame from frame_alloc(). Panics if pa is outside the
// range, unaligned, or already free. The frame is filled with 0x5a bytes (all but its
// first word, the free-list link) so that a use after free shows.
void frame_free(u64 pa);

u64 frames_free();   // frames frame_alloc() can still hand out
u64 frames_total();  // frames managed (the bitmap's own frames excluded)
