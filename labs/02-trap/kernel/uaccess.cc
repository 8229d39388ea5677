// kernel/uaccess.cc: user copies without paging: a user pointer is good when the range
// lies in RAM. Layer: kernel/syscall.
#include "kernel/uaccess.hh"
#include "kernel/main.hh"
#include "lib/string.hh"

namespace {
bool in_ram(u64 address, u64 n) {
  u64 base = g_boot.memory.base, end = base + g_boot.memory.size;
  return n <= end - base && address >= base && address <= end - n;
}
}  // namespace

Error copy_from_user(void* dst, u64 user_src, u64 n) {
  if (!in_ram(user_src, n)) return Error::fault;
  memcpy(dst, reinterpret_cast<const void*>(user_src), n);
  return Error::ok;
}

Error copy_to_user(u64 user_dst, const void* src, u64 n) {
  if (!in_ram(user_dst, n)) return Error::fault;
  memcpy(reinterpret_cast<void*>(user_dst), src, n);
  return Error::ok;
}

Result<u64> copy_string_from_user(char* dst, u64 user_src, u64 capacity) {
  for (u64 i = 0; i < capacity; i++) {
    if (!in_ram(user_src + i, 1)) return Error::fault;
    dst[i] = *reinterpret_cast<const char*>(user_src + i);
    if (dst[i] == '\0') return i;
  }
  return Error::too_big;
}
