// kernel/page_walk.cc: the Sv39 walk to a 4 KiB page's entry. Layer: kernel/mm.
// Lab 03 hole: see labs/03-paging/README.md, task "walk".
#include "kernel/page_table.hh"

// PageTable::walk(va, create): see kernel/page_table.hh.
Result<u64*> PageTable::walk(u64 va, bool create) {
  // TODO(lab03): walk the three levels from the root (root_) down to the level-0 entry
  // of va, and return a pointer to that entry (mapped or not).
  //  - va >= kSv39Top, or no root (!valid()): Error::invalid.
  //  - va's page number is three 9-bit indices: VPN[2] = bits 38..30 picks the entry of
  //    the root, VPN[1] = bits 29..21 the entry of the level-1 table, VPN[0] = bits
  //    20..12 the entry of the level-0 table (vpn_index(va, level) computes them).
  //  - At levels 2 and 1, an entry with V set and none of R/W/X points to the next
  //    table, whose physical address is (pte >> 10) << 12 (pte_address()); physical
  //    addresses are usable as pointers. An entry with R, W or X is a leaf (a 1 GiB or
  //    2 MiB huge page) that covers va: Error::exists.
  //  - An entry without V: if !create, Error::not_found; else take a zeroed frame
  //    (frame_alloc(), pass on its error) and make the entry point to it: V only,
  //    no R/W/X/A/D/U (make_pte()).
  (void)va;
  (void)create;
  return Error::not_implemented;
}
