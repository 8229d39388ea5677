// kernel/bss_clear.cc: zeroing .bss before any C++ code relies on it.
// Layer: kernel/boot. Reference solution of the lab 01 hole.
#include "kernel/boot.hh"
#include "lib/string.hh"

// clear_bss(begin, end): zero every byte in [begin, end).
void clear_bss(u8* begin, u8* end) {
  memset(begin, 0, usize(end - begin));
}
