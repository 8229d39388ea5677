// lib/format.hh: printf-style formatting into any sink (console, buffer).
// Layer: lib. Conversions: %d %i %u %x %p %s %c %%, flags '0' and '-', a width,
// a width (digits or *), and the length modifiers l / ll / z (64-bit). Without 'l', %d/%u/%x take 32-bit ints.
#pragma once
#include <stdarg.h>
#include "lib/param.hh"
#include "lib/types.hh"

// A sink receives formatted characters one at a time.
struct FormatSink {
  void (*put)(void* context, char c);
  void* context;
};

// format_int(out, magnitude, negative, base, width, zero_pad): writes the digits of
// `magnitude` in `base` (10 or 16, lower-case), preceded by '-' when `negative`, padded
// on the left to at least `width` characters, with '0' after the sign when `zero_pad`
// and with spaces before the sign otherwise. Returns the number of characters written.
// `out` must hold kFormatIntMax characters. (Lab 01 hole: lib/format_int.cc.)
usize format_int(char* out, u64 magnitude, bool negative, unsigned base, unsigned width, bool zero_pad);

void vformat(FormatSink sink, const char* fmt, va_list args);
void format(FormatSink sink, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// snformat(buf, size, fmt, ...): like snprintf; always NUL-terminates when size > 0 and
// returns the length the full output would have had.
usize snformat(char* buf, usize size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
usize vsnformat(char* buf, usize size, const char* fmt, va_list args);
