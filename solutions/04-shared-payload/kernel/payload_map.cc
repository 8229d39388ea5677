// kernel/payload_map.cc: mapping the payload into a page table. Layer: kernel/sched.
// (Reference solution.)
#include "kernel/payload.hh"

Error payload_map_into(PageTable& table, const PayloadImage& image, bool for_user) {
  const PayloadHeader& h = image.header;
  for (u64 i = 0; i < image.pages; i++) {
    u64 va = kPayloadBase + i * kPageSize;
    u64 flags;
    if (va < h.rodata_end) flags = pte::R;
    else if (va >= h.text_start && va < h.text_end) flags = for_user ? pte::X : pte::R | pte::X;
    else if (va >= h.data_start && va < h.end) flags = pte::R | pte::W;
    else continue;  // a gap between sections: leave it unmapped
    if (for_user) flags |= pte::U;
    TRY_ERROR(table.map(va, image.frames[i], flags));
  }
  return Error::ok;
}
