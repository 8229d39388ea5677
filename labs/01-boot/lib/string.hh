// lib/string.hh: the C string and memory functions (freestanding).
// Layer: lib. GCC may emit calls to memcpy/memset/memmove/memcmp itself, so these
// have C linkage and their standard names.
#pragma once
#include "lib/types.hh"

extern "C" {
void* memcpy(void* dst, const void* src, usize n);
void* memmove(void* dst, const void* src, usize n);
void* memset(void* dst, int byte, usize n);
int memcmp(const void* a, const void* b, usize n);
usize strlen(const char* s);
usize strnlen(const char* s, usize max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, usize n);
}

// find_char(s, n, c): the first c among the first n characters of s (stops at NUL), or null.
const char* find_char(const char* s, usize n, char c);

// starts_with(s, prefix): true when s begins with prefix.
bool starts_with(const char* s, const char* prefix);
