// lib/error.hh: Squall's one error type and an expected-style Result<T>.
// Layer: lib. Syscalls hand these to user space as negative numbers (-Error).
#pragma once
#include "lib/types.hh"

enum class Error : i32 {
  ok = 0,
  not_implemented = 1,  // a lab hole that is still open
  invalid = 22,         // EINVAL: malformed argument or data
  no_memory = 12,       // ENOMEM
  fault = 14,           // EFAULT: bad user pointer
  no_sys = 38,          // ENOSYS: unknown syscall
  no_space = 28,        // ENOSPC
  not_found = 2,        // ENOENT
  io = 5,               // EIO
  busy = 16,            // EBUSY
  exists = 17,          // EEXIST
  too_big = 7,          // E2BIG
  unsupported = 95,     // EOPNOTSUPP
  bad_fd = 9,           // EBADF (lab 06: file descriptors)
  no_device = 19,       // ENODEV: no such device (no disk, no file system)
  not_dir = 20,         // ENOTDIR
  is_dir = 21,          // EISDIR
};

const char* error_name(Error e);

// Result<T>: either a value or an Error. Check ok() before value().
template <typename T> class Result {
 public:
  Result(T value) : value_(value), error_(Error::ok) {}
  Result(Error error) : value_(), error_(error) {}
  bool ok() const { return error_ == Error::ok; }
  Error error() const { return error_; }
  T value() const { return value_; }
  T value_or(T fallback) const { return ok() ? value_ : fallback; }

 private:
  T value_;
  Error error_;
};

// TRY(expr): evaluate a Result-returning expression; return its error on failure.
// Not for use inside coroutines (GCC mishandles statement expressions there).
#define TRY(expr)                                   \
  ({                                                \
    auto try_result_ = (expr);                      \
    if (!try_result_.ok()) return try_result_.error(); \
    try_result_.value();                            \
  })

// TRY_ERROR(expr): evaluate an Error-returning expression; return it unless it is ok.
#define TRY_ERROR(expr)                        \
  do {                                         \
    Error try_error_ = (expr);                 \
    if (try_error_ != Error::ok) return try_error_; \
  } while (0)
