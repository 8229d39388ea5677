// kernel/uaccess.hh: the only way the kernel touches user memory.
// Layer: kernel/syscall. No syscall dereferences a user pointer itself: it copies
// through these, which check the whole range first and return Error::fault (-EFAULT).
#pragma once
#include "lib/error.hh"

// copy_from_user(dst, user_src, n) / copy_to_user(user_dst, src, n): all or nothing.
Error copy_from_user(void* dst, u64 user_src, u64 n);
Error copy_to_user(u64 user_dst, const void* src, u64 n);
// copy_string_from_user(dst, user_src, capacity): a NUL-terminated string of at most
// capacity - 1 characters; Error::too_big if no NUL within that, Error::fault if the
// string runs into memory the program may not read. Returns the length.
Result<u64> copy_string_from_user(char* dst, u64 user_src, u64 capacity);
