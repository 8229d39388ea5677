// lib/types.hh: fixed-width integer types and small helpers.
// Layer: lib (shared by kernel, payload and user; freestanding).
#pragma once
#include <stddef.h>
#include <stdint.h>

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i32 = int32_t;
using i64 = int64_t;
using usize = size_t;
using uptr = uintptr_t;

template <typename T> constexpr T align_down(T value, T align) { return value & ~(align - 1); }
template <typename T> constexpr T align_up(T value, T align) { return (value + align - 1) & ~(align - 1); }
template <typename T> constexpr T min_of(T a, T b) { return a < b ? a : b; }
template <typename T> constexpr T max_of(T a, T b) { return a < b ? b : a; }

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
