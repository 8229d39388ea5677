// kernel/sbi.hh: calls into the SBI firmware (OpenSBI) below us in M-mode.
// Layer: kernel/sbi. Spec: RISC-V Supervisor Binary Interface, v1.0.
#pragma once
#include "lib/types.hh"

// Extension IDs (a7) used by Squall.
namespace sbi_ext {
constexpr long legacy_console_putchar = 0x01;
constexpr long base = 0x10;
constexpr long timer = 0x54494D45;  // "TIME"
constexpr long system_reset = 0x53525354;  // "SRST"
}  // namespace sbi_ext

// Standard SBI error codes (a0 on return).
constexpr long kSbiSuccess = 0;
constexpr long kSbiErrNotSupported = -2;
// Not an SBI code: what the starter's sbi_ecall() returns while the lab 01 hole is open.
constexpr long kSbiErrHoleOpen = -1000;

struct SbiRet {
  long error;
  long value;
};

// sbi_ecall(ext, fid, arg0..arg2): one SBI call. a7 = ext, a6 = fid, a0..a2 = args;
// the firmware answers in a0 (error) and a1 (value). (Lab 01 hole: kernel/sbi_ecall.cc.)
SbiRet sbi_ecall(long extension, long function, long arg0 = 0, long arg1 = 0, long arg2 = 0);

// True once sbi_ecall() has been seen to work (the console uses it then).
bool sbi_available();

long sbi_spec_version();           // (major << 24) | minor
long sbi_impl_id();                // 1 = OpenSBI
long sbi_impl_version();
bool sbi_probe_extension(long extension);
void sbi_console_putchar(char c);  // legacy extension 0x01
bool sbi_set_timer(u64 stime_value);
// sbi_system_reset(failure): shut the machine down; returns only if the firmware refused.
void sbi_system_reset(bool failure);
