// lib/format_test.cc: host unit test of the formatter (lib/format.cc + lib/format_int.cc)
// against the host C library's snprintf. Built by `make host-test` with the host g++.
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "host_check.hh"
#include "lib/format.cc"
#include "lib/format_int.cc"
#include "lib/random.hh"

#define SAME(fmt, ...)                                              \
  do {                                                              \
    char ours[160], theirs[160];                                    \
    snformat(ours, sizeof ours, fmt, __VA_ARGS__);                  \
    snprintf(theirs, sizeof theirs, fmt, __VA_ARGS__);              \
    if (strcmp(ours, theirs) != 0)                                  \
      fprintf(stderr, "format \"%s\": ours \"%s\", libc \"%s\"\n", fmt, ours, theirs); \
    CHECK(strcmp(ours, theirs) == 0);                               \
  } while (0)

int main() {
  SAME("%d", 0);
  SAME("%d", -1);
  SAME("%d", INT32_MIN);
  SAME("%u", UINT32_MAX);
  SAME("%x", 0xdeadbeefu);
  SAME("%ld", INT64_MIN);
  SAME("%lu", UINT64_MAX);
  SAME("%lx", UINT64_MAX);
  SAME("%5d|%-5d|%05d", -42, -42, -42);
  SAME("%08x", 0xbeefu);
  SAME("%3d", 123456);
  SAME("%s|%6s|%-6s|", "ab", "cd", "ef");
  SAME("%c%c%%", 'x', 'Y');
  SAME("%0*ld", 12, -7L);
  SAME("%*lx", -9, 0xabcUL);
  SplitMix64 rng(0x5eed);
  for (int i = 0; i < 2000; i++) {
    uint64_t v = rng.next() >> rng.below(64);
    int w = int(rng.below(24));
    SAME("%*ld", w, int64_t(v));
    SAME("%0*lu", w, v);
    SAME("%0*lx", w, v);
    SAME("%-*d|", w, int(uint32_t(v)));
  }
  char small[4];
  usize n = snformat(small, sizeof small, "%d", 123456);
  CHECK(n == 6 && strcmp(small, "123") == 0);  // truncated, NUL-terminated, full length returned
  char p[32];
  snformat(p, sizeof p, "%p", reinterpret_cast<void*>(0x80200000ul));
  CHECK(strcmp(p, "0x0000000080200000") == 0);
  return host_check_summary("format_test");
}
