// lib/random.hh: splitmix64, the seeded generator the grader mirrors in Python.
// Layer: lib. The grader passes seed=... in bootargs and recomputes every value.
#pragma once
#include "lib/types.hh"

class SplitMix64 {
 public:
  explicit SplitMix64(u64 seed) : state_(seed) {}
  u64 next() {
    u64 z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // below(n): a value in [0, n); n > 0.
  u64 below(u64 n) { return next() % n; }

 private:
  u64 state_;
};
