// kernel/page_table.hh: Sv39 page tables: three levels of 512 eight-byte entries.
// Layer: kernel/mm. A PageTable is a handle on a root frame; it owns the table frames
// below it and the leaf frames marked pte::owned, all freed by destroy(). It does not
// flush the TLB: whoever changes a live table runs sfence.vma.
#pragma once
#include "kernel/frame_alloc.hh"

// Page-table entry bits (RISC-V privileged spec, 4.3.1 / 4.4.1).
namespace pte {
constexpr u64 V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
constexpr u64 owned = 1 << 8;  // RSW bit: the frame belongs to this table's owner, freed by destroy
constexpr u64 leaf_flags = R | W | X;  // an entry with any of these is a leaf, else it points to a table
constexpr u64 flag_bits = 0x3ff;       // bits 0..9; the PPN starts at bit 10
}  // namespace pte

constexpr u64 kSv39Top = 1ull << 38;  // user/kernel VAs used here are all below this (positive half)
constexpr u64 kHugePageSize = 2ull << 20;  // a level-1 leaf maps 2 MiB
constexpr u64 kPtesPerTable = 512;

// The table frame or leaf frame a PTE points to.
constexpr u64 pte_address(u64 entry) { return ((entry >> 10) & ((1ull << 44) - 1)) << 12; }
// A PTE pointing to physical address pa with the given flag bits.
constexpr u64 make_pte(u64 pa, u64 flags) { return ((pa >> 12) << 10) | flags; }
// The 9-bit index of va in a table of the given level (2 = root, 0 = last).
constexpr u64 vpn_index(u64 va, int level) { return (va >> (12 + 9 * level)) & 511; }

class PageTable {
 public:
  PageTable() = default;
  // create(): a table with one zeroed root frame and nothing mapped.
  static Result<PageTable> create();

  bool valid() const { return root_ != 0; }
  u64 root() const { return root_; }  // the root's physical address
  // satp(asid): the satp value selecting this table: mode 8 (Sv39) | asid<<44 | root>>12.
  u64 satp(u16 asid) const;

  // walk(va, create): the level-0 PTE slot for va; creates intermediate tables when
  // asked. Error::not_found if absent and !create; Error::invalid for va >= kSv39Top;
  // Error::no_memory; Error::exists if a huge (level-1/2) leaf is in the way.
  // (Lab 03 hole: kernel/page_walk.cc.)
  Result<u64*> walk(u64 va, bool create);

  // map(va, pa, flags): map one 4 KiB page. flags are pte bits among R W X U G owned;
  // at least one of R/X, never W without R. Sets V|A|D. va, pa page aligned, else
  // Error::invalid; Error::exists if va is already mapped.
  Error map(u64 va, u64 pa, u64 flags);
  // map_range(va, pa, size, flags): map() page by page over size (rounded up to pages);
  // on failure unmaps what it had mapped (tables it created stay until destroy).
  Error map_range(u64 va, u64 pa, u64 size, u64 flags);
  // map_huge(va, pa, flags): one 2 MiB level-1 leaf (the kernel's direct map). va, pa
  // 2 MiB aligned; same flag rules as map() but pte::owned is refused.
  Error map_huge(u64 va, u64 pa, u64 flags);
  // unmap(va): remove a 4 KiB mapping and return its old pa. The frame is not freed,
  // even with pte::owned: the caller has it now. Error::not_found if va is not mapped,
  // Error::invalid if va is unaligned or inside a huge page.
  Result<u64> unmap(u64 va);
  // translate(va, flags_out): the pa va maps to (any leaf level, offset included), and
  // the leaf's flag bits (0..9) in *flags_out. Error::not_found if unmapped.
  Result<u64> translate(u64 va, u64* flags_out = nullptr) const;

  // destroy(): free every frame whose leaf PTE has pte::owned, then all table frames.
  // Leaves the object invalid; a no-op on an invalid table.
  void destroy();
  // count_table_frames(): the frames the tables use (the root included); 0 if invalid.
  u64 count_table_frames() const;

 private:
  explicit PageTable(u64 root) : root_(root) {}
  u64 root_ = 0;
};
