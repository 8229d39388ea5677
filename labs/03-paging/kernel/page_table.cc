// kernel/page_table.cc: Sv39 page tables: mapping, translating, tearing down.
// Layer: kernel/mm. The walk that finds (and grows) the path to a 4 KiB slot is the lab
// 03 hole, alone in kernel/page_walk.cc; everything that needs a level-0 slot goes
// through it. translate() reads the tree itself because it must stop at any leaf level.
#include "kernel/page_table.hh"
#include "kernel/panic.hh"

namespace {

constexpr u64 kMaxPhysical = 1ull << 56;  // Sv39 physical addresses have 56 bits
constexpr u64 kMapFlags = pte::R | pte::W | pte::X | pte::U | pte::G | pte::owned;

u64* table_at(u64 pa) { return reinterpret_cast<u64*>(pa); }
bool is_leaf(u64 entry) { return (entry & pte::leaf_flags) != 0; }

// The permission rules every new leaf obeys: only known bits, R or X, no W without R.
bool flags_ok(u64 flags) {
  if (flags & ~kMapFlags) return false;
  if (!(flags & (pte::R | pte::X))) return false;
  if ((flags & pte::W) && !(flags & pte::R)) return false;
  return true;
}

// free_tables(pa, level): free the table at pa, the tables below it, and the owned
// 4 KiB frames its level-0 tables map.
void free_tables(u64 pa, int level) {
  u64* table = table_at(pa);
  for (u64 i = 0; i < kPtesPerTable; i++) {
    // Tables are mostly empty: skip eight empty entries at a time.
    if (i % 8 == 0 && (table[i] | table[i + 1] | table[i + 2] | table[i + 3] | table[i + 4] | table[i + 5] |
                       table[i + 6] | table[i + 7]) == 0) {
      i += 7;
      continue;
    }
    u64 entry = table[i];
    if (!(entry & pte::V)) continue;
    if (!is_leaf(entry)) {
      KASSERT(level > 0);  // a level-0 entry without R/W/X is malformed
      free_tables(pte_address(entry), level - 1);
    } else if (level == 0 && (entry & pte::owned)) {
      frame_free(pte_address(entry));
    }
  }
  frame_free(pa);
}

u64 count_tables(u64 pa, int level) {
  u64 count = 1;
  const u64* table = table_at(pa);
  if (level == 0) return count;
  for (u64 i = 0; i < kPtesPerTable; i++)
    if ((table[i] & pte::V) && !is_leaf(table[i])) count += count_tables(pte_address(table[i]), level - 1);
  return count;
}

}  // namespace

Result<PageTable> PageTable::create() {
  Result<u64> root = frame_alloc();
  if (!root.ok()) return root.error();
  return PageTable(root.value());
}

u64 PageTable::satp(u16 asid) const {
  KASSERT(valid());
  return (8ull << 60) | (u64(asid) << 44) | (root_ >> 12);
}

Error PageTable::map(u64 va, u64 pa, u64 flags) {
  if (!valid() || va % kPageSize || pa % kPageSize || pa >= kMaxPhysical || !flags_ok(flags))
    return Error::invalid;
  Result<u64*> slot = walk(va, true);
  if (!slot.ok()) return slot.error();
  if (*slot.value() & pte::V) return Error::exists;
  *slot.value() = make_pte(pa, flags | pte::V | pte::A | pte::D);
  return Error::ok;
}

Error PageTable::map_range(u64 va, u64 pa, u64 size, u64 flags) {
  if (size > ~0ull - kPageSize) return Error::invalid;
  size = align_up(size, kPageSize);
  if (va > kSv39Top || size > kSv39Top - va || pa > kMaxPhysical || size > kMaxPhysical - pa)
    return Error::invalid;
  for (u64 done = 0; done < size; done += kPageSize) {
    Error e = map(va + done, pa + done, flags);
    if (e != Error::ok) {
      for (u64 undo = 0; undo < done; undo += kPageSize) KASSERT(unmap(va + undo).ok());
      return e;
    }
  }
  return Error::ok;
}

Error PageTable::map_huge(u64 va, u64 pa, u64 flags) {
  if (!valid() || va % kHugePageSize || pa % kHugePageSize || va >= kSv39Top || pa >= kMaxPhysical ||
      (flags & pte::owned) || !flags_ok(flags))
    return Error::invalid;
  u64* top = &table_at(root_)[vpn_index(va, 2)];
  if ((*top & pte::V) && is_leaf(*top)) return Error::exists;  // inside a 1 GiB leaf
  if (!(*top & pte::V)) {
    Result<u64> table = frame_alloc();
    if (!table.ok()) return table.error();
    *top = make_pte(table.value(), pte::V);
  }
  u64* slot = &table_at(pte_address(*top))[vpn_index(va, 1)];
  if (*slot & pte::V) return Error::exists;  // a huge leaf, or a table of 4 KiB pages
  *slot = make_pte(pa, flags | pte::V | pte::A | pte::D);
  return Error::ok;
}

Result<u64> PageTable::unmap(u64 va) {
  if (!valid() || va % kPageSize) return Error::invalid;
  Result<u64*> slot = walk(va, false);
  if (!slot.ok()) return slot.error() == Error::exists ? Error::invalid : slot.error();
  u64 entry = *slot.value();
  if (!(entry & pte::V)) return Error::not_found;
  *slot.value() = 0;
  return pte_address(entry);
}

Result<u64> PageTable::translate(u64 va, u64* flags_out) const {
  if (!valid() || va >= kSv39Top) return Error::not_found;
  u64 table = root_;
  for (int level = 2; level >= 0; level--) {
    u64 entry = table_at(table)[vpn_index(va, level)];
    if (!(entry & pte::V)) return Error::not_found;
    if (is_leaf(entry)) {
      u64 span = kPageSize << (9 * level);  // 4 KiB, 2 MiB or 1 GiB
      if (flags_out) *flags_out = entry & pte::flag_bits;
      return pte_address(entry) + (va & (span - 1));
    }
    if (level == 0) return Error::not_found;  // malformed: a level-0 entry must be a leaf
    table = pte_address(entry);
  }
  return Error::not_found;
}

void PageTable::destroy() {
  if (!valid()) return;
  free_tables(root_, 2);
  root_ = 0;
}

u64 PageTable::count_table_frames() const { return valid() ? count_tables(root_, 2) : 0; }
