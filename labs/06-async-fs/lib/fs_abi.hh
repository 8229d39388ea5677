// lib/fs_abi.hh: the file-system ABI of stage 06, shared by the kernel and user programs.
// Layer: lib (freestanding, plain C layout).
//
// One system call, sys::fs(FsOp* op), submits an operation and returns at once:
//   1        it completed during the call (op->result is valid; a cache hit);
//   0        it is in flight: the kernel writes op->result, then op->state = kFsDone,
//            and if the task had parked (state was kFsParked) sets task op->task_id ready
//            in the shared scheduler;
//   -error   refused before it started (bad pointer, bad kind, no file system, ...).
// The FsOp (and any buffer it names) must stay put until done: it lives in the awaiting
// coroutine's frame. Results are >= 0 or -errno (lib/error.hh's numbers).
#pragma once
#include "lib/syscall_abi.hh"
#include "lib/types.hh"

namespace sys {
constexpr long fs = 17;  // fs(FsOp*) -> 1 done, 0 submitted (completes later), -error
}  // namespace sys

enum class FsKind : u32 {
  open = 1,     // path, flags -> fd
  close = 2,    // fd -> 0
  read = 3,     // fd, buf, len -> bytes (0 at the end); reads at the fd's offset, moves it
                //   (with kFsAtOffset: at `offset`, the fd's offset untouched: a pread)
  write = 4,    // fd, buf, len -> bytes; writes at the offset (kFsAppend: at the end)
  seek = 5,     // fd, offset -> offset (absolute)
  mkdir = 6,    // path -> 0
  unlink = 7,   // path -> 0 (a file, or an empty directory)
  readdir = 8,  // fd of a directory, buf = FsDirent* -> 1 (an entry), 0 (the end)
  stat = 9,     // path, buf = FsStat* -> 0
  sync = 10,    // -> 0: every dirty block and the FSInfo sector on the disk
};

inline constexpr u32 kFsCreate = 1u << 0;     // open: create the file if it is missing
inline constexpr u32 kFsExclusive = 1u << 1;  // with kFsCreate: fail (-EEXIST) if it exists
inline constexpr u32 kFsAppend = 1u << 2;     // writes go to the end
inline constexpr u32 kFsAtOffset = 1u << 3;   // read: at FsOp::offset (pread)
inline constexpr u32 kFsMaxPath = 255;        // bytes, without the NUL
inline constexpr u32 kFsMaxName = 255;        // one component (FAT's long-name limit)
inline constexpr u32 kFsMaxOpen = 16;         // open files per process

struct FsOp {
  u32 kind;             // FsKind
  u32 task_id;          // the awaiting task (payload id), woken when done
  i32 fd;
  u32 flags;
  u64 path;             // user address of a NUL-terminated path
  u64 buf;              // user address: data, FsDirent or FsStat
  u64 len;              // bytes (read/write); seek: the offset
  u64 offset;           // read with kFsAtOffset: where
  volatile i64 result;  // written by the kernel before `state`
  volatile u32 state;   // kFsPending, kFsDone (result valid) or kFsParked (see below)
  u32 reserved;
};

// FsOp::state, a handshake with no lost wake-up and no double one. The kernel changes it
// only at a trap, between two user instructions; the task parks with one atomic swap:
//   task:   resume point saved; old = swap(state, kFsParked); old == kFsDone: put kFsDone
//           back and go on (never parked); else asleep until the kernel wakes it.
//   kernel: result written; old = state; state = kFsDone; old == kFsParked: wake the task.
inline constexpr u32 kFsPending = 0, kFsDone = 1, kFsParked = 2;
static_assert(sizeof(FsOp) == 64);

struct FsStat {
  u64 size;
  u32 first_cluster;
  u32 is_dir;
};

struct FsDirent {
  char name[kFsMaxName + 1];  // the long name (UTF-8), or the 8.3 one
  u8 is_dir;
  u32 size;
};
