// lib/payload_check.cc: validation of a payload image's header (see payload_check.hh).
// Layer: lib. Pure: no allocation, no globals, no kernel symbols; host-testable.
// (Lab 04 hole.)
#include "lib/payload_check.hh"

PayloadCheck payload_check_header(const void* image, u64 size, u64 load_base, u16 required_minor) {
  // TODO(lab04): decide whether `image` is a payload the kernel may map and call.
  // Refuse (with a short static reason) unless all of these hold, checked in an order
  // that never reads a field before knowing it lies inside the image:
  //  - size >= sizeof(PayloadHeader) and the image is 8-byte aligned;
  //  - magic == kPayloadMagic; abi_major == kPayloadAbiMajor; abi_minor >= required_minor;
  //  - header_size >= sizeof(PayloadHeader) and entry_count >= kPayloadEntryCount;
  //  - rodata_start == load_base; rodata_start < rodata_end <= text_start < text_end
  //    <= data_start < end, all page-aligned, and end - load_base <= min(size, kPayloadMaxSize);
  //  - the state object [state, state + state_size) lies inside [data_start, end);
  //  - every entry point lies inside [text_start, text_end), on an even address;
  //  - from ABI minor 1 on: ready_summary lies inside [data_start, end);
  //  - from ABI minor 2 on: the yield_task entry lies inside text too.
  // Use subtraction (a - base <= size), never a + b, so huge values cannot wrap.
  (void)image, (void)size, (void)load_base, (void)required_minor;
  return {false, "not implemented (TODO(lab04) in lib/payload_check.cc)"};
}
