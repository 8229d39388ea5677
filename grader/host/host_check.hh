// grader/host/host_check.hh: a tiny assertion counter for host unit tests (*_test.cc).
// Layer: host tests only. Each test file ends with `return host_check_summary("name");`,
// which prints "name: N passed, M failed" and returns non-zero on any failure.
#pragma once
#include <stdio.h>

inline int g_host_passed, g_host_failed;

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (cond) {                                                              \
      g_host_passed++;                                                       \
    } else {                                                                 \
      g_host_failed++;                                                       \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                        \
  } while (0)

inline int host_check_summary(const char* name) {
  printf("%s: %d passed, %d failed\n", name, g_host_passed, g_host_failed);
  return g_host_failed ? 1 : 0;
}
