// lib/string_test.cc: host unit test of lib/string.cc (word-at-a-time memcpy/memmove/memset)
// against byte-by-byte reference loops, over many alignments and lengths.
#include <stdio.h>
#include "host_check.hh"
namespace squall {
#define memcpy squall_memcpy
#define memmove squall_memmove
#define memset squall_memset
#define memcmp squall_memcmp
#define strlen squall_strlen
#define strnlen squall_strnlen
#define strcmp squall_strcmp
#define strncmp squall_strncmp
#include "lib/string.cc"
}  // namespace squall

static unsigned char a[600], b[600], ref[600];

static void fill(unsigned char* p, int n, int salt) {
  for (int i = 0; i < n; i++) p[i] = (unsigned char)(i * 31 + salt);
}

int main() {
  using namespace squall;
  for (int src = 0; src < 9; src++)
    for (int dst = 0; dst < 9; dst++)
      for (int n = 0; n < 300; n += (n < 40 ? 1 : 37)) {
        fill(a, 600, 1), fill(b, 600, 2), fill(ref, 600, 2);
        for (int i = 0; i < n; i++) ref[dst + i] = a[src + i];
        squall_memcpy(b + dst, a + src, n);
        bool same = true;
        for (int i = 0; i < 600; i++) same &= (b[i] == ref[i]);
        CHECK(same);
        // memmove within one buffer, both directions.
        fill(a, 600, 3), fill(ref, 600, 3);
        unsigned char tmp[600];
        for (int i = 0; i < n; i++) tmp[i] = ref[src + i];
        for (int i = 0; i < n; i++) ref[dst + 40 + i] = tmp[i];
        squall_memmove(a + dst + 40, a + src, n);
        same = true;
        for (int i = 0; i < 600; i++) same &= (a[i] == ref[i]);
        CHECK(same);
        fill(tmp, 600, 4), fill(ref, 600, 4);
        for (int i = 0; i < n; i++) ref[src + i] = tmp[dst + 40 + i];
        squall_memmove(tmp + src, tmp + dst + 40, n);
        same = true;
        for (int i = 0; i < 600; i++) same &= (tmp[i] == ref[i]);
        CHECK(same);
        fill(b, 600, 5), fill(ref, 600, 5);
        for (int i = 0; i < n; i++) ref[dst + i] = 0xa5;
        squall_memset(b + dst, 0xa5, n);
        same = true;
        for (int i = 0; i < 600; i++) same &= (b[i] == ref[i]);
        CHECK(same);
      }
  CHECK(squall_strlen("squall") == 6);
  CHECK(squall_strnlen("squall", 3) == 3);
  CHECK(squall_strcmp("a", "b") < 0 && squall_strcmp("b", "a") > 0 && squall_strcmp("x", "x") == 0);
  CHECK(squall_strncmp("abcd", "abce", 3) == 0);
  CHECK(find_char("a=b", 3, '=') != nullptr && find_char("ab", 2, 'z') == nullptr);
  CHECK(find_char("ab@c", 2, '@') == nullptr);  // bounded by n
  CHECK(starts_with("memory@80000000", "memory@"));
  return host_check_summary("string_test");
}
