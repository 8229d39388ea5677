// payload/queue.cc: the shared scheduler's entries other than pop_task: init, add_task,
// set_task_state, remove_task, stats, count_in_as. Layer: payload.
// Built twice (mk/payload.mk): SQUALL_PAYLOAD_PRIO=0 gives the FIFO payload (one queue),
// =1 the priority payload (a queue per priority, FIFO within one).
// Every argument is validated, and so is every index read from the (user-writable)
// state; add_task and set_task_state are O(1), stats and count_in_as O(capacity).
#include "payload/sched_state.hh"

#ifndef SQUALL_PAYLOAD_PRIO
#error "compile the payload with -DSQUALL_PAYLOAD_PRIO=0 (FIFO) or =1 (priority)"
#endif

// pop_task.cc's entry, which yield_task ends with. Declared again here, and called as
// (payload_pop_task)(...) (no argument-dependent lookup): the host tests compile this
// file inside a namespace, and must reach that namespace's pop_task.
PopResult payload_pop_task(void* state, PayloadCanRunFn can_run, void* ctx);

namespace {

// queue_level(priority): the ready queue of a task of this priority (< kPayloadLevels).
inline u32 queue_level(u32 priority) { return SQUALL_PAYLOAD_PRIO ? priority : 0; }

[[gnu::noinline, gnu::cold]] i64 refuse(SchedState* s, Error e) {
  s->stats.rejected++;
  return error_return(e);
}

[[gnu::noinline, gnu::cold]] i64 corrupt(SchedState* s) {
  s->stats.corrupt_detected++;
  return error_return(kPayloadCorrupt);
}

// find_task(s, id): the slot of live task `id`, or a negative error.
inline i64 find_task(SchedState* s, u64 id) {
  if (id > 0x7fffffffu || task_slot(u32(id)) >= kPayloadMaxTasks || (id >> 16) == 0)
    return refuse(s, Error::invalid);  // no task ever had this id
  u32 i = task_slot(u32(id));
  const TaskMeta& m = s->slots[i].meta;
  if (m.state == TaskState::free || m.id != id) return refuse(s, Error::not_found);
  if (m.state > TaskState::done) return corrupt(s);
  return i;
}

// set_state(s, id, new_state): payload_set_task_state's work, on an initialised s.
inline i64 set_state(SchedState* s, u64 id, u64 new_state) {
  if (new_state != u64(TaskState::ready) && new_state != u64(TaskState::sleeping) &&
      new_state != u64(TaskState::done))
    return refuse(s, Error::invalid);
  i64 found = find_task(s, id);
  if (found < 0) return found;
  u32 i = u32(found);
  TaskSlot& t = s->slots[i];
  TaskState to = TaskState(new_state);
  if (t.meta.state == TaskState::ready) {
    if (to == TaskState::ready) return 0;
    if (!ready_unlink(s, i)) return corrupt(s);
  } else if (to == TaskState::ready) {
    if (t.meta.priority >= kPayloadLevels || !ready_append(s, i, queue_level(t.meta.priority)))
      return corrupt(s);
  }
  t.meta.state = to;
  s->stats.state_changes++;
  return 0;
}

}  // namespace

// payload_init(state, state_bytes): an empty scheduler: every slot free, no task ready.
// The only entry that does not require an initialised state.
i64 payload_init(void* state, u64 state_bytes) {
  if (!state || state_bytes < sizeof(SchedState) || (uptr(state) & 7))
    return error_return(Error::invalid);
  u64* words = static_cast<u64*>(state);
  for (usize w = 0; w < sizeof(SchedState) / sizeof(u64); w++) words[w] = 0;
  SchedState* s = static_cast<SchedState*>(state);
  for (u32 l = 0; l < kPayloadLevels; l++) s->levels[l] = {kNil, kNil};
  for (u32 i = 0; i < kPayloadMaxTasks; i++) {
    s->slots[i].prev = kNil;
    s->slots[i].next = i + 1 < kPayloadMaxTasks ? u16(i + 1) : kNil;
  }
  s->free_head = 0;
  s->magic = kSchedStateMagic;
  return 0;
}

// payload_add_task(state, repr, as_id, priority): a new ready task at the tail of its
// queue, or (priority | kPayloadAddClaimed) a new task already `running`, on no queue.
// Returns its id (> 0), -invalid, -no_space (table or quota full) or -kPayloadCorrupt.
i64 payload_add_task(void* state, u64 repr, u64 as_id, u64 priority) {
  SchedState* s = static_cast<SchedState*>(state);
  if (!sched_ok(s)) return error_return(kPayloadCorrupt);
  bool claimed = false;
  if (as_id > 0xffff) return refuse(s, Error::invalid);
  if (priority >= kPayloadLevels) {  // the plain add (a priority) is the fast path
    if (!(priority & kPayloadAddClaimed) || (priority & ~kPayloadAddClaimed) >= kPayloadLevels)
      return refuse(s, Error::invalid);
    claimed = true;
    priority &= ~kPayloadAddClaimed;
  }
  u16* quota = (as_id != 0 && as_id < kQuotaTrackedSpaces) ? &s->tasks_of_as[as_id] : nullptr;
  if (quota && *quota >= kPayloadQuotaPerAs) return refuse(s, Error::no_space);
  u32 i = s->free_head;
  if (i == kNil) return refuse(s, Error::no_space);
  if (i >= kPayloadMaxTasks) return corrupt(s);
  TaskSlot& t = s->slots[i];
  u32 next = t.next;
  if (t.meta.state != TaskState::free || (next != kNil && next >= kPayloadMaxTasks)) return corrupt(s);
  if (claimed) {
    t.prev = t.next = kNil;
  } else if (!ready_append(s, i, queue_level(u32(priority)))) {
    return corrupt(s);
  }
  s->free_head = u16(next);
  u32 id = task_id(next_generation(t.meta.id), i);
  t.meta = TaskMeta{repr, id, u16(as_id), u8(priority), claimed ? TaskState::running : TaskState::ready};
  if (quota) ++*quota;
  s->stats.adds++;
  return id;
}


// payload_set_task_state(state, id, new_state): move a task to ready (the tail of its
// queue; a ready task keeps its place), sleeping or done (off the queues, kept in the
// table). `running` comes only from pop_task and `free` only from remove_task.
i64 payload_set_task_state(void* state, u64 id, u64 new_state) {
  SchedState* s = static_cast<SchedState*>(state);
  if (!sched_ok(s)) return error_return(kPayloadCorrupt);
  return set_state(s, id, new_state);
}

// yield_slow(state, id, can_run, ctx): yield_task past its quick case: set_task_state's
// checks and answers, then the pop.
[[gnu::noinline]] static PopResult yield_slow(void* state, u64 id, PayloadCanRunFn can_run, void* ctx) {
  SchedState* s = static_cast<SchedState*>(state);
  i64 e = sched_ok(s) ? set_state(s, id, u64(TaskState::ready)) : error_return(kPayloadCorrupt);
  if (e < 0) return PopResult{e == error_return(kPayloadCorrupt) ? PopKind::corrupt : PopKind::refused, 0, 0, 0, 0};
  return (payload_pop_task)(state, can_run, ctx);
}

// payload_yield_task(state, id, can_run, ctx): ABI 1.2: set_task_state(id, ready), then
// pop_task(can_run, ctx): one call for a yield and the decision after it. The quick case
// (a running task goes to its queue's tail) makes no call but the pop's (a tail call).
PopResult payload_yield_task(void* state, u64 id, PayloadCanRunFn can_run, void* ctx) {
  SchedState* s = static_cast<SchedState*>(state);
  if (!sched_ok(s)) return yield_slow(state, id, can_run, ctx);
  u32 i = task_slot(u32(id)) % kPayloadMaxTasks;  // (meta.id is user-writable: index with i)
  TaskSlot& t = s->slots[i];
  bool quick = t.meta.id == id && t.meta.state == TaskState::running && t.meta.priority < kPayloadLevels &&
               ready_append(s, i, queue_level(t.meta.priority));
  if (!quick) return yield_slow(state, id, can_run, ctx);
  t.meta.state = TaskState::ready;
  s->stats.state_changes++;
  return (payload_pop_task)(state, can_run, ctx);
}

// payload_remove_task(state, id): forget a task in any state; its slot becomes free and
// its id stale.
i64 payload_remove_task(void* state, u64 id) {
  SchedState* s = static_cast<SchedState*>(state);
  if (!sched_ok(s)) return error_return(kPayloadCorrupt);
  i64 found = find_task(s, id);
  if (found < 0) return found;
  u32 i = u32(found);
  TaskSlot& t = s->slots[i];
  if (t.meta.state == TaskState::ready && !ready_unlink(s, i)) return corrupt(s);
  u32 as_id = t.meta.as_id;
  if (as_id != 0 && as_id < kQuotaTrackedSpaces && s->tasks_of_as[as_id] > 0) s->tasks_of_as[as_id]--;
  t.meta.state = TaskState::free;
  t.prev = kNil;
  t.next = s->free_head;
  s->free_head = u16(i);
  s->stats.removes++;
  return 0;
}

// payload_stats(state, out): the counters, plus a scan of the table for ready and live
// tasks. Writes *out even when the state is corrupt (then returns -kPayloadCorrupt).
i64 payload_stats(void* state, PayloadStats* out) {
  SchedState* s = static_cast<SchedState*>(state);
  if (!s || !out) return error_return(Error::invalid);
  const PayloadStats& c = s->stats;
  out->adds = c.adds;
  out->removes = c.removes;
  out->state_changes = c.state_changes;
  out->pops = c.pops;
  out->yields = c.yields;
  out->dones = c.dones;
  out->rejected = c.rejected;
  out->corrupt_detected = c.corrupt_detected;
  u32 ready = 0, live = 0;
  for (u32 i = 0; i < kPayloadMaxTasks; i++) {
    TaskState st = s->slots[i].meta.state;
    ready += st == TaskState::ready;
    live += st != TaskState::free;
  }
  out->ready = ready;
  out->live = live;
  out->capacity = kPayloadMaxTasks;
  out->levels = SQUALL_PAYLOAD_PRIO ? kPayloadLevels : 1;
  return sched_ok(s) ? 0 : error_return(kPayloadCorrupt);
}

// payload_count_in_as(state, as_id): how many tasks of address space as_id are in the
// table and not done (ready, running or sleeping). 0 means the AS has no work left.
i64 payload_count_in_as(void* state, u64 as_id) {
  SchedState* s = static_cast<SchedState*>(state);
  if (!sched_ok(s)) return error_return(kPayloadCorrupt);
  if (as_id > 0xffff) return refuse(s, Error::invalid);
  i64 n = 0;
  for (u32 i = 0; i < kPayloadMaxTasks; i++) {
    const TaskMeta& m = s->slots[i].meta;
    n += m.as_id == as_id && (m.state == TaskState::ready || m.state == TaskState::running ||
                              m.state == TaskState::sleeping);
  }
  return n;
}
