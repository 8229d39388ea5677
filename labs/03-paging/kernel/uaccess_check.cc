// kernel/uaccess_check.cc: is this user address good for the kernel to read or write?
// Layer: kernel/syscall. (Lab 03 hole.)
#include "kernel/uaccess.hh"
#include "kernel/user_pages.hh"
#include "kernel/page_table.hh"

Result<u64> user_page_address(const PageTable& table, u64 va, bool write) {
  // TODO(lab03): translate `va` in the program's table and return the physical address
  // behind it (offset included), but only if the program itself could make that access:
  // the page must be mapped, a user page (U), and readable (R) -- or writable (W) when
  // `write`. Anything else is Error::fault. Remember that every user table also maps
  // the kernel's memory (U = 0): a user pointer into it must fail here too.
  return Error::not_implemented;
}
