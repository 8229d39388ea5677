// user/lib/fs.cc: the asynchronous file-system calls (see fs.hh). Layer: user/lib.
#include "user/lib/fs.hh"
#include "lib/error.hh"
#include "user/lib/syscall.hh"

namespace {
// run(op): the one way in, one coroutine per call. The FsOp is a parameter, so it lives
// in the coroutine's frame, which stays put while the kernel may write to it.
Task<i64> run(FsOp op) {
  op.task_id = current_task_id();
  op.state = kFsPending;
  long r = syscall6(sys::fs, long(&op));
  if (r < 0) co_return r;
  while (op.state != kFsDone) co_await ExternalWait{&op.state, kFsDone, kFsParked};
  co_return op.result;
}

Task<i64> path_op(FsKind kind, const char* path, u32 flags, void* buffer) {
  FsOp op{};
  op.kind = u32(kind);
  op.path = u64(path);
  op.flags = flags;
  op.buf = u64(buffer);
  return run(op);
}

Task<i64> fd_op(FsKind kind, i64 fd, const void* buffer, u64 length, u32 flags = 0, u64 offset = 0) {
  FsOp op{};
  op.kind = u32(kind);
  op.fd = i32(fd);
  op.buf = u64(buffer);
  op.len = length;
  op.flags = flags;
  op.offset = offset;
  return run(op);
}
}  // namespace

Task<i64> fs_open(const char* path, u32 flags) { return path_op(FsKind::open, path, flags, nullptr); }
Task<i64> fs_close(i64 fd) { return fd_op(FsKind::close, fd, nullptr, 0); }
Task<i64> fs_read(i64 fd, void* buffer, u64 length) { return fd_op(FsKind::read, fd, buffer, length); }
Task<i64> fs_pread(i64 fd, void* buffer, u64 length, u64 offset) {
  return fd_op(FsKind::read, fd, buffer, length, kFsAtOffset, offset);
}
Task<i64> fs_write(i64 fd, const void* buffer, u64 length) { return fd_op(FsKind::write, fd, buffer, length); }
Task<i64> fs_seek(i64 fd, u64 offset) { return fd_op(FsKind::seek, fd, nullptr, offset); }
Task<i64> fs_mkdir(const char* path) { return path_op(FsKind::mkdir, path, 0, nullptr); }
Task<i64> fs_unlink(const char* path) { return path_op(FsKind::unlink, path, 0, nullptr); }
Task<i64> fs_readdir(i64 fd, FsDirent* out) { return fd_op(FsKind::readdir, fd, out, 0); }
Task<i64> fs_stat(const char* path, FsStat* out) { return path_op(FsKind::stat, path, 0, out); }
Task<i64> fs_sync() { return path_op(FsKind::sync, nullptr, 0, nullptr); }

const char* fs_error_text(i64 e) {
  if (e >= 0) return "ok";
  return error_name(Error(i32(-e)));
}
