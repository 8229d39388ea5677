// user/lib/heap_test.cc: host unit test of the user heap (heap.cc). Layer: host tests.
// Seeded random allocations and frees, checked against what was handed out: every block
// 16-byte aligned, inside the arena, never overlapping another (each keeps its own
// fill pattern), the stats exact; once all is freed the arena is one block again
// (coalescing). Double frees and foreign pointers end the program with status 4 and a
// "heap error" report, leaving the heap intact. (ASan also guards the free memory.)
#include "user/lib/runtime_test_util.hh"

namespace {
constexpr int kSlots = 64;
struct Allocation {
  u8* p;
  usize size;
  usize block;  // the bytes the block took: its size rounded up, or 16 more (no split)
  u8 fill;
};
Allocation g_live[kSlots];

usize block_bytes(usize size) { return max_of(align_up(size + 16, usize(16)), usize(32)); }

bool intact(const Allocation& a) {
  for (usize i = 0; i < a.size; i++)
    if (a.p[i] != u8(a.fill + i)) return false;
  return true;
}

void check_random(u64 seed) {
  SplitMix64 rng(seed);
  usize in_use = 0, peak = heap_stats().peak, blocks = 0, failures = heap_stats().failures;
  bool all_ok = true;
  for (int step = 0; step < 4000; step++) {
    Allocation& a = g_live[rng.below(kSlots)];
    if (a.p) {
      all_ok &= intact(a);
      heap_free(a.p);
      in_use -= a.block;
      blocks--;
      a.p = nullptr;
      continue;
    }
    usize size = rng.below(8) == 0 ? rng.below(6000) : rng.below(200);
    usize in_use_before = heap_stats().in_use;
    u8* p = static_cast<u8*>(heap_alloc(size));
    if (!p) {
      failures++;
      all_ok &= heap_stats().largest_free < block_bytes(size);  // first fit: no block was big enough
      continue;
    }
    all_ok &= uptr(p) % kHeapAlign == 0 && heap_owns(p) && heap_owns(p + size - (size > 0));
    a = Allocation{p, size, heap_stats().in_use - in_use_before, u8(rng.next())};
    all_ok &= a.block == block_bytes(size) || a.block == block_bytes(size) + 16;
    for (usize i = 0; i < size; i++) p[i] = u8(a.fill + i);
    in_use += a.block;
    blocks++;
    peak = max_of(peak, in_use);
    HeapStats st = heap_stats();
    all_ok &= st.in_use == in_use && st.blocks == blocks && st.peak == peak && st.failures == failures;
  }
  CHECK(all_ok);
  for (Allocation& a : g_live) {
    if (!a.p) continue;
    CHECK(intact(a));
    heap_free(a.p);
    a.p = nullptr;
  }
  HeapStats st = heap_stats();
  CHECK(st.in_use == 0 && st.blocks == 0 && st.largest_free == kHeapArenaBytes && st.capacity == kHeapArenaBytes);
}

void check_edges() {
  void* zero = heap_alloc(0);
  CHECK(zero != nullptr && heap_stats().in_use == 32);
  heap_free(zero);
  heap_free(nullptr);
  usize failures = heap_stats().failures;
  CHECK(heap_alloc(kHeapArenaBytes) == nullptr && heap_alloc(~usize(0) - 8) == nullptr);
  CHECK(heap_stats().failures == failures + 2);
  void* all = heap_alloc(kHeapArenaBytes - 16);  // the whole arena in one block
  CHECK(all != nullptr && heap_alloc(1) == nullptr);
  heap_free(all);
  // Three neighbours freed in the order middle, last, first merge into one.
  void* a = heap_alloc(100);
  void* b = heap_alloc(100);
  void* c = heap_alloc(100);
  heap_free(b);
  heap_free(c);
  heap_free(a);
  CHECK(heap_stats().largest_free == kHeapArenaBytes);
  // heap_free_sized (coroutine frames): the right size takes the fast way back to the
  // cache, the block comes back at the next alloc of that size; a wrong size, a big block
  // or nullptr take heap_free's way; the figures stay exact.
  const usize kSizes[] = {0, 80, 200, 2000};
  for (usize size : kSizes) {
    void* f = heap_alloc(size);
    CHECK(f != nullptr && heap_stats().blocks == 1);
    heap_free_sized(f, size);
    CHECK(heap_stats().in_use == 0 && heap_stats().blocks == 0);
    void* again = heap_alloc(size);
    CHECK(again == f);
    heap_free_sized(again, size + 300);  // not the size it was asked for: the slow way
    CHECK(heap_stats().in_use == 0 && heap_stats().largest_free == kHeapArenaBytes);
  }
  heap_free_sized(nullptr, 80);
}

void check_errors(u64 seed) {
  u8* p = static_cast<u8*>(heap_alloc(64));
  u8* q = static_cast<u8*>(heap_alloc(64));
  u8* r = static_cast<u8*>(heap_alloc(64));
  heap_free(q);
  int local = 0;
  struct Case {
    const char* what;
    void* pointer;
  } cases[] = {
      {"double free", q},
      {"double free", p + 80},  // q again, through its neighbour
      {"did not return", &local},
      {"did not return", p + 8},  // misaligned
      {"did not return", reinterpret_cast<u8*>(g_arena) + kHeapArenaBytes},
  };
  for (const Case& c : cases) {
    HeapStats before = heap_stats();
    CHECK(expect_exit([&] { heap_free(c.pointer); }) == 4);
    CHECK(strncmp(g_host.last_report, "heap error: ", 12) == 0 && strstr(g_host.last_report, c.what));
    HeapStats after = heap_stats();
    CHECK(after.in_use == before.in_use && after.blocks == before.blocks);
  }
  // A pointer into the middle of a live block: its "header" is the caller's data.
  for (int i = 0; i < 64; i++) r[i] = u8(seed >> (i % 8));
  CHECK(expect_exit([&] { heap_free(r + 32); }) == 4);
  heap_free(p);
  heap_free(r);
  CHECK(expect_exit([&] { heap_free(p); }) == 4);  // merged with its free neighbours
  CHECK(strstr(g_host.last_report, "double free") != nullptr);
  CHECK(expect_exit([&] { heap_free(q); }) == 4);  // absorbed into p's block
  CHECK(strstr(g_host.last_report, "double free") != nullptr);
  u8* frame = static_cast<u8*>(heap_alloc(96));
  heap_free_sized(frame, 96);
  CHECK(expect_exit([&] { heap_free_sized(frame, 96); }) == 4);  // a double free, sized
  CHECK(strstr(g_host.last_report, "double free") != nullptr);
  CHECK(heap_alloc(96) == frame);
  heap_free(frame);
  CHECK(heap_stats().in_use == 0 && heap_stats().largest_free == kHeapArenaBytes);
  CHECK(mailbox_current_task() == 0);
}
}  // namespace

int main() {
  return run_seeded("heap_test", [](const Flavour&, u64 seed) {
    host_reset(kFlavours[0]);
    check_random(seed);
    check_edges();
    check_errors(seed);
  }, /*needs_pop=*/false);
}
