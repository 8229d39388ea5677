// user/lib/spawn.cc: the seed's spawn primitive (生成原语), its payload half. Layer: user/lib.
// (Lab 05 hole.)
#include "user/lib/runtime.hh"
#ifndef SQUALL_RUNTIME_SYS
#include "user/lib/runtime_sys.hh"
#endif

namespace runtime_detail {
i64 add_task(PromiseBase& task, void* frame, u64 priority) {
  // TODO(lab05): put the spawned task (spawn_task in runtime.cc has set up its promise)
  // into the shared scheduler, in runtime mode (NoPreempt: a tick must not take us away
  // half-way):
  //  - id = task_add(frame's address, priority): the representation is the frame's
  //    address; the metadata is our AS (user/lib/payload.hh adds it) and the priority
  //    (it may carry kPayloadAddClaimed: the task stays `running`, ours);
  //  - a negative id is the payload's refusal: count stats().spawn_failures, return it;
  //  - else task.task_id = id (task_at matches pops by it), count stats().registered,
  //    return id.
  (void)task, (void)frame, (void)priority;
  return error_return(Error::no_sys);
}
}  // namespace runtime_detail
