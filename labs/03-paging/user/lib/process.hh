// user/lib/process.hh: the process syscalls of lab 03 as inline functions.
// Layer: user/lib. Numbers: lib/process_abi.hh.
#pragma once
#include "lib/process_abi.hh"
#include "user/lib/syscall.hh"

inline long sys_spawn(const char* name, bool share_space = false) {
  return syscall6(sys::spawn, long(name), share_space ? 1 : 0);
}
inline long sys_wait(long pid) { return syscall6(sys::wait, pid); }
inline long sys_frames() { return syscall6(sys::frames); }
// physical(va, pid): the physical address behind va in process pid's space (0 = mine).
inline long sys_physical(const void* address, long pid = 0) {
  return syscall6(sys::physical, long(address), pid);
}
