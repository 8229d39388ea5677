// kernel/sbi.cc: typed wrappers over sbi_ecall().
// Layer: kernel/sbi.
#include "kernel/sbi.hh"
#include "kernel/boot.hh"

namespace {
EARLY_DATA int g_sbi_state;  // 0 = unknown, 1 = works, -1 = hole still open
}

bool sbi_available() {
  if (g_sbi_state == 0) {
    SbiRet r = sbi_ecall(sbi_ext::base, 0);
    g_sbi_state = (r.error == kSbiSuccess) ? 1 : -1;
  }
  return g_sbi_state > 0;
}

long sbi_spec_version() { return sbi_ecall(sbi_ext::base, 0).value; }
long sbi_impl_id() { return sbi_ecall(sbi_ext::base, 1).value; }
long sbi_impl_version() { return sbi_ecall(sbi_ext::base, 2).value; }

bool sbi_probe_extension(long extension) {
  SbiRet r = sbi_ecall(sbi_ext::base, 3, extension);
  return r.error == kSbiSuccess && r.value != 0;
}

void sbi_console_putchar(char c) { sbi_ecall(sbi_ext::legacy_console_putchar, 0, u8(c)); }

bool sbi_set_timer(u64 stime_value) {
  return sbi_ecall(sbi_ext::timer, 0, long(stime_value)).error == kSbiSuccess;
}

void sbi_system_reset(bool failure) {
  constexpr long kShutdown = 0, kNoReason = 0, kSystemFailure = 1;
  sbi_ecall(sbi_ext::system_reset, 0, kShutdown, failure ? kSystemFailure : kNoReason);
}
