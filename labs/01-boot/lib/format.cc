// lib/format.cc: the printf-style formatter (parsing of the format string).
// Layer: lib. Turning integers into digits is format_int() in lib/format_int.cc.
#include "lib/format.hh"
#include "lib/string.hh"

namespace {

void put_padded(FormatSink sink, const char* text, usize length, unsigned width, bool left) {
  usize pad = width > length ? width - length : 0;
  if (!left)
    for (usize i = 0; i < pad; i++) sink.put(sink.context, ' ');
  for (usize i = 0; i < length; i++) sink.put(sink.context, text[i]);
  if (left)
    for (usize i = 0; i < pad; i++) sink.put(sink.context, ' ');
}

struct BufferSink {
  char* buf;
  usize size;
  usize length;
};

void buffer_put(void* context, char c) {
  auto* b = static_cast<BufferSink*>(context);
  if (b->length + 1 < b->size) b->buf[b->length] = c;
  b->length++;
}

}  // namespace

void vformat(FormatSink sink, const char* fmt, va_list args) {
  for (const char* p = fmt; *p; p++) {
    if (*p != '%') {
      sink.put(sink.context, *p);
      continue;
    }
    const char* start = p++;
    bool zero_pad = false, left = false;
    for (;; p++) {
      if (*p == '0') zero_pad = true;
      else if (*p == '-') left = true;
      else break;
    }
    unsigned width = 0;
    if (*p == '*') {  // width taken from the arguments
      int w = va_arg(args, int);
      if (w < 0) left = true, w = -w;
      width = unsigned(w);
      p++;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + unsigned(*p++ - '0');
    int longs = 0;
    while (*p == 'l' || *p == 'z') {
      longs++;
      p++;
    }
    if (left) zero_pad = false;

    char digits[kFormatIntMax];
    usize n = 0;
    switch (*p) {
      case 'd':
      case 'i': {
        i64 v = longs ? va_arg(args, i64) : va_arg(args, int);
        u64 magnitude = v < 0 ? 0 - u64(v) : u64(v);
        n = format_int(digits, magnitude, v < 0, 10, left ? 0 : width, zero_pad);
        put_padded(sink, digits, n, width, left);
        break;
      }
      case 'u':
      case 'x': {
        u64 v = longs ? va_arg(args, u64) : va_arg(args, unsigned);
        n = format_int(digits, v, false, *p == 'x' ? 16 : 10, left ? 0 : width, zero_pad);
        put_padded(sink, digits, n, width, left);
        break;
      }
      case 'p': {
        u64 v = uptr(va_arg(args, void*));
        sink.put(sink.context, '0');
        sink.put(sink.context, 'x');
        n = format_int(digits, v, false, 16, 16, true);
        put_padded(sink, digits, n, 0, false);
        break;
      }
      case 's': {
        const char* s = va_arg(args, const char*);
        if (!s) s = "(null)";
        put_padded(sink, s, strlen(s), width, left);
        break;
      }
      case 'c': {
        char c = char(va_arg(args, int));
        put_padded(sink, &c, 1, width, left);
        break;
      }
      case '%':
        sink.put(sink.context, '%');
        break;
      default:  // unknown conversion: print it as written
        for (const char* q = start; q <= p && *q; q++) sink.put(sink.context, *q);
        if (!*p) return;
        break;
    }
  }
}

void format(FormatSink sink, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vformat(sink, fmt, args);
  va_end(args);
}

usize vsnformat(char* buf, usize size, const char* fmt, va_list args) {
  BufferSink b{buf, size, 0};
  vformat(FormatSink{buffer_put, &b}, fmt, args);
  if (size > 0) buf[b.length < size ? b.length : size - 1] = '\0';
  return b.length;
}

usize snformat(char* buf, usize size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  usize n = vsnformat(buf, size, fmt, args);
  va_end(args);
  return n;
}
