// user/programs/quota.cc: one AS may not fill the shared scheduler (seed item 14): adding
// tasks stops with -ENOSPC at the per-AS quota, while the table still has room; the
// tasks are removed again and the program goes on.
#include "user/lib/payload.hh"
#include "user/lib/ulib.hh"

int main(u64 seed) {
  if (!payload_header()) return 3;
  static i64 ids[kPayloadMaxTasks];
  u64 added = 0;
  i64 refused = 0;
  while (added < kPayloadMaxTasks) {
    i64 id = task_add(added, seed % kPayloadLevels);
    if (id < 0) {
      refused = id;
      break;
    }
    ids[added++] = id;
  }
  PayloadStats stats{};
  payload_read_stats(&stats);
  for (u64 i = 0; i < added; i++) task_remove(u64(ids[i]));
  ureport("quota added=%lu refused=%ld capacity=%u", added, refused, stats.capacity);
  return 0;
}
