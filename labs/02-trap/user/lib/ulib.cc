// user/lib/ulib.cc: printing for user programs. Layer: user/lib.
#include "user/lib/ulib.hh"

void uprintf(const char* fmt, ...) {
  char line[256];
  va_list args;
  va_start(args, fmt);
  usize n = vsnformat(line, sizeof line, fmt, args);
  va_end(args);
  sys_write(line, min_of(n, sizeof line - 1));
}

void ureport(const char* fmt, ...) {
  char line[201];
  va_list args;
  va_start(args, fmt);
  usize n = vsnformat(line, sizeof line, fmt, args);
  va_end(args);
  sys_report(line, min_of(n, sizeof line - 1));
}
