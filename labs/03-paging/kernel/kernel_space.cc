// kernel/kernel_space.cc: building the kernel's page table. Layer: kernel/memory.
#include "kernel/kernel_space.hh"
#include "kernel/boot.hh"
#include "kernel/console.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/main.hh"
#include "kernel/panic.hh"
#include "kernel/trap.hh"

u64 g_kernel_satp;

namespace {

PageTable g_kernel_table;
u64 g_ram_begin, g_ram_end;
constexpr u64 kGiB = 1ull << 30, kHuge = 2ull << 20;

// Devices the kernel drives (none of them global: user tables use these VAs freely):
// QEMU's test device (power off with a status) and the UART; later layers add theirs.
struct DeviceWindow {
  u64 base, size;
};
DeviceWindow g_devices[kMaxDeviceWindows] = {
    {0x00100000, 0x1000},  // QEMU virt's test device
    {0x10000000, 0x1000},  // its UART 16550
};
int g_device_count = 2;

u64* root_entries(const PageTable& table) { return reinterpret_cast<u64*>(table.root()); }

Error map_kernel_image() {
  constexpr u64 g = pte::G;
  TRY_ERROR(g_kernel_table.map_range(uptr(__text_start), uptr(__text_start), uptr(__text_end) - uptr(__text_start),
                                     pte::R | pte::X | g));
  TRY_ERROR(g_kernel_table.map_range(uptr(__rodata_start), uptr(__rodata_start),
                                     uptr(__rodata_end) - uptr(__rodata_start), pte::R | g));
  TRY_ERROR(g_kernel_table.map_range(uptr(__data_start), uptr(__data_start), uptr(__data_end) - uptr(__data_start),
                                     pte::R | pte::W | g));
  return Error::ok;
}

// RAM after the kernel image: 4 KiB pages up to a 2 MiB boundary, then 2 MiB pages.
Error map_free_ram() {
  u64 va = align_up(uptr(__kernel_end), kPageSize);
  constexpr u64 flags = pte::R | pte::W | pte::G;
  while (va < g_ram_end && (va % kHuge) != 0) {
    TRY_ERROR(g_kernel_table.map(va, va, flags));
    va += kPageSize;
  }
  for (; va + kHuge <= g_ram_end; va += kHuge) TRY_ERROR(g_kernel_table.map_huge(va, va, flags));
  for (; va < g_ram_end; va += kPageSize) TRY_ERROR(g_kernel_table.map(va, va, flags));
  return Error::ok;
}

}  // namespace

bool kernel_space_init(u64 reserved_from) {
  g_ram_begin = g_boot.memory.base;
  g_ram_end = g_boot.memory.base + g_boot.memory.size;
  KASSERT(g_boot.memory.size != 0 && g_ram_begin == 0x80000000);
  KASSERT(g_ram_end <= kKernelRamTop);
  u64 free_begin = align_up(uptr(__kernel_end), kPageSize);
  u64 free_end = min_of(align_down(reserved_from, kPageSize), g_ram_end);
  frame_alloc_init(free_begin, free_end);

  Result<PageTable> table = PageTable::create();
  if (!table.ok()) return false;
  g_kernel_table = table.value();
  Error e = map_kernel_image();
  if (e == Error::ok) e = map_free_ram();
  for (int i = 0; i < g_device_count; i++) {
    const DeviceWindow& d = g_devices[i];
    if (e == Error::ok) e = g_kernel_table.map_range(d.base, d.base, align_up(d.size, kPageSize), pte::R | pte::W);
  }
  if (e != Error::ok) {
    kprintf("kernel space: cannot build the kernel page table: %s\n", error_name(e));
    return false;
  }
  g_kernel_satp = g_kernel_table.satp(0);
  asm volatile("sfence.vma zero, zero");
  asm volatile("csrw satp, %0" : : "r"(g_kernel_satp));
  asm volatile("sfence.vma zero, zero");
  return true;
}

bool kernel_space_ready() { return g_kernel_satp != 0; }

void kernel_space_add_device(u64 base, u64 size) {
  if (g_device_count == kMaxDeviceWindows || kernel_space_ready())
    panic("kernel space: device window %lx cannot be added", base);
  g_devices[g_device_count++] = DeviceWindow{base, size};
}

void kernel_space_enter() { kernel_space_enter_inline(); }

LAYER_SETUP("03", kernel_space) { trap_enter_hook.fill(kernel_space_enter); }

u64 kernel_satp() { return g_kernel_satp; }
PageTable& kernel_page_table() { return g_kernel_table; }

void share_kernel_mappings(PageTable& table) {
  u64* mine = root_entries(table);
  const u64* kernel = root_entries(g_kernel_table);
  for (u64 i = g_ram_begin / kGiB; i < align_up(g_ram_end, kGiB) / kGiB; i++) mine[i] = kernel[i];
}

void unshare_kernel_mappings(PageTable& table) {
  u64* mine = root_entries(table);
  for (u64 i = g_ram_begin / kGiB; i < align_up(g_ram_end, kGiB) / kGiB; i++) mine[i] = 0;
}
