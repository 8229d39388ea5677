// lib/string.cc: memory and string functions. Bulk copies and fills move 8-byte
// words when both sides are (or can be made) 8-byte aligned; file reads lean on this.
// Layer: lib.
#include "lib/string.hh"

namespace {
constexpr usize kWord = sizeof(u64);
bool aligned(const void* p) { return (uptr(p) & (kWord - 1)) == 0; }
}  // namespace

extern "C" {

void* memcpy(void* dst, const void* src, usize n) {
  auto* d = static_cast<u8*>(dst);
  auto* s = static_cast<const u8*>(src);
  if (((uptr(d) ^ uptr(s)) & (kWord - 1)) == 0) {
    while (n > 0 && !aligned(d)) *d++ = *s++, n--;
    auto* dw = reinterpret_cast<u64*>(d);
    auto* sw = reinterpret_cast<const u64*>(s);
    // Sectors and pages, the hot case: 64 bytes a turn (eight registers, none saved), the
    // loop ending on a pointer.
    for (u64* end = dw + n / (8 * kWord) * 8; dw != end; dw += 8, sw += 8) {
      u64 a = sw[0], b = sw[1], c = sw[2], e = sw[3], f = sw[4], g = sw[5], h = sw[6], i = sw[7];
      dw[0] = a, dw[1] = b, dw[2] = c, dw[3] = e, dw[4] = f, dw[5] = g, dw[6] = h, dw[7] = i;
    }
    n %= 8 * kWord;
    for (; n >= 4 * kWord; n -= 4 * kWord, dw += 4, sw += 4) {
      u64 a = sw[0], b = sw[1], c = sw[2], e = sw[3];
      dw[0] = a, dw[1] = b, dw[2] = c, dw[3] = e;
    }
    for (; n >= kWord; n -= kWord) *dw++ = *sw++;
    d = reinterpret_cast<u8*>(dw);
    s = reinterpret_cast<const u8*>(sw);
  }
  while (n-- > 0) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, usize n) {
  auto* d = static_cast<u8*>(dst);
  auto* s = static_cast<const u8*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlapping with dst above src: copy backwards.
  d += n, s += n;
  if (((uptr(d) ^ uptr(s)) & (kWord - 1)) == 0) {
    while (n > 0 && !aligned(d)) *--d = *--s, n--;
    for (; n >= kWord; n -= kWord) {
      d -= kWord, s -= kWord;
      *reinterpret_cast<u64*>(d) = *reinterpret_cast<const u64*>(s);
    }
  }
  while (n-- > 0) *--d = *--s;
  return dst;
}

void* memset(void* dst, int byte, usize n) {
  auto* d = static_cast<u8*>(dst);
  while (n > 0 && !aligned(d)) *d++ = u8(byte), n--;
  u64 word = 0x0101010101010101ull * u8(byte);
  auto* dw = reinterpret_cast<u64*>(d);
  for (; n >= 4 * kWord; n -= 4 * kWord, dw += 4) dw[0] = dw[1] = dw[2] = dw[3] = word;
  for (; n >= kWord; n -= kWord) *dw++ = word;
  d = reinterpret_cast<u8*>(dw);
  while (n-- > 0) *d++ = u8(byte);
  return dst;
}

int memcmp(const void* a, const void* b, usize n) {
  auto* x = static_cast<const u8*>(a);
  auto* y = static_cast<const u8*>(b);
  for (usize i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

usize strlen(const char* s) {
  usize n = 0;
  while (s[n]) n++;
  return n;
}

usize strnlen(const char* s, usize max) {
  usize n = 0;
  while (n < max && s[n]) n++;
  return n;
}

int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) a++, b++;
  return u8(*a) - u8(*b);
}

int strncmp(const char* a, const char* b, usize n) {
  for (; n > 0; n--, a++, b++) {
    if (*a != *b) return u8(*a) - u8(*b);
    if (!*a) return 0;
  }
  return 0;
}

}  // extern "C"

const char* find_char(const char* s, usize n, char c) {
  for (usize i = 0; i < n && s[i]; i++)
    if (s[i] == c) return s + i;
  return nullptr;
}

bool starts_with(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}
