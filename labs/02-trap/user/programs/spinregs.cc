// user/programs/spinregs.cc: the full path keeps every register intact across timer
// interrupts: spin with seeded patterns in all of them until a deadline.
#include "user/lib/regcheck.hh"
#include "user/lib/ulib.hh"

int main(u64 seed) {
  SplitMix64 rng(seed);
  u64 table[kSpinTableSize] = {};
  u64 sum = 0;
  for (int n = 1; n < 32; n++) {
    if (n == 2) continue;  // sp points at the table meanwhile
    sum += (table[n] = rng.next());
  }
  // a7 = 0 when the timer strikes looks like a fast call to a careless trap entry: the
  // full path must still save the program's a7, not what the fast-path test left there.
  sum -= table[17];
  table[17] = 0;
  u64 ticks_before = u64(sys_ticks());
  u64 duration = 10'000'000 / 1000 * (60 + rng.below(40));  // 60..99 ms of `time` at 10 MHz
  table[kSpinDeadline] = read_time() + duration;
  spin_check_registers(table);
  u64 ticks = u64(sys_ticks()) - ticks_before;
  ureport("spinregs bad=%lu rounds=%s ticks=%lu sum=%lx", table[kSpinBadRegister],
          table[kSpinIterations] > 0 ? "some" : "none", ticks, sum);
  return 0;
}
