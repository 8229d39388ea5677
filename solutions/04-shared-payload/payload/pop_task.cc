// payload/pop_task.cc: the scheduler's decision, pop(s, f) of the seed. Layer: payload.
// (Reference solution.) The same code serves both payloads: the FIFO one only ever uses
// queue 0. O(1): one table lookup for the level, one unlink at a queue's head.
#include "payload/sched_state.hh"

// pop_corrupt(s): count and report corruption; out of line, off the hot path.
[[gnu::noinline, gnu::cold]] static PopWords pop_corrupt(SchedState* s) {
  if (s) s->stats.corrupt_detected++;
  return pop_result(PopKind::corrupt);
}

// pop_next(s, can_run, ctx): the next task for the calling executor, as PopWords.
//   run:     the next ready task can run here; it leaves its queue and is now `running`
//   yield:   the next ready task lives in another AS (can_run said no); it stays ready
//   done:    no task is ready (sleeping tasks are not on the queues: skipped, not lost)
//   corrupt: the state is inconsistent; nothing changed
// can_run == nullptr means every task can run here.
static PopWords pop_next(SchedState* s, PayloadCanRunFn can_run, void* ctx) {
  if (!sched_ok(s)) return pop_corrupt(s);
  u8 bitmap = s->ready_bitmap;
  if (bitmap == 0) {
    s->stats.dones++;
    return pop_result(PopKind::done);
  }
  usize level = lowest_level(bitmap);
  usize i = s->levels[level].head;
  if (i >= kPayloadMaxTasks) return pop_corrupt(s);
  TaskSlot& t = s->slots[i];
  TaskMeta meta = t.meta;  // can_run sees a private copy, stable while it runs
  if (meta.state != TaskState::ready || task_slot(meta.id) != i) return pop_corrupt(s);
  if (can_run && !can_run(ctx, &meta)) {
    s->stats.yields++;
    return pop_result(PopKind::yield, meta.id, meta.as_id);
  }
  // ready_remove_head checks again that i heads its queue: can_run is foreign code.
  if (!ready_remove_head(s, level, i)) return pop_corrupt(s);
  t.meta.state = TaskState::running;
  s->stats.pops++;
  return pop_result(PopKind::run, meta.id, meta.as_id, meta.repr);
}

// payload_pop_task: the entry (PayloadPopTaskFn); the result comes back in a0/a1.
PopResult payload_pop_task(void* state, PayloadCanRunFn can_run, void* ctx) {
  return to_pop_result(pop_next(static_cast<SchedState*>(state), can_run, ctx));
}
