// user/programs/payload_peek.cc: user code may call the payload and read its header,
// but its code is execute-only: reading (seed even) or writing (seed odd) it faults.
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

int main(u64 seed) {
  const PayloadHeader* h = payload_header();
  if (!h) return 3;
  PayloadStats stats{};
  i64 ok = payload_read_stats(&stats);
  u64 target = h->entries.pop_task & ~7ull;
  ureport("payload_peek stats=%ld capacity=%u target=%lx", ok, stats.capacity, target);
  if (seed & 1) *reinterpret_cast<volatile u64*>(target) = 0;
  else ureport("payload_peek read=%lx", *reinterpret_cast<volatile u64*>(target));
  ureport("payload_peek survived");
  return 0;
}
