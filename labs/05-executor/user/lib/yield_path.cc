// user/lib/yield_path.cc: the AS switch on the yield path, from the task's side.
// Layer: user/lib. (Lab 05 hole.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
bool yield_to_kernel(PromiseBase& me, bool behind_others) {
  // TODO(lab05): when the yield must leave this AS, let the kernel do it in one entry:
  //  - only if behind_others and me is in the payload (me.task_id != 0; a local task
  //    not registered yet takes the other way);
  //  - count it in stats().fast_yields, then fast_yield_task(me.task_id): the kernel sets
  //    me ready and pops. If another AS's task is next, the call does not return: this
  //    stack is dropped and the executor restarts at runtime_executor_entry;
  //  - a result >= 0 means ours is next: return true (the caller pops). A negative one
  //    (the payload refused the id): return false.
  // Until then every such yield takes the other way: the local queue, a pop that says
  // Yield, flush_locals and fast_yield: three payload calls instead of one
  // (xas_switch@runtime in make bench).
  (void)me, (void)behind_others;
  return false;
}
}  // namespace runtime_detail
