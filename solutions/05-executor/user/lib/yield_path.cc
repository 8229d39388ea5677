// user/lib/yield_path.cc: the AS switch on the yield path, from the task's side.
// Layer: user/lib. (Reference solution.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
bool yield_to_kernel(PromiseBase& me, bool behind_others) {
  if (!behind_others || !me.task_id) return false;
  stats().fast_yields++;
  return fast_yield_task(me.task_id) >= 0;  // does not return if another AS's task is next
}
}  // namespace runtime_detail
