// kernel/tests_lab02.cc: kernel-side drivers for lab 02's grader tests.
// Layer: kernel/test. (Most lab 02 tests run user programs instead: user/programs/.)
#include "kernel/console.hh"
#include "kernel/selftest.hh"
#include "kernel/trap.hh"

// kfault: a load from an address where nothing is, a seeded number of calls deep.
// The kernel trap path must name the faulting function and print the callers.
// Not a leaf (it calls test_seed()), so it keeps its return address in its frame.
[[gnu::noinline]] u64 kfault_touch(u64 address) {
  u64 value = *reinterpret_cast<volatile u64*>(address);
  return value + test_seed();
}

volatile u64 g_kfault_sink;

[[gnu::noinline]] u64 kfault_recurse(int depth) {
  u64 below = depth == 0 ? kfault_touch((1ull << 40) + 8 * (test_seed() & 0xff)) : kfault_recurse(depth - 1);
  g_kfault_sink = below;  // work after the call: it cannot become a loop or a jump
  return below + 1;
}

KERNEL_TEST(kfault) {
  trap_init();
  int depth = int(1 + test_seed() % 4);
  report("kfault depth=%d", depth);
  return kfault_recurse(depth) != 0;
}
