// kernel/user_pages.hh: where a user address really is, once the program's page table
// says it may touch it. Layer: kernel/syscall (the check behind every user copy).
#pragma once
#include "kernel/page_table.hh"
#include "lib/error.hh"

// user_page_address(table, va, write): the physical address behind user address va if the
// program may access it that way (read, or write when `write`), else Error::fault.
// (Lab 03 hole: kernel/uaccess_check.cc.)
Result<u64> user_page_address(const PageTable& table, u64 va, bool write);
