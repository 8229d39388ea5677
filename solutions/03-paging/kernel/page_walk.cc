// kernel/page_walk.cc: the Sv39 walk to a 4 KiB page's entry. Layer: kernel/mm.
// Reference solution of the lab 03 hole.
#include "kernel/page_table.hh"

// PageTable::walk(va, create): see kernel/page_table.hh.
Result<u64*> PageTable::walk(u64 va, bool create) {
  if (!valid() || va >= kSv39Top) return Error::invalid;
  u64* table = reinterpret_cast<u64*>(root_);
  for (int level = 2; level > 0; level--) {
    u64* entry = &table[vpn_index(va, level)];
    if (*entry & pte::V) {
      if (*entry & pte::leaf_flags) return Error::exists;  // a huge page covers va
    } else {
      if (!create) return Error::not_found;
      Result<u64> frame = frame_alloc();
      if (!frame.ok()) return frame.error();
      *entry = make_pte(frame.value(), pte::V);
    }
    table = reinterpret_cast<u64*>(pte_address(*entry));
  }
  return &table[vpn_index(va, 0)];
}
