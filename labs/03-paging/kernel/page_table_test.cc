// kernel/page_table_test.cc: host unit test of the frame allocator (kernel/frame_alloc.cc)
// and the Sv39 page tables (kernel/page_table.cc with your kernel/page_walk.cc), under
// AddressSanitizer. "Physical memory" is a static buffer; its addresses are the PAs.
// Without a walk the page-table part is skipped (the frame allocator is still tested).
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_check.hh"
#include "kernel/frame_alloc.cc"
#include "kernel/page_table.cc"
#include "kernel/page_walk.cc"
#include "lib/error.cc"
#include "lib/random.hh"

// panic(): abort, unless a test expects it (then jump back to the test).
static jmp_buf g_panic_jump;
static bool g_expect_panic;
void panic(const char* fmt, ...) {
  if (g_expect_panic) {
    g_expect_panic = false;
    longjmp(g_panic_jump, 1);
  }
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "panic: ");
  vfprintf(stderr, fmt, args);
  fprintf(stderr, "\n");
  va_end(args);
  abort();
}
#define EXPECT_PANIC(stmt)                     \
  do {                                         \
    g_expect_panic = true;                     \
    if (setjmp(g_panic_jump) == 0) {           \
      stmt;                                    \
      g_expect_panic = false;                  \
      CHECK(!"expected a panic: " #stmt);      \
    }                                          \
  } while (0)

constexpr u64 kRamSize = 8 << 20;
alignas(4096) static u8 g_ram[kRamSize];
static u64 ram() { return reinterpret_cast<uptr>(g_ram); }

static bool all_bytes(u64 pa, u64 from, u64 to, u8 value) {
  const u8* p = reinterpret_cast<const u8*>(pa);
  for (u64 i = from; i < to; i++)
    if (p[i] != value) return false;
  return true;
}

static void test_frame_alloc() {
  // Rounded inward; the bitmap takes the first frame.
  frame_alloc_init(ram() + 100, ram() + 20 * kPageSize + 5);
  CHECK(frames_total() == 18 && frames_free() == 18);
  u64 frames[18];
  for (int i = 0; i < 18; i++) {
    Result<u64> f = frame_alloc();
    CHECK(f.ok());
    frames[i] = f.value_or(0);
    CHECK(frames[i] >= ram() + 2 * kPageSize && frames[i] < ram() + 20 * kPageSize && frames[i] % kPageSize == 0);
    CHECK(all_bytes(frames[i], 0, kPageSize, 0));
    memset(reinterpret_cast<void*>(frames[i]), 0xee, kPageSize);
  }
  CHECK(frames[0] == ram() + 2 * kPageSize);  // lowest first
  for (int i = 0; i < 18; i++)
    for (int j = 0; j < i; j++) CHECK(frames[i] != frames[j]);
  CHECK(frame_alloc().error() == Error::no_memory && frames_free() == 0);
  frame_free(frames[3]);
  CHECK(frames_free() == 1);
  CHECK(all_bytes(frames[3], 8, kPageSize, 0x5a));  // poisoned but for the link word
  Result<u64> again = frame_alloc();
  CHECK(again.ok() && again.value() == frames[3] && all_bytes(frames[3], 0, kPageSize, 0));
  for (int i = 0; i < 18; i++) frame_free(frames[i]);
  CHECK(frames_free() == 18);
  // Bad frees panic.
  EXPECT_PANIC(frame_free(frames[5]));                 // double free
  EXPECT_PANIC(frame_free(frames[5] + 8));             // unaligned
  EXPECT_PANIC(frame_free(ram() + kPageSize));         // the bitmap's frame
  EXPECT_PANIC(frame_free(ram() + 20 * kPageSize));    // past the end
  EXPECT_PANIC(frame_free(0));
  CHECK(frames_free() == 18);
  // A write after free that smashes a link is caught when the list reaches it.
  Result<u64> a = frame_alloc(), b = frame_alloc();
  frame_free(b.value());
  frame_free(a.value());  // list: a -> b -> ...
  *reinterpret_cast<u64*>(a.value()) = 0x1234;
  EXPECT_PANIC(frame_alloc());
  // Degenerate ranges manage nothing.
  frame_alloc_init(ram(), ram() + kPageSize);
  CHECK(frames_total() == 0 && frame_alloc().error() == Error::no_memory);
  frame_alloc_init(ram() + 10, ram() + 4000);
  CHECK(frames_total() == 0);
  // The whole buffer: 2048 pages, one bitmap frame.
  frame_alloc_init(ram(), ram() + kRamSize);
  CHECK(frames_total() == kRamSize / kPageSize - 1);
}

// Entries that point to tables carry V alone (A, D and U are reserved there).
static bool pointers_clean(u64 table, int level) {
  const u64* entries = reinterpret_cast<const u64*>(table);
  for (u64 i = 0; i < kPtesPerTable; i++) {
    u64 e = entries[i];
    if (!(e & pte::V) || (e & pte::leaf_flags)) continue;
    if ((e & pte::flag_bits) != pte::V || level == 0 || !pointers_clean(pte_address(e), level - 1)) return false;
  }
  return true;
}

// One mapping the test made and expects to find.
struct Mapping {
  u64 va, pa, flags;
  bool mapped;
};

static void test_page_table() {
  frame_alloc_init(ram(), ram() + kRamSize);
  const u64 start = frames_free();
  CHECK(!PageTable().valid() && PageTable().count_table_frames() == 0);
  Result<PageTable> created = PageTable::create();
  CHECK(created.ok());
  PageTable table = created.value();
  CHECK(table.valid() && table.count_table_frames() == 1 && frames_free() == start - 1);
  CHECK(table.satp(5) == ((8ull << 60) | (5ull << 44) | (table.root() >> 12)));
  CHECK(table.walk(0x1000, false).error() == Error::not_found);
  CHECK(table.walk(kSv39Top, true).error() == Error::invalid);
  CHECK(frames_free() == start - 1);  // a failed lookup allocates nothing

  // Flag and alignment rules.
  CHECK(table.map(0x1000, 0x2000, 0) == Error::invalid);
  CHECK(table.map(0x1000, 0x2000, pte::W) == Error::invalid);
  CHECK(table.map(0x1000, 0x2000, pte::W | pte::X) == Error::invalid);
  CHECK(table.map(0x1000, 0x2000, pte::U) == Error::invalid);
  CHECK(table.map(0x1000, 0x2000, pte::R | (1ull << 9)) == Error::invalid);
  CHECK(table.map(0x1001, 0x2000, pte::R) == Error::invalid);
  CHECK(table.map(0x1000, 0x2008, pte::R) == Error::invalid);
  CHECK(table.map(kSv39Top, 0x2000, pte::R) == Error::invalid);
  CHECK(table.map(0x1000, 1ull << 56, pte::R) == Error::invalid);
  CHECK(table.count_table_frames() == 1);

  // Seeded random pages: scattered over the whole space, and clustered so that
  // tables are shared. Non-owned PAs need not be real memory: nothing touches them.
  SplitMix64 rng(0x5339);
  static Mapping maps[400];
  const u64 flag_choices[] = {pte::R, pte::X, pte::R | pte::W, pte::R | pte::X, pte::R | pte::W | pte::U,
                              pte::R | pte::X | pte::U, pte::R | pte::G};
  int n = 0;
  while (n < 400) {
    u64 va = n < 150 ? rng.below(kSv39Top / kPageSize) * kPageSize
                     : 0x40000000 + rng.below(3 * 512 * 4) * kPageSize;  // ~3 level-0 tables' worth, 2 GiB up
    u64 top = vpn_index(va, 2);
    if (top == 0 || top == 2 || top == 192) continue;  // kept free for the tests below
    bool dup = false;
    for (int i = 0; i < n; i++) dup |= maps[i].va == va;
    if (dup) continue;
    maps[n] = Mapping{va, rng.below(1ull << 44) * kPageSize, flag_choices[rng.below(ARRAY_SIZE(flag_choices))], true};
    CHECK(table.map(maps[n].va, maps[n].pa, maps[n].flags) == Error::ok);
    n++;
  }
  // The tables: the root, one level-1 table per distinct VPN[2], one level-0 per (VPN[2], VPN[1]).
  auto count_expected = [&]() {
    u64 l1 = 0, l0 = 0;
    for (int i = 0; i < n; i++) {
      bool new1 = true, new0 = true;
      for (int j = 0; j < i; j++) {
        if (vpn_index(maps[j].va, 2) == vpn_index(maps[i].va, 2)) {
          new1 = false;
          if (vpn_index(maps[j].va, 1) == vpn_index(maps[i].va, 1)) new0 = false;
        }
      }
      l1 += new1, l0 += new0;
    }
    return 1 + l1 + l0;
  };
  const u64 tables = count_expected();
  CHECK(table.count_table_frames() == tables && frames_free() == start - tables);
  CHECK(pointers_clean(table.root(), 2));
  for (int i = 0; i < n; i++) {
    u64 flags = 0;
    u64 offset = rng.below(kPageSize);
    Result<u64> pa = table.translate(maps[i].va + offset, &flags);
    CHECK(pa.ok() && pa.value() == maps[i].pa + offset);
    CHECK(flags == (maps[i].flags | pte::V | pte::A | pte::D));
    CHECK(table.map(maps[i].va, 0x1000, pte::R) == Error::exists);
    Result<u64*> slot = table.walk(maps[i].va, false);
    CHECK(slot.ok() && pte_address(*slot.value()) == maps[i].pa);
  }
  // Unmap half; the rest stays.
  for (int i = 0; i < n; i += 2) {
    Result<u64> old = table.unmap(maps[i].va);
    CHECK(old.ok() && old.value() == maps[i].pa);
    maps[i].mapped = false;
    CHECK(table.unmap(maps[i].va).error() == Error::not_found);
  }
  for (int i = 0; i < n; i++) {
    Result<u64> pa = table.translate(maps[i].va);
    CHECK(maps[i].mapped ? pa.ok() && pa.value() == maps[i].pa : pa.error() == Error::not_found);
  }
  CHECK(table.unmap(maps[1].va + 8).error() == Error::invalid);
  CHECK(table.count_table_frames() == tables);  // tables stay until destroy
  CHECK(table.map(maps[0].va, maps[0].pa, pte::R) == Error::ok);

  // Huge pages: 2 MiB leaves, translated at any offset; 4 KiB maps inside are refused.
  const u64 huge_va = 0x80000000, huge_pa = 0x80200000;  // VPN[2] = 2: no table yet
  CHECK(table.map_huge(huge_va + kPageSize, huge_pa, pte::R) == Error::invalid);
  CHECK(table.map_huge(huge_va, huge_pa + kPageSize, pte::R) == Error::invalid);
  CHECK(table.map_huge(huge_va, huge_pa, pte::R | pte::owned) == Error::invalid);
  CHECK(table.map_huge(huge_va, huge_pa, pte::W) == Error::invalid);
  u64 before = table.count_table_frames();
  CHECK(table.map_huge(huge_va, huge_pa, pte::R | pte::W | pte::G) == Error::ok);
  CHECK(table.map_huge(huge_va + kHugePageSize, huge_pa + kHugePageSize, pte::R | pte::X) == Error::ok);
  CHECK(table.count_table_frames() == before + 1);  // one level-1 table for both
  for (int i = 0; i < 50; i++) {
    u64 offset = rng.below(2 * kHugePageSize), flags = 0;
    Result<u64> pa = table.translate(huge_va + offset, &flags);
    CHECK(pa.ok() && pa.value() == huge_pa + offset);
    CHECK(flags == ((offset < kHugePageSize ? pte::R | pte::W | pte::G : pte::R | pte::X) | pte::V | pte::A | pte::D));
  }
  CHECK(table.map_huge(huge_va, huge_pa, pte::R) == Error::exists);
  CHECK(table.map(huge_va + 5 * kPageSize, 0x1000, pte::R) == Error::exists);
  CHECK(table.walk(huge_va + 5 * kPageSize, true).error() == Error::exists);
  CHECK(table.unmap(huge_va).error() == Error::invalid);
  CHECK(table.translate(huge_va + 2 * kHugePageSize).error() == Error::not_found);
  // A 2 MiB region that already has a level-0 table cannot take a huge leaf.
  CHECK(table.map_huge(align_down(maps[1].va, kHugePageSize), 0, pte::R) == Error::exists);

  // map_range: all or nothing.
  const u64 range_va = 0x20000000;
  CHECK(table.map(range_va + 6 * kPageSize, 0x6000, pte::R) == Error::ok);
  CHECK(table.map_range(range_va, 0x100000, 10 * kPageSize, pte::R | pte::W) == Error::exists);
  for (u64 i = 0; i < 10; i++)
    CHECK(i == 6 ? table.translate(range_va + i * kPageSize).value_or(0) == 0x6000
                 : table.translate(range_va + i * kPageSize).error() == Error::not_found);
  CHECK(table.map_range(range_va + 7 * kPageSize, 0x100000, 5 * kPageSize + 1, pte::R | pte::W) == Error::ok);
  for (u64 i = 7; i < 13; i++) CHECK(table.translate(range_va + i * kPageSize).value_or(0) == 0x100000 + (i - 7) * kPageSize);
  CHECK(table.translate(range_va + 13 * kPageSize).error() == Error::not_found);
  CHECK(table.map_range(kSv39Top - kPageSize, 0, 2 * kPageSize, pte::R) == Error::invalid);
  CHECK(table.map_range(0, 0, ~0ull, pte::R) == Error::invalid);

  // Owned frames go back with the tables; frames mapped without pte::owned do not.
  u64 owned[20], borrowed = frame_alloc().value_or(0);
  for (u64 i = 0; i < 20; i++) {
    owned[i] = frame_alloc().value_or(0);
    memset(reinterpret_cast<void*>(owned[i]), int(i), kPageSize);
    CHECK(table.map(0x3000000000 + i * kPageSize, owned[i], pte::R | pte::W | pte::U | pte::owned) == Error::ok);
  }
  CHECK(table.map(0x3000100000, borrowed, pte::R) == Error::ok);
  CHECK(table.translate(0x3000000000 + 7 * kPageSize + 3).value_or(0) == owned[7] + 3);
  CHECK(*reinterpret_cast<u8*>(table.translate(0x3000000000 + 9 * kPageSize).value_or(ram())) == 9);
  table.destroy();
  CHECK(!table.valid() && table.count_table_frames() == 0);
  CHECK(frames_free() == start - 1);  // all but `borrowed`
  CHECK(all_bytes(owned[4], 8, kPageSize, 0x5a));
  frame_free(borrowed);
  CHECK(frames_free() == start);
  table.destroy();  // no-op
  EXPECT_PANIC(frame_free(owned[0]));  // destroy really freed it

  // Running out of memory: errors, no leaks, and destroy still gives everything back.
  frame_alloc_init(ram(), ram() + 6 * kPageSize);  // 5 frames
  PageTable small = PageTable::create().value();
  CHECK(small.map(0x1000, 0x1000, pte::R) == Error::ok);        // 2 tables
  CHECK(small.map(0x40000000, 0x1000, pte::R) == Error::ok);    // 2 more: none left
  CHECK(small.map(0x80000000, 0x1000, pte::R) == Error::no_memory);
  CHECK(small.map_huge(0x80000000, 0, pte::R) == Error::no_memory);
  CHECK(small.map(0x2000, 0x2000, pte::R) == Error::ok);        // no new table needed
  CHECK(PageTable::create().error() == Error::no_memory);
  small.destroy();
  CHECK(frames_free() == 5);
}

int main() {
  test_frame_alloc();
  frame_alloc_init(ram(), ram() + kRamSize);
  PageTable probe = PageTable::create().value();
  Error walk = probe.walk(0x1000, true).error();
  probe.destroy();
  if (walk == Error::not_implemented) {
    printf("page_table_test: skipped: page_walk not implemented (frame allocator tested)\n");
    return host_check_summary("page_table_test (frame_alloc only)");
  }
  test_page_table();
  return host_check_summary("page_table_test");
}
