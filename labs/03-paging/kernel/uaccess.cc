// kernel/uaccess.cc: user copies that check the program's page table, page by page.
// Layer: kernel/syscall. The kernel maps all RAM at its physical address, so once a
// user page is known to be good, the kernel copies through its physical address.
// Replaces labs/02-trap/kernel/uaccess.cc: user pointers are now checked against the page table.
#include "kernel/uaccess.hh"
#include "kernel/user_pages.hh"
#include "kernel/process.hh"
#include "lib/string.hh"

namespace {

// Copy n bytes between kernel memory and user memory at `va`, one page at a time.
template <typename CopyPage>
Error for_user_pages(u64 va, u64 n, bool write, CopyPage copy_page) {
  const PageTable& table = current_process().space->table;
  for (u64 done = 0; done < n;) {
    Result<u64> pa = user_page_address(table, va + done, write);
    if (!pa.ok()) return Error::fault;
    u64 in_page = min_of(n - done, kPageSize - ((va + done) % kPageSize));
    copy_page(pa.value(), done, in_page);
    done += in_page;
  }
  return Error::ok;
}

}  // namespace

Error copy_from_user(void* dst, u64 user_src, u64 n) {
  if (user_src + n < user_src) return Error::fault;  // wraps around
  return for_user_pages(user_src, n, false, [&](u64 pa, u64 offset, u64 length) {
    memcpy(static_cast<u8*>(dst) + offset, reinterpret_cast<const void*>(pa), length);
  });
}

Error copy_to_user(u64 user_dst, const void* src, u64 n) {
  if (user_dst + n < user_dst) return Error::fault;
  return for_user_pages(user_dst, n, true, [&](u64 pa, u64 offset, u64 length) {
    memcpy(reinterpret_cast<void*>(pa), static_cast<const u8*>(src) + offset, length);
  });
}

Result<u64> copy_string_from_user(char* dst, u64 user_src, u64 capacity) {
  const PageTable& table = current_process().space->table;
  for (u64 i = 0; i < capacity; i++) {
    Result<u64> pa = user_page_address(table, user_src + i, false);
    if (!pa.ok()) return Error::fault;
    dst[i] = *reinterpret_cast<const char*>(pa.value());
    if (dst[i] == '\0') return i;
  }
  return Error::too_big;
}
