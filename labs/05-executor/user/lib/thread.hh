// user/lib/thread.hh: tasks started as threads (lab 05; the seed's compatibility mode):
// each runs on a stack of its own in this AS and the timer preempts it like any thread.
// Layer: user/lib.
#pragma once
#include "lib/executor_abi.hh"
#include "user/lib/process.hh"

using ThreadFunction = long (*)(u64 arg);

// The first instructions of a thread: run fn(arg), exit with its result.
extern "C" [[noreturn]] inline void thread_trampoline(u64 packed) {
  auto* start = reinterpret_cast<const u64*>(packed);
  sys_exit(reinterpret_cast<ThreadFunction>(start[0])(start[1]));
}

// thread_spawn(start): start[0] = the function, start[1] = its argument; `start` must stay
// valid until the thread has read it (e.g. a static or a joined thread's slot). -> pid.
inline long thread_spawn(const u64 start[2]) {
  return syscall6(sys::thread, long(&thread_trampoline), long(start));
}
// thread_join(pid): wait for the thread and return its result.
inline long thread_join(long pid) { return sys_wait(pid); }
