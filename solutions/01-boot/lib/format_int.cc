// lib/format_int.cc: integer to digits, the core of %d/%u/%x/%p.
// Layer: lib. Reference solution of the lab 01 hole.
#include "lib/format.hh"

// format_int(out, magnitude, negative, base, width, zero_pad): see lib/format.hh.
usize format_int(char* out, u64 magnitude, bool negative, unsigned base, unsigned width, bool zero_pad) {
  // Digits come out least significant first; collect them backwards.
  char reversed[24];
  usize count = 0;
  do {
    unsigned digit = unsigned(magnitude % base);
    reversed[count++] = char(digit < 10 ? '0' + digit : 'a' + digit - 10);
    magnitude /= base;
  } while (magnitude != 0);

  usize length = count + (negative ? 1 : 0);
  usize pad = width > length ? width - length : 0;
  if (pad > kFormatIntMax - length) pad = kFormatIntMax - length;
  usize n = 0;
  if (!zero_pad)
    while (pad > 0) out[n++] = ' ', pad--;
  if (negative) out[n++] = '-';
  while (pad > 0) out[n++] = '0', pad--;
  while (count > 0) out[n++] = reversed[--count];
  return n;
}
