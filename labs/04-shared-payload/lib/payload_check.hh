// lib/payload_check.hh: validation of a payload image's header before it is mapped.
// Layer: lib (pure; used by the kernel's payload loader and by host tests).
#pragma once
#include "lib/payload_abi.hh"

// PayloadCheck: ok, or the first reason the image was refused (a static string).
struct PayloadCheck {
  bool ok;
  const char* reason;  // "ok" when ok
};

// payload_check_header(image, size, load_base, required_minor): is `image` (size bytes,
// to be mapped at load_base) a payload this reader can use? Checks the magic, the ABI
// version (same major, minor >= required_minor), the header and entry-table sizes, the
// section bounds (ordered, page-aligned, inside the image, the header at the base), the
// state object (inside data) and that every entry point lies inside text. Reads only
// [image, image + size); never trusts a field before checking it.
PayloadCheck payload_check_header(const void* image, u64 size, u64 load_base,
                                  u16 required_minor = kPayloadAbiMinor);
