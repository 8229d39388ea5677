// user/programs/pingpong.cc: yields back and forth with a partner; instructions per yield
// (one full-path trap + a switch) with the partner in another AS or in the same one.
#include "user/lib/ulib.hh"

int main(u64 seed) {
  constexpr u64 kRounds = 200;
  sys_yield();  // both started
  u64 start = read_instret();
  for (u64 i = 0; i < kRounds; i++) sys_yield();
  u64 spent = read_instret() - start;
  // Each of our yields also runs one of the partner's: halve for one switch.
  ureport("bench yield_switch %lu", spent / kRounds / 2);
  return 0;
}
