// user/lib/spawn.cc: the seed's spawn primitive (生成原语). Layer: user/lib. (Lab 05 hole.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
i64 add_task(PromiseBase& task, void* frame, u64 priority) {
  // TODO(lab05): make the coroutine whose frame is at `frame` a task of the shared
  // scheduler, in runtime mode (NoPreempt: the kernel must not take us away half-way):
  //  - task.resume_point = the coroutine at frame (std::coroutine_handle<>::from_address);
  //    task.joiner = nullptr; task.finished = task.detached = false;
  //  - id = task_add(frame's address, priority): the representation is the frame's
  //    address, the AS is ours (user/lib/payload.hh adds it);
  //  - a negative id is the payload's refusal: count stats().spawn_failures, return it;
  //  - else task.task_id = id, task.magic = task_detail::kSpawnedMagic (the executor
  //    resumes only frames marked so), count stats().spawned, return id.
  (void)task, (void)frame, (void)priority;
  return -kErrNoSys;
}
}  // namespace runtime_detail
