// user/programs/threads.cc: tasks started as threads: three threads of this AS add
// seeded values into one shared array, each on its own stack, preempted by the timer
// (none of them ever yields); the main thread joins them and checks their results.
#include "user/lib/thread.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr int kThreads = 3;
volatile u64 g_cells[kThreads];
u64 g_start[kThreads][2];

long work(u64 seed) {
  SplitMix64 rng(seed);
  u64 rounds = 100000 + rng.below(100000);  // a few ms each: the timer preempts them
  u64 sum = 0;
  for (u64 i = 0; i < rounds; i++) sum += rng.next() >> 40;
  g_cells[seed % kThreads] = sum;  // the main thread sees it: one AS
  return long(sum & 0x7fffffff);
}
}  // namespace

int main(u64 seed) {
  long pids[kThreads];
  for (int i = 0; i < kThreads; i++) {
    u64 s = seed - seed % kThreads + u64(i);  // s % kThreads == i
    g_start[i][0] = uptr(&work);
    g_start[i][1] = s;
    pids[i] = thread_spawn(g_start[i]);
  }
  u64 ticks_before = u64(sys_ticks());
  u64 total = 0;
  long agree = 0;
  for (int i = 0; i < kThreads; i++) {
    long result = thread_join(pids[i]);
    agree += result == long(g_cells[i] & 0x7fffffff);
    total += g_cells[i];
  }
  ureport("threads n=%d agree=%ld total=%lx preempted=%s", kThreads, agree, total,
          u64(sys_ticks()) - ticks_before > 2 ? "yes" : "no");
  return 0;
}
