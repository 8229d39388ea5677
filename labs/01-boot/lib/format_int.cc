// lib/format_int.cc: integer to digits, the core of %d/%u/%x/%p.
// Layer: lib. Lab 01 hole: see labs/01-boot/README.md, task "format_int".
#include "lib/format.hh"
#include "lib/string.hh"

// format_int(out, magnitude, negative, base, width, zero_pad): see lib/format.hh.
// Examples: (42, neg, 10, 5, false) -> "  -42"; (42, neg, 10, 5, true) -> "-0042";
//           (255, pos, 16, 4, true) -> "00ff"; (0, pos, 10, 0, false) -> "0".
usize format_int(char* out, u64 magnitude, bool negative, unsigned base, unsigned width, bool zero_pad) {
  // TODO(lab01): write the digits of `magnitude` (most significant first), the sign and
  // the padding into `out`, and return the length. Remember 0, the largest u64 and the
  // most negative i64 (its magnitude arrives already as a u64).
  (void)magnitude, (void)negative, (void)base, (void)width, (void)zero_pad;
  const char* placeholder = "<lab01:format_int?>";  // visible wherever a number should be
  usize n = strlen(placeholder);
  memcpy(out, placeholder, n);
  return n;
}
