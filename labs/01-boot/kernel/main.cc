// kernel/main.cc: kmain, the kernel's C++ entry after boot_main.
// Layer: kernel/boot.
#include "kernel/main.hh"
#include "kernel/boot.hh"
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/hooks.hh"
#include "kernel/panic.hh"
#include "kernel/sbi.hh"
#include "kernel/selftest.hh"
#include "lib/string.hh"

BootInfo g_boot;

namespace {

void print_sbi_info() {
  if (!sbi_available()) {
    kprintf("sbi: not implemented (lab01: sbi_ecall)\n");
    return;
  }
  long spec = sbi_spec_version();
  kprintf("sbi: spec %ld.%ld, implementation %ld version 0x%lx\n", (spec >> 24) & 0x7f, spec & 0xffffff,
          sbi_impl_id(), sbi_impl_version());
}

void read_device_tree(const void* dtb) {
  Result<Fdt> parsed = Fdt::create(dtb);
  if (!parsed.ok()) panic("fdt: malformed device tree at %p: %s", dtb, Fdt::last_error());
  const Fdt& fdt = parsed.value();
  g_boot.dtb_size = fdt.total_size();

  Result<FdtToken> args = fdt.find_property("/chosen", "bootargs");
  const char* line = "";
  if (args.ok() && args.value().length > 0 && args.value().data[args.value().length - 1] == '\0')
    line = reinterpret_cast<const char*>(args.value().data);
  bootargs_init(line);
  set_report_nonce(bootargs_get("nonce") ? bootargs_get("nonce") : "-");

  Result<MemoryRange> memory = fdt_find_memory(fdt);
  if (memory.ok()) g_boot.memory = memory.value();
  else kprintf("fdt: memory: %s\n", memory.error() == Error::not_implemented
                                        ? "not implemented (lab01: fdt_find_memory)"
                                        : error_name(memory.error()));
  g_boot.harts = fdt_count_harts(fdt).value_or(0);
}

}  // namespace

extern "C" void kmain(u64 hartid, const void* dtb) {
  g_boot.kmain_instret = read_instret();
  g_boot.hartid = hartid;
  g_boot.dtb = dtb;
  kprintf("\nSquall stage %02d on hart %lu\n", SQUALL_STAGE, hartid);
  print_sbi_info();
  read_device_tree(dtb);
  kprintf("memory: %p..%p (%lu MiB), %u hart(s)\n", reinterpret_cast<void*>(g_boot.memory.base),
          reinterpret_cast<void*>(g_boot.memory.base + g_boot.memory.size), g_boot.memory.size >> 20, g_boot.harts);
  report("boot hart=%lu harts=%u", hartid, g_boot.harts);
  report("mem base=%lx size=%lx", g_boot.memory.base, g_boot.memory.size);
  report("bootargs %s", bootargs_line());
  layers_setup();  // later labs fill their extension points (kernel/hooks.hh)
  hooks_check();

  bool ok = run_selected_test();
  if (ok) ok = stage_run();
  const char* exit = bootargs_get("exit");
  if (exit && starts_with(exit, "fail")) ok = false;
  shutdown(ok);
}
