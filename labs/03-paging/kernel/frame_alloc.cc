// kernel/frame_alloc.cc: the physical frame allocator.
// Layer: kernel/mm. Frames never handed out yet are taken in address order from a
// "fresh" mark (so init touches no frame: a machine with many GiB boots at once); freed
// frames form a singly linked list whose link word is each free frame's first 8 bytes
// (0 ends the list) and are reused first. A bitmap, one bit per frame (1 = free), kept
// in the first frames of the range, catches double frees and corrupted links.
// FIXME: no lock; fine while one hart allocates.
#include "kernel/frame_alloc.hh"
#include "kernel/panic.hh"
#include "lib/string.hh"

namespace {

constexpr u8 kPoison = 0x5a;

u64 g_first;       // physical address of the first managed frame
u64 g_total;       // frames managed, from g_first
u64 g_free_count;  // frames on the free list
u64 g_free_head;   // first frame on the free list, 0 when none
u64 g_fresh;       // frames g_fresh.. g_total - 1 were never handed out
u8* g_bitmap;      // g_total bits: bit i set = frame i is free

u64* link_of(u64 pa) { return reinterpret_cast<u64*>(pa); }
u64 index_of(u64 pa) { return (pa - g_first) / kPageSize; }
bool is_free(u64 index) { return (g_bitmap[index / 8] >> (index % 8)) & 1; }
void set_free(u64 index, bool free) {
  u8 bit = u8(1u << (index % 8));
  g_bitmap[index / 8] = free ? u8(g_bitmap[index / 8] | bit) : u8(g_bitmap[index / 8] & ~bit);
}

// A frame address frame_alloc() may hand out: inside the range and page aligned.
bool is_managed(u64 pa) {
  return pa >= g_first && pa % kPageSize == 0 && (pa - g_first) / kPageSize < g_total;
}

}  // namespace

void frame_alloc_init(u64 begin, u64 end) {
  g_first = g_total = g_free_count = g_free_head = g_fresh = 0;
  g_bitmap = nullptr;
  if (end <= begin || begin > ~0ull - kPageSize) return;
  begin = max_of(align_up(begin, kPageSize), kPageSize);  // 0 ends the free list: never a frame
  end = align_down(end, kPageSize);
  if (end <= begin) return;
  u64 pages = (end - begin) / kPageSize;
  // One bit for every page of the range (a few more than needed: simple and safe).
  u64 bitmap_pages = align_up((pages + 7) / 8, kPageSize) / kPageSize;
  if (pages <= bitmap_pages) return;
  g_bitmap = reinterpret_cast<u8*>(begin);
  g_first = begin + bitmap_pages * kPageSize;
  g_total = pages - bitmap_pages;
  memset(g_bitmap, 0xff, bitmap_pages * kPageSize);  // every frame free (and fresh)
  g_free_count = g_total;
}

Result<u64> frame_alloc() {
  if (g_free_head == 0) {
    if (g_fresh == g_total) return Error::no_memory;
    u64 pa = g_first + g_fresh++ * kPageSize;
    KASSERT(is_free(index_of(pa)));
    g_free_count--;
    set_free(index_of(pa), false);
    memset(reinterpret_cast<void*>(pa), 0, kPageSize);
    return pa;
  }
  u64 pa = g_free_head;
  KASSERT(is_managed(pa) && is_free(index_of(pa)));
  u64 next = *link_of(pa);
  // A link that a stray write (a use after free) has changed must not be followed.
  if (next != 0 && !(is_managed(next) && is_free(index_of(next)) && index_of(next) < g_fresh))
    panic("frame_alloc: free frame %p has a corrupt link %p (written after free?)",
          reinterpret_cast<void*>(pa), reinterpret_cast<void*>(next));
  g_free_head = next;
  g_free_count--;
  set_free(index_of(pa), false);
  memset(reinterpret_cast<void*>(pa), 0, kPageSize);
  return pa;
}

void frame_free(u64 pa) {
  if (!is_managed(pa)) panic("frame_free: %p is not a frame of the allocator", reinterpret_cast<void*>(pa));
  if (is_free(index_of(pa))) panic("frame_free: double free of %p", reinterpret_cast<void*>(pa));
  // Debug builds (make DEBUG=1) poison freed frames so that a use after free shows.
  if (SQUALL_DEBUG) memset(reinterpret_cast<void*>(pa), kPoison, kPageSize);
  *link_of(pa) = g_free_head;
  g_free_head = pa;
  g_free_count++;
  set_free(index_of(pa), true);
}

u64 frames_free() { return g_free_count; }
u64 frames_total() { return g_total; }
