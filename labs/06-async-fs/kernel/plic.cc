// kernel/plic.cc: PLIC registers, the handler table and the claim loop.
// Layer: kernel/trap. The registers (QEMU virt, hw/intc/sifive_plic.c):
//   base + 4 * irq                          priority of source irq (0 = never)
//   base + 0x2000 + 0x80 * ctx + 4 * word   enable bits of context ctx
//   base + 0x200000 + 0x1000 * ctx          priority threshold of ctx
//   base + 0x200004 + 0x1000 * ctx          claim (read) / complete (write)
#include "kernel/plic.hh"
#include "kernel/boot.hh"
#include "kernel/console.hh"
#include "kernel/fdt_devices.hh"
#include "kernel/main.hh"

namespace {
constexpr u64 kVirtPlicBase = 0x0c000000;
constexpr u64 kSieSeie = 1 << 9;
constexpr u32 kSupervisorExternal = 9;  // the cause a context's line raises on its hart

struct IrqSlot {
  IrqHandler handler;
  void* context;
};

u64 g_base;
u32 g_context;
u32 g_sources;
// Cleared by plic_init, so kept out of .bss: boot does not clear it.
[[gnu::section(".noinit.irqs")]] IrqSlot g_handlers[kPlicMaxSources];
u64 g_claimed;
u64 g_irq_instret;

volatile u32& reg(u64 offset) { return *reinterpret_cast<volatile u32*>(g_base + offset); }
u64 enable_offset(u32 irq) { return 0x2000 + 0x80 * u64(g_context) + 4 * (irq / 32); }
u64 context_offset() { return 0x200000 + 0x1000 * u64(g_context); }

// The S-mode context of `hart`: the hart-th pair of interrupts-extended whose cause is 9
// (the pairs are <cpu-intc phandle, cause>, one per context, harts in order).
// FIXME: assumes the cpus are listed in hart order (true on QEMU virt).
u32 supervisor_context(const FdtToken& extended, u64 hart) {
  u64 seen = 0;
  for (u32 i = 0; (i + 1) * 8 <= extended.length; i++) {
    if (be32(extended.data + 8 * i + 4) != kSupervisorExternal) continue;
    if (seen++ == hart) return i;
  }
  return u32(2 * hart + 1);
}
}  // namespace

bool plic_init(const void* dtb) {
  if (g_base) return true;
  FdtDevice plic;
  Result<Fdt> fdt = Fdt::create(dtb);
  bool found = fdt.ok() && (fdt_find_devices(fdt.value(), "riscv,plic0", &plic, 1) > 0 ||
                            fdt_find_devices(fdt.value(), "sifive,plic-1.0.0", &plic, 1) > 0);
  if (!found) {
    plic = FdtDevice{};
    plic.base = kVirtPlicBase;
  }
  for (IrqSlot& slot : g_handlers) slot = IrqSlot{};
  g_base = plic.base;
  g_context = supervisor_context(plic.extended, g_boot.hartid);
  g_sources = plic.sources ? min_of(plic.sources + 1, kPlicMaxSources) : kPlicMaxSources;
  for (u32 word = 0; word < kPlicMaxSources / 32; word++) reg(enable_offset(word * 32)) = 0;
  reg(context_offset()) = 0;  // threshold: every priority >= 1 gets through
  while (u32 stale = plic_claim()) plic_complete(stale);
  asm volatile("csrs sie, %0" : : "r"(kSieSeie));
  kprintf("plic: %p, S-mode context %u of hart %lu, %u sources\n", reinterpret_cast<void*>(g_base), g_context,
          g_boot.hartid, g_sources - 1);
  return true;
}

bool plic_ready() { return g_base != 0; }

bool irq_register(u32 irq, IrqHandler handler, void* context, u32 priority) {
  if (!g_base || irq == 0 || irq >= g_sources || g_handlers[irq].handler || priority == 0 || priority > 7)
    return false;
  g_handlers[irq] = IrqSlot{handler, context};
  reg(4 * u64(irq)) = priority;
  reg(enable_offset(irq)) = reg(enable_offset(irq)) | (1u << (irq % 32));
  return true;
}

u32 plic_claim() { return reg(context_offset() + 4); }
void plic_complete(u32 irq) { reg(context_offset() + 4) = irq; }

void external_interrupt() {
  g_irq_instret = read_instret();
  if (!g_base) return;
  while (u32 irq = plic_claim()) {
    g_claimed++;
    if (irq < g_sources && g_handlers[irq].handler) g_handlers[irq].handler(g_handlers[irq].context);
    else kprintf("plic: interrupt %u has no handler\n", irq);
    plic_complete(irq);
  }
}

u64 external_interrupts() { return g_claimed; }
u64 external_interrupt_instret() { return g_irq_instret; }
