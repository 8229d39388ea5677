// kernel/uaccess_check.cc: is this user address good for the kernel to read or write?
// Layer: kernel/syscall. (Reference solution.)
#include "kernel/uaccess.hh"
#include "kernel/user_pages.hh"
#include "kernel/page_table.hh"

Result<u64> user_page_address(const PageTable& table, u64 va, bool write) {
  if (va >= kSv39Top) return Error::fault;  // not even a valid Sv39 user address
  u64 flags = 0;
  Result<u64> pa = table.translate(va, &flags);
  if (!pa.ok()) return Error::fault;
  u64 needed = pte::V | pte::U | (write ? pte::W : pte::R);
  if ((flags & needed) != needed) return Error::fault;
  return pa.value();
}
