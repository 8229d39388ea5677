// user/lib/fs.hh: the asynchronous file system for user tasks (lab 06). Layer: user/lib.
// Every call is a Task: co_await it inside a task of the async runtime (runtime.hh).
// It submits one sys::fs request (lib/fs_abi.hh); if the kernel cannot finish it at once
// (a cache miss), the task sleeps and the executor runs the others until the kernel
// wakes it through the shared scheduler. Results: >= 0, or -errno (lib/error.hh).
//
//   i64 fd = co_await fs_open("/docs/A long name.txt");
//   char buf[512];
//   i64 n = co_await fs_read(fd, buf, sizeof buf);
//   co_await fs_close(fd);
#pragma once
#include "lib/fs_abi.hh"
#include "user/lib/runtime.hh"

Task<i64> fs_open(const char* path, u32 flags = 0);  // kFsCreate, kFsExclusive, kFsAppend
Task<i64> fs_close(i64 fd);
Task<i64> fs_read(i64 fd, void* buffer, u64 length);         // at the fd's offset
Task<i64> fs_pread(i64 fd, void* buffer, u64 length, u64 offset);  // at offset; fd's offset stays
Task<i64> fs_write(i64 fd, const void* buffer, u64 length);  // at the offset (or the end)
Task<i64> fs_seek(i64 fd, u64 offset);
Task<i64> fs_mkdir(const char* path);
Task<i64> fs_unlink(const char* path);
Task<i64> fs_readdir(i64 fd, FsDirent* out);  // 1: an entry; 0: no more
Task<i64> fs_stat(const char* path, FsStat* out);
Task<i64> fs_sync();

// fs_error_text(e): -errno in words.
const char* fs_error_text(i64 e);
