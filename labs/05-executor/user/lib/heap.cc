// user/lib/heap.cc: the user heap: first fit, address-ordered free list, coalescing,
// and in front of it a small cache of recently freed small blocks (coroutine frames come
// and go in the same few sizes: an exact-size hit costs a few instructions, not a list
// walk). Cached blocks are free to everyone: heap_stats and a failing heap_alloc hand
// them back to the list first, so the figures and the merging are as without a cache.
// Layer: user/lib. Every entry runs in runtime mode (user/lib/preempt.hh): a timeout
// never interrupts it halfway, so tasks of one AS can share it without a lock.
#include "user/lib/heap.hh"
#include "user/lib/preempt.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

// Under AddressSanitizer (host tests only) free memory is poisoned, so a use of a freed
// coroutine frame is caught where it happens.
#if defined(__SANITIZE_ADDRESS__)
extern "C" void __asan_poison_memory_region(const volatile void*, size_t);
extern "C" void __asan_unpoison_memory_region(const volatile void*, size_t);
extern "C" int __asan_address_is_poisoned(const volatile void*);
#define HEAP_POISON(p, n) __asan_poison_memory_region((p), (n))
#define HEAP_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#define HEAP_IS_POISONED(p) __asan_address_is_poisoned(p)
#else
#define HEAP_POISON(p, n) ((void)0)
#define HEAP_UNPOISON(p, n) ((void)0)
#define HEAP_IS_POISONED(p) 0
#endif

// The arena. (GCC emits a file's variables last to first: so it lies after the heap's
// other globals, which user/user.ld puts right after everyone else's, near gp.)
alignas(kHeapAlign) u8 g_heap_arena[kHeapArenaBytes];

namespace {
u8* const g_arena = g_heap_arena;

// Block: the header before every block, live or free. 16 bytes, so payloads stay aligned.
struct Block {
  u32 size;     // the whole block in bytes, header included; a multiple of 16
  u32 tag;      // block_tag(this, kUsed or kFree); kAbsorbed once merged into a neighbour
  Block* next;  // free blocks: the next free block, by address (nullptr: the last)
};
static_assert(sizeof(Block) == kHeapAlign);

constexpr u32 kUsed = 0x55534544, kFree = 0x46524545, kAbsorbed = 0xdeadf4ee, kCached = 0x43414348;
constexpr u32 kMinBlock = 2 * sizeof(Block);  // a header and 16 bytes of payload

constexpr u32 kCacheMaxBlock = 1024;  // the biggest block worth caching (header included)
constexpr usize kCacheBins = kCacheMaxBlock / kHeapAlign + 1;  // one LIFO list per exact size

Block* g_free_head;  // the free list, lowest address first
Block* g_cache[kCacheBins];  // freed small blocks of size 16 * i, tagged kCached, linked by next
bool g_ready;
HeapStats g_stats;

// block_tag(b, kind): kind mixed with the block's size and address, so stale data or
// a pointer into the middle of a block rarely looks like a header.
u32 block_tag(const Block* b, u32 kind) { return kind ^ b->size ^ u32(uptr(b)); }

u8* block_end(Block* b) { return reinterpret_cast<u8*>(b) + b->size; }

void heap_init() {
  g_free_head = reinterpret_cast<Block*>(g_arena);
  g_free_head->size = kHeapArenaBytes;
  g_free_head->next = nullptr;
  g_free_head->tag = block_tag(g_free_head, kFree);
  HEAP_POISON(g_arena + sizeof(Block), kHeapArenaBytes - sizeof(Block));
  g_stats.capacity = kHeapArenaBytes;
  g_ready = true;
}

[[noreturn, gnu::cold, gnu::noinline]] void heap_fail(const char* what, const void* p) {
  ureport("heap error: %s p=%p", what, p);
  sys_exit(4);
}

// live_block(p): the header of the live block p points at; ends the program otherwise.
inline Block* live_block(void* p) {
  u8* at = static_cast<u8*>(p);
  if (at < g_arena + sizeof(Block) || at >= g_arena + kHeapArenaBytes || (at - g_arena) % kHeapAlign)
    heap_fail("free of a pointer heap_alloc did not return", p);
  Block* b = reinterpret_cast<Block*>(at) - 1;
  if (HEAP_IS_POISONED(b)) heap_fail("double free (p is in free memory)", p);
  if (b->tag == block_tag(b, kUsed) && b->size >= kMinBlock && b->size % kHeapAlign == 0 &&
      b->size <= usize(g_arena + kHeapArenaBytes - reinterpret_cast<u8*>(b)))
    return b;  // the common case, checked first
  if (b->tag == block_tag(b, kFree) || b->tag == block_tag(b, kCached) || b->tag == kAbsorbed)
    heap_fail("double free", p);
  heap_fail("free of a pointer heap_alloc did not return (or a smashed header)", p);
}
}  // namespace

namespace {
bool drain_cache();

// make_live(b): block b, just taken off the list or the cache, becomes live.
void* make_live(Block* b) {
  b->tag = block_tag(b, kUsed);
  HEAP_UNPOISON(b + 1, b->size - sizeof(Block));
  g_stats.in_use += b->size;
  g_stats.peak = max_of(g_stats.peak, g_stats.in_use);
  g_stats.blocks++;
  return b + 1;
}

// list_alloc(need): first fit on the free list; nullptr if no block is big enough.
void* list_alloc(u32 need) {
  for (Block** link = &g_free_head; *link; link = &(*link)->next) {
    Block* b = *link;
    if (b->size < need) continue;
    if (b->size - need >= kMinBlock) {  // split: the tail stays free, in b's place
      Block* rest = reinterpret_cast<Block*>(reinterpret_cast<u8*>(b) + need);
      HEAP_UNPOISON(rest, sizeof(Block));
      rest->size = b->size - need;
      rest->next = b->next;
      rest->tag = block_tag(rest, kFree);
      *link = rest;
      b->size = need;
    } else {
      *link = b->next;
    }
    return make_live(b);
  }
  return nullptr;
}

// block_size_for(size): the block heap_alloc carves for size bytes (header included).
inline u32 block_size_for(usize size) {
  return u32(max_of(align_up(size + sizeof(Block), kHeapAlign), usize(kMinBlock)));
}

// heap_alloc_slow(size): everything but a cache hit.
[[gnu::noinline]] void* heap_alloc_slow(usize size) {
  NoPreempt runtime_mode;
  if (!g_ready) heap_init();
  if (size > kHeapArenaBytes - sizeof(Block)) {
    g_stats.failures++;
    return nullptr;
  }
  u32 need = block_size_for(size);
  if (void* p = list_alloc(need)) return p;
  if (drain_cache()) {
    if (void* p = list_alloc(need)) return p;
  }
  g_stats.failures++;
  return nullptr;
}
}  // namespace

// heap_alloc: an exact fit from the cache (the most recently freed block of that size) is
// the fast path, with no call and no stack frame; the rest is heap_alloc_slow.
void* heap_alloc(usize size) {
  if (size <= kCacheMaxBlock - sizeof(Block)) {
    u32 saved = preempt_off();
    Block*& bin = g_cache[block_size_for(size) / kHeapAlign];
    if (Block* b = bin) {
      bin = b->next;
      void* p = make_live(b);
      preempt_restore(saved);
      return p;
    }
    preempt_restore(saved);
  }
  return heap_alloc_slow(size);
}

namespace {
// list_free(b): put block b (no longer live) on the free list, merging with neighbours.
void list_free(Block* b) {
  Block* prev = nullptr;
  Block* next = g_free_head;
  while (next && next < b) {
    prev = next;
    next = next->next;
  }
  if ((prev && block_end(prev) > reinterpret_cast<u8*>(b)) || (next && block_end(b) > reinterpret_cast<u8*>(next)))
    heap_fail("free list corrupt (a block overlaps a free one)", b + 1);
  b->next = next;
  b->tag = block_tag(b, kFree);
  (prev ? prev->next : g_free_head) = b;
  HEAP_POISON(b + 1, b->size - sizeof(Block));
  if (next && block_end(b) == reinterpret_cast<u8*>(next)) {  // merge the next block into b
    b->size += next->size;
    b->next = next->next;
    b->tag = block_tag(b, kFree);
    next->tag = kAbsorbed;
    HEAP_POISON(next, sizeof(Block));
  }
  if (prev && block_end(prev) == reinterpret_cast<u8*>(b)) {  // merge b into the previous one
    prev->size += b->size;
    prev->next = b->next;
    prev->tag = block_tag(prev, kFree);
    b->tag = kAbsorbed;
    HEAP_POISON(b, sizeof(Block));
  }
}

// drain_cache(): every cached block back to the free list; false if there was none.
bool drain_cache() {
  bool any = false;
  for (usize i = 0; i < kCacheBins; i++) {
    while (Block* b = g_cache[i]) {
      g_cache[i] = b->next;
      list_free(b);
      any = true;
    }
  }
  return any;
}

// give_back(b): live block b is free again: a small one to the front of its size's
// cache bin, a big one to the free list.
inline void give_back(Block* b) {
  g_stats.in_use -= b->size;
  g_stats.blocks--;
  if (b->size > kCacheMaxBlock) {
    list_free(b);
    return;
  }
  Block*& bin = g_cache[b->size / kHeapAlign];
  b->tag = block_tag(b, kCached);
  b->next = bin;
  bin = b;
  HEAP_POISON(b + 1, b->size - sizeof(Block));
}
}  // namespace

// heap_free: a small block goes to the cache, with no call and no stack frame (a block
// is live only once heap_alloc has run, so the heap is initialised by then).
void heap_free(void* p) {
  if (!p) return;
  u32 saved = preempt_off();
  give_back(live_block(p));
  preempt_restore(saved);
}

// heap_free_sized: the caller says how many bytes it asked for (a coroutine frame's
// operator delete does), so a block of exactly that size with a live tag goes to the
// cache without heap_free's range checks. Anything else takes heap_free's path, which
// reports what is wrong (a double free finds the cache's tag, not a live one).
void heap_free_sized(void* p, usize size) {
  if (p && size <= kCacheMaxBlock - sizeof(Block)) {
    u32 saved = preempt_off();
    Block* b = static_cast<Block*>(p) - 1;
    if (b->size == block_size_for(size) && b->tag == block_tag(b, kUsed)) {
      give_back(b);
      preempt_restore(saved);
      return;
    }
    preempt_restore(saved);
  }
  heap_free(p);
}

HeapStats heap_stats() {
  NoPreempt runtime_mode;
  if (!g_ready) heap_init();
  drain_cache();
  HeapStats s = g_stats;
  s.largest_free = 0;
  for (Block* b = g_free_head; b; b = b->next) s.largest_free = max_of(s.largest_free, usize(b->size));
  return s;
}

