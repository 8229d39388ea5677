// kernel/selftest.hh: kernel-side drivers for the grader's tests, chosen by test=NAME.
// Layer: kernel/test. Each lab adds its own in a file of its own with KERNEL_TEST;
// the linker gathers them into one table (kernel/registry.hh).
#pragma once
#include "kernel/registry.hh"
#include "lib/types.hh"

struct KernelTest {
  const char* name;
  bool (*run)();  // true = the kernel shuts down with success afterwards
};

REGISTRY_DECLARE(KernelTest, kernel_tests);

#define KERNEL_TEST(NAME)                                                        \
  static bool kernel_test_##NAME();                                              \
  REGISTRY_ENTRY(kernel_tests, "") static const KernelTest                       \
      kernel_test_entry_##NAME{#NAME, kernel_test_##NAME};                       \
  static bool kernel_test_##NAME()

// run_selected_test(): run the test named by test= in bootargs. Returns false if it
// failed or does not exist; true if it passed or none was asked for.
bool run_selected_test();
// The seed the grader passed (seed=...).
u64 test_seed();
