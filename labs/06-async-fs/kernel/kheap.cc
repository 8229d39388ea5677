// kernel/kheap.cc: the kernel heap, segregated size classes (see kheap.hh).
// Layer: kernel/mm. Not thread- or IRQ-safe: callers run on one hart in task context
// (the file system's coroutines). FIXME: take a lock once kernel tasks run on more harts.
#include "kernel/kheap.hh"

#include "kernel/panic.hh"

namespace {
constexpr u32 kLiveTag = 0x4b4c4956;  // "VILK"
constexpr u32 kFreeTag = 0x4b455246;  // "FREK"

// The header right before every block's payload. `next` links free blocks of a class.
struct alignas(kKheapAlign) Header {
  u32 tag;
  u16 cls;
  u16 check;  // cls ^ 0xa5a5: a cheap guard against a stray pointer into a payload
  Header* next;
};
static_assert(sizeof(Header) == kKheapAlign);

// Carved before it is read, so kept out of .bss (see kernel.ld, .noinit): boot does not
// clear it. (The host tests build this file too: there the section does not matter.)
#if defined(__riscv)
[[gnu::section(".noinit.kheap")]]
#endif
alignas(kKheapAlign) u8 g_static_arena[kKheapArenaBytes];

struct Heap {
  u8* base = g_static_arena;
  usize size = kKheapArenaBytes;
  usize top = 0;  // the arena's unused end starts at base + top
  Header* free_list[kKheapClasses] = {};
  KheapStats stats = {0, 0, 0, 0, 0, 0, kKheapArenaBytes};
};
Heap g_heap;

// class_bytes(c): the block size of class c: 32, 48, 64, 96, 128, ...
constexpr usize class_bytes(usize c) {
  return c % 2 == 0 ? usize(32) << (c / 2) : usize(48) << (c / 2);
}
static_assert(class_bytes(kKheapClasses - 1) == kKheapMaxBlock);

// class_of(bytes): the smallest class holding `bytes` (header included), computed
// from the top bit (at most 17 shifts: bytes <= 64 KiB), not searched. (No
// __builtin_clz: without Zbb it calls libgcc, which the kernel does not link.)
usize class_of_slow(usize bytes) {
  if (bytes <= kKheapMinBlock) return 0;
  usize bits = 0;  // 2^(bits-1) < bytes <= 2^bits
  for (usize v = bytes - 1; v; v >>= 1) bits++;
  usize power_class = 2 * (bits - 5);                  // class of 2^bits
  return bytes <= (usize(3) << (bits - 2)) ? power_class - 1 : power_class;
}

// Small sizes (coroutine frames, requests) from a table: one load, no loop.
constexpr usize kTableMax = 1024;
struct ClassTable {
  u8 of[kTableMax / kKheapAlign + 1];
};
constexpr ClassTable make_class_table() {
  ClassTable t{};
  for (usize i = 0; i <= kTableMax / kKheapAlign; i++) {
    usize bytes = i * kKheapAlign, c = 0;
    while (class_bytes(c) < bytes) c++;
    t.of[i] = u8(c);
  }
  return t;
}
constexpr ClassTable kClassTable = make_class_table();

usize class_of(usize bytes) {
  if (bytes <= kTableMax) return kClassTable.of[(bytes + kKheapAlign - 1) / kKheapAlign];
  return class_of_slow(bytes);
}

Header* header_of(void* p) { return reinterpret_cast<Header*>(static_cast<u8*>(p) - sizeof(Header)); }

bool in_arena(const void* p) {
  const u8* b = static_cast<const u8*>(p);
  return b >= g_heap.base + sizeof(Header) && b < g_heap.base + g_heap.top &&
         (uptr(b) - uptr(g_heap.base)) % kKheapAlign == 0;
}
}  // namespace

void kheap_init(void* base, usize size) {
  g_heap = Heap{};
  if (base) {
    uptr start = align_up(uptr(base), uptr(kKheapAlign));
    uptr end = align_down(uptr(base) + size, uptr(kKheapAlign));
    g_heap.base = reinterpret_cast<u8*>(start);
    g_heap.size = end > start ? end - start : 0;
    g_heap.stats.capacity = g_heap.size;
  }
}

usize kheap_block_size(usize size) {
  if (size > kKheapMaxBlock - sizeof(Header)) return 0;
  return class_bytes(class_of(size + sizeof(Header)));
}

void* kheap_alloc(usize size) {
  KheapStats& st = g_heap.stats;
  if (size > kKheapMaxBlock - sizeof(Header)) {
    st.failures++;
    return nullptr;
  }
  usize cls = class_of(size + sizeof(Header));
  usize bytes = class_bytes(cls);
  Header* h = g_heap.free_list[cls];
  if (h) {
    g_heap.free_list[cls] = h->next;
  } else {
    if (g_heap.size - g_heap.top < bytes) {
      st.failures++;
      return nullptr;
    }
    h = reinterpret_cast<Header*>(g_heap.base + g_heap.top);
    g_heap.top += bytes;
    st.carved = g_heap.top;
  }
  h->tag = kLiveTag;
  h->cls = u16(cls);
  h->check = u16(cls ^ 0xa5a5);
  h->next = nullptr;
  st.in_use += bytes;
  st.peak = max_of(st.peak, st.in_use);
  st.blocks++;
  return h + 1;
}

Error kheap_free_checked(void* p) {
  if (!p) return Error::ok;
  if (!in_arena(p)) {
    g_heap.stats.bad_frees++;
    return Error::invalid;
  }
  Header* h = header_of(p);
  if (h->tag != kLiveTag || h->cls >= kKheapClasses || h->check != u16(h->cls ^ 0xa5a5)) {
    g_heap.stats.bad_frees++;  // freed already (kFreeTag) or not a block start
    return Error::invalid;
  }
  h->tag = kFreeTag;
  h->next = g_heap.free_list[h->cls];
  g_heap.free_list[h->cls] = h;
  g_heap.stats.in_use -= class_bytes(h->cls);
  g_heap.stats.blocks--;
  return Error::ok;
}

void kheap_free(void* p) {
  if (kheap_free_checked(p) != Error::ok) panic("kheap: bad free of %p (double free or not a block)", p);
}

KheapStats kheap_stats() { return g_heap.stats; }
