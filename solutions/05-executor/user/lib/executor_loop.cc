// user/lib/executor_loop.cc: the seed's user start-up loop. Layer: user/lib. (Reference solution.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
void executor_loop() {
  for (;;) {
    PopResult r = next_task();
    if (r.kind == PopKind::run) {
      run_task(r.task_id, r.repr);
      continue;
    }
    if (r.kind == PopKind::yield) {
      stats().fast_yields++;
      long back = fast_yield();  // 1: the next task is ours; 0: nothing ready anywhere
      if (back == 1) continue;
      if (back < 0) ureport("runtime: fast_yield err=%ld", back);
      return;
    }
    if (r.kind != PopKind::done) ureport("runtime: pop kind=%u: payload corrupt or lab 04 hole open", unsigned(r.kind));
    return;
  }
}
}  // namespace runtime_detail
