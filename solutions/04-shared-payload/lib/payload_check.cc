// lib/payload_check.cc: validation of a payload image's header (see payload_check.hh).
// Layer: lib. Pure: no allocation, no globals, no kernel symbols; host-testable. (Reference solution.)
#include "lib/payload_check.hh"

namespace {

constexpr PayloadCheck refuse(const char* reason) { return {false, reason}; }

constexpr bool page_aligned(u64 a) { return (a & (kPayloadPageSize - 1)) == 0; }

// in_image(a, base, size): a lies in [base, base + size] (one past the end allowed).
constexpr bool in_image(u64 a, u64 base, u64 size) { return a >= base && a - base <= size; }

const char* const kEntryOutsideText[kPayloadEntryCount] = {
    "entry init outside text",           "entry add_task outside text",
    "entry pop_task outside text",       "entry set_task_state outside text",
    "entry remove_task outside text",    "entry stats outside text",
    "entry count_in_as outside text",
};

}  // namespace

PayloadCheck payload_check_header(const void* image, u64 size, u64 load_base, u16 required_minor) {
  if (!image) return refuse("no image");
  if (size < sizeof(PayloadHeader)) return refuse("image smaller than the header");
  if (size > kPayloadMaxSize) return refuse("image larger than kPayloadMaxSize");
  if (!page_aligned(load_base) || load_base + size < load_base)
    return refuse("load base not page-aligned or image wraps around");

  PayloadHeader h;  // a copy: the image may be unaligned, and is read only once
  __builtin_memcpy(&h, image, sizeof h);

  if (h.magic != kPayloadMagic) return refuse("bad magic (not a Squall payload)");
  if (h.abi_major != kPayloadAbiMajor) return refuse("ABI major version differs");
  if (h.abi_minor < required_minor) return refuse("ABI minor version older than required");
  if (h.header_size < sizeof(PayloadHeader)) return refuse("header size too small");
  if (h.header_size > size) return refuse("header size larger than the image");
  if (h.entry_count < kPayloadEntryCount) return refuse("entry table too short");
  if (u64(h.entry_count) * sizeof(u64) > h.header_size - __builtin_offsetof(PayloadHeader, entries))
    return refuse("entry table larger than the header");

  const u64 bounds[] = {h.rodata_start, h.rodata_end, h.text_start, h.text_end, h.data_start, h.end};
  for (u64 b : bounds)
    if (!page_aligned(b)) return refuse("section bound not page-aligned");
  if (h.rodata_start != load_base) return refuse("header not at the load base");
  if (!(h.rodata_start < h.rodata_end && h.rodata_end <= h.text_start && h.text_start < h.text_end &&
        h.text_end <= h.data_start && h.data_start < h.end))
    return refuse("sections out of order or empty");
  if (!in_image(h.end, load_base, size)) return refuse("sections extend past the image");
  if (h.header_size > h.rodata_end - h.rodata_start) return refuse("header larger than rodata");

  if (h.state < h.data_start || h.state >= h.end || h.state_size == 0 ||
      h.state_size > h.end - h.state)
    return refuse("scheduler state outside data");
  if (h.state & 7) return refuse("scheduler state not 8-aligned");
  if (h.abi_minor >= 1 && (h.ready_summary < h.data_start || h.ready_summary >= h.end))
    return refuse("ready summary outside data");
  if (h.levels == 0 || h.levels > kPayloadLevels || h.capacity == 0)
    return refuse("bad capacity or level count");

  const u64 entries[kPayloadEntryCount] = {
      h.entries.init,   h.entries.add_task, h.entries.pop_task, h.entries.set_task_state,
      h.entries.remove_task, h.entries.stats, h.entries.count_in_as,
  };
  for (u32 i = 0; i < kPayloadEntryCount; i++) {
    u64 e = entries[i];
    if (e < h.text_start || e >= h.text_end || (e & 1)) return refuse(kEntryOutsideText[i]);
  }
  u64 y = h.yield_task;  // ABI 1.2's entry, outside the table
  if (h.abi_minor >= 2 && (y < h.text_start || y >= h.text_end || (y & 1)))
    return refuse("entry yield_task outside text");
  return {true, "ok"};
}
