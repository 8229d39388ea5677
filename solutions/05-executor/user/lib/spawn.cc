// user/lib/spawn.cc: the seed's spawn primitive (生成原语). Layer: user/lib. (Reference solution.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
i64 add_task(PromiseBase& task, void* frame, u64 priority) {
  NoPreempt runtime_mode;
  task.resume_point = std::coroutine_handle<>::from_address(frame);
  task.joiner = nullptr;
  task.finished = task.detached = false;
  i64 id = task_add(u64(frame), priority);
  if (id < 0) {
    stats().spawn_failures++;
    return id;
  }
  task.task_id = u32(id);
  task.magic = task_detail::kSpawnedMagic;
  stats().spawned++;
  return id;
}

}  // namespace runtime_detail
