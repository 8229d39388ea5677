// user/programs/scribbler.cc: hostile: adds a task, then writes seeded garbage over the
// payload's data (which every AS may write) and yields into the kernel. The kernel must
// notice, report it and recover, not crash.
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

static RunOutcome run_task(u64 repr, u32) {
  ureport("task as=%u repr=%lx", my_as_id(), repr);
  return RunOutcome::done;
}

int main(u64 seed) {
  const PayloadHeader* h = payload_header();
  if (!h) return 3;
  executor_register(run_task);
  task_add(1, 0);
  SplitMix64 rng(seed);
  u64* data = reinterpret_cast<u64*>(h->data_start);
  u64 words = (h->end - h->data_start) / 8;
  for (u64 i = 0; i < words; i++) data[i] = rng.next();
  ureport("scribbler wrote=%lu", words);
  fast_yield();
  ureport("scribbler survived");
  return 0;
}
