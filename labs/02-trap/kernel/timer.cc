// kernel/timer.cc: tick counting and the timer's on/off switch.
// Layer: kernel/trap. Ticks come from the SBI timer extension (set_timer).
#include "kernel/timer.hh"
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/fdt.hh"
#include "kernel/sbi.hh"
#include "lib/string.hh"

namespace {
u64 g_frequency = 10'000'000;  // QEMU virt's timebase, unless the device tree says otherwise
u64 g_slice;
u64 g_ticks;
bool g_sstc;  // stimecmp exists (OpenSBI then lets S-mode write it: menvcfg.STCE)
constexpr u64 kSieTimer = 1 << 5;  // sie.STIE
}  // namespace

void timer_init(const void* dtb) {
  Result<Fdt> fdt = Fdt::create(dtb);
  if (!fdt.ok()) return;
  Result<FdtToken> prop = fdt.value().find_property("/cpus", "timebase-frequency");
  if (prop.ok() && prop.value().length == 4) {
    const u8* p = prop.value().data;
    u64 value = (u64(p[0]) << 24) | (u64(p[1]) << 16) | (u64(p[2]) << 8) | u64(p[3]);
    if (value != 0) g_frequency = value;
  }
  Result<FdtToken> isa = fdt.value().find_property("/cpus/cpu", "riscv,isa");
  if (isa.ok()) {
    const char* text = reinterpret_cast<const char*>(isa.value().data);
    for (u32 i = 0; i + 5 <= isa.value().length; i++)
      if (memcmp(text + i, "_sstc", 5) == 0) g_sstc = true;
  }
  const char* choice = bootargs_get("timer");
  if (choice && strcmp(choice, "sbi") == 0) g_sstc = false;
}

bool timer_uses_sstc() { return g_sstc; }

void timer_set_deadline(u64 time) {
  if (g_sstc) asm volatile("csrw 0x14d, %0" : : "r"(time));  // stimecmp
  else sbi_set_timer(time);
}

u64 timer_frequency() { return g_frequency; }
u64 microseconds_to_time(u64 microseconds) { return microseconds * g_frequency / 1'000'000; }

void timer_start(u64 slice) {
  g_slice = slice;
  if (slice == 0) return timer_stop();
  timer_rearm();
  asm volatile("csrs sie, %0" : : "r"(kSieTimer));
}

void timer_stop() {
  asm volatile("csrc sie, %0" : : "r"(kSieTimer));
  timer_set_deadline(~0ull);  // far future: also clears a pending tick
  g_slice = 0;
}

u64 g_tick_instret;  // instret when the last tick reached timer_tick (for measurements)

void timer_tick() {
  asm volatile("csrr %0, instret" : "=r"(g_tick_instret));
  g_ticks++;
  timer_rearm();
}

u64 timer_ticks() { return g_ticks; }
u64 timer_slice() { return g_slice; }
