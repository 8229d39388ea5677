// user/lib/executor_loop.cc: the seed's user start-up loop. Layer: user/lib. (Lab 05 hole.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
void executor_loop() {
  // TODO(lab05): loop { pop the shared scheduler (next_task(): our local queue when the
  //   payload has nobody ahead of it, else task_pop) and:
  //   Run(t)   -> run_task(t.task_id, t.repr), then pop again;
  //   Yield    -> the next task is another AS's: fast_yield() (count stats().fast_yields);
  //               1 = ours again: pop again; 0 = nothing ready anywhere: return;
  //               negative: ureport it and return;
  //   Done     -> return;
  //   anything else (corrupt, the lab 04 hole) -> ureport it and return. }
  ureport("runtime: executor_loop is not written yet (TODO(lab05) in user/lib/executor_loop.cc)");
}
}  // namespace runtime_detail
