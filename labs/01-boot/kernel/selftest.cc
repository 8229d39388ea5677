// kernel/selftest.cc: find and run the test named in bootargs.
// Layer: kernel/test.
#include "kernel/selftest.hh"
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "lib/string.hh"

REGISTRY_DEFINE(KernelTest, kernel_tests);

u64 test_seed() { return bootargs_u64("seed", 0); }

bool run_selected_test() {
  const char* name = bootargs_get("test");
  if (!name) return true;
  for (const KernelTest* t = registry_begin(kernel_tests); t != registry_end(kernel_tests); t++) {
    if (strcmp(t->name, name) == 0) {
      kprintf("selftest: running %s\n", name);
      bool ok = t->run();
      report("test %s %s", name, ok ? "finished" : "failed");
      return ok;
    }
  }
  kprintf("selftest: no test named '%s' at this stage\n", name);
  report("test %s unknown", name);
  return false;
}
