// lib/error.hh: Squall's one error type and an expected-style Result<T>.
// Layer: lib. The codes are listed in lib/error_list.inc (each lab adds its own).
// Syscalls hand them to user space as negative numbers: error_return(e) == -e.
#pragma once
#include "lib/types.hh"

enum class Error : i32 {
#define ERROR(name, number, text) name = number,
#include "lib/error_list.inc"
#undef ERROR
};

const char* error_name(Error e);

// error_return(e): how a syscall (or any call across the user/kernel boundary) returns
// error e: the negative number -e. error_of(r): the Error a return value r carries
// (Error::ok when r >= 0). These are the only two conversions.
constexpr i64 error_return(Error e) { return -static_cast<i64>(e); }
constexpr Error error_of(i64 r) { return r < 0 ? static_cast<Error>(-r) : Error::ok; }

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
// Not for use inside coroutines (GCC mishandles statement expressions there): use
// CO_TRY / CO_TRY_ERROR below.
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

// CO_TRY(var, expr): inside a coroutine (whose result an Error converts to): declare
// `var` = the value of the Result-returning expr (co_await allowed), or co_return its
// error. A declaration, not an expression: one per statement.
#define CO_TRY(var, expr)                                      \
  auto var##_result_ = (expr);                                 \
  if (!var##_result_.ok()) co_return var##_result_.error();    \
  auto var = var##_result_.value()

// CO_TRY_ERROR(expr): inside a coroutine: co_return the Error expr gives unless it is ok.
#define CO_TRY_ERROR(expr)                               \
  do {                                                   \
    Error co_try_error_ = (expr);                        \
    if (co_try_error_ != Error::ok) co_return co_try_error_; \
  } while (0)
