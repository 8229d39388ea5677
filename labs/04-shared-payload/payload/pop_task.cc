// payload/pop_task.cc: the scheduler's decision, pop(s, f) of the seed. Layer: payload.
// (Lab 04 hole: pop_next.) The same code serves both payloads: the FIFO one only ever
// uses queue 0.
#include "payload/sched_state.hh"

// pop_next(s, can_run, ctx): the next task for the calling executor, as PopWords.
//   run:     the next ready task can run here; it leaves its queue and is now `running`
//   yield:   the next ready task lives in another AS (can_run said no); it stays ready
//   done:    no task is ready (sleeping tasks are not on the queues: skipped, not lost)
//   corrupt: the state is inconsistent; nothing changed
// can_run == nullptr means every task can run here.
static PopWords pop_next(SchedState* s, PayloadCanRunFn can_run, void* ctx) {
  // TODO(lab04): implement pop, in O(1) and within 100 instructions. All the data is in
  // payload/sched_state.hh; user code can write every byte of it, so check before use.
  //  1. If !sched_ok(s): count it in s->stats.corrupt_detected (when s is not null) and
  //     return pop_result(PopKind::corrupt).
  //  2. No bit set in s->ready_bitmap: count a done (stats.dones) and return it.
  //  3. The first task of the highest-priority non-empty queue:
  //     level = lowest_level(bitmap), i = s->levels[level].head. Before touching slot i,
  //     check i < kPayloadMaxTasks, and that the task there is ready and holds its own
  //     id (task_slot(meta.id) == i); anything else is corruption.
  //  4. Copy its TaskMeta to a local and ask can_run(ctx, &copy). No: count a yield and
  //     return pop_result(PopKind::yield, id, as_id) (no repr: it means nothing here).
  //  5. Yes: ready_remove_head(s, level, i) (false = corruption; it checks again that i
  //     heads its queue, since can_run is foreign code). Set the task's state to
  //     running, count a pop and return pop_result(PopKind::run, id, as_id, repr).
  (void)s, (void)can_run, (void)ctx;
  return pop_result(PopKind::not_implemented);
}

// payload_pop_task: the entry (PayloadPopTaskFn); the result comes back in a0/a1.
PopResult payload_pop_task(void* state, PayloadCanRunFn can_run, void* ctx) {
  return to_pop_result(pop_next(static_cast<SchedState*>(state), can_run, ctx));
}
