// user/lib/spawn.cc: the seed's spawn primitive (生成原语), its payload half. Layer: user/lib.
// (Reference solution.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
i64 add_task(PromiseBase& task, void* frame, u64 priority) {
  NoPreempt runtime_mode;
  i64 id = task_add(u64(frame), priority);
  if (id < 0) {
    stats().spawn_failures++;
    return id;
  }
  task.task_id = u32(id);
  stats().registered++;
  return id;
}
}  // namespace runtime_detail
