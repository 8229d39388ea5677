// user/lib/regcheck.hh: assembly helpers that fill registers with patterns and check
// that the kernel gives them back intact (user/lib/regcheck.S). Layer: user/lib.
#pragma once
#include "lib/types.hh"

// Table indices for spin_check_registers().
constexpr int kSpinDeadline = 32, kSpinIterations = 33, kSpinBadRegister = 34, kSpinTableSize = 36;

extern "C" {
// fast_preserve_check(patterns, calls): load patterns[0..13] into gp, tp, s0..s11,
// make `calls` fast calls (null and echo by turns), and return a mask with bit N set
// for every register xN that changed (bit 2: sp). patterns has 14 slots.
u64 fast_preserve_check(u64* patterns, long calls);

// spin_check_registers(table): load table[N] into every register xN except sp (which
// points at the table meanwhile) and spin, checking them all, until the `time` CSR
// reaches table[kSpinDeadline]. Counts rounds in table[kSpinIterations]; on a
// mismatch stores the register number in table[kSpinBadRegister] and stops.
void spin_check_registers(u64* table);
}
