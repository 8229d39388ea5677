// payload/payload_corrupt_test.cc: host unit test of the payload against scribbled data,
// both flavours (see payload_test_util.hh). Layer: host tests. User code can write the
// whole state, so: targeted scribbles must each be reported as corruption, and seeded
// random scribbles between calls with random arguments must never make an entry read or
// write outside the state (ASan, UBSan), loop without end (watchdog) or return anything
// out of range. While the lab 04 hole (pop_task) is open, its checks are skipped.
#include "payload/payload_test_util.hh"

// Single, targeted scribbles: each must be reported as corruption, never followed.
static void targeted_corruption(const Flavour& f, SchedState* s, bool hole_open) {
  auto fresh = [&](i64* a, i64* b) {
    f.init(s, sizeof *s);
    *a = f.add(s, 1, 0, 2), *b = f.add(s, 2, 0, 2);
  };
  i64 a, b;
  fresh(&a, &b);
  s->free_head = kPayloadMaxTasks + 3;
  CHECK(f.add(s, 3, 0, 0) == kCorrupt);
  fresh(&a, &b);
  s->free_head = u16(task_slot(u32(a)));  // a live slot on the free list
  CHECK(f.add(s, 3, 0, 0) == kCorrupt);
  fresh(&a, &b);
  CHECK(f.set(s, b, kSleeping) == 0);
  s->slots[task_slot(u32(b))].meta.priority = 200;
  CHECK(f.set(s, b, kReady) == kCorrupt);
  s->slots[task_slot(u32(b))].meta.state = TaskState(77);
  CHECK(f.remove(s, b) == kCorrupt && f.set(s, b, kReady) == kCorrupt);
  fresh(&a, &b);
  s->slots[task_slot(u32(a))].level = 9;
  CHECK(f.remove(s, a) == kCorrupt);
  fresh(&a, &b);
  s->slots[task_slot(u32(a))].next = 500;
  CHECK(f.set(s, a, kDone) == kCorrupt);
  s->magic ^= 1;
  CHECK(f.add(s, 3, 0, 0) == kCorrupt && f.set(s, a, kDone) == kCorrupt && f.remove(s, a) == kCorrupt);
  CHECK(f.count(s, 0) == kCorrupt);
  PayloadStats st{};
  CHECK(f.stats(s, &st) == kCorrupt && st.live == 2);
  if (hole_open) return;
  CHECK(pop_in(f, s, 0).kind == PopKind::corrupt);
  u32 level = f.prio ? 2 : 0;
  const u16 bad_heads[] = {kNil, kPayloadMaxTasks, 0x1234};
  for (u16 head : bad_heads) {
    fresh(&a, &b);
    s->levels[level].head = head;
    CHECK(pop_in(f, s, 0).kind == PopKind::corrupt);
  }
  fresh(&a, &b);
  s->ready_bitmap = 1u << 5;  // an empty level said non-empty
  CHECK(pop_in(f, s, 0).kind == PopKind::corrupt);
  fresh(&a, &b);
  s->slots[task_slot(u32(a))].meta.state = TaskState::sleeping;  // queued but not ready
  CHECK(pop_in(f, s, 1).kind == PopKind::corrupt);  // not even a yield
  fresh(&a, &b);
  s->slots[task_slot(u32(a))].next = u16(task_slot(u32(a)));  // a loop
  CHECK(pop_in(f, s, 0).kind == PopKind::corrupt);
  fresh(&a, &b);
  s->slots[task_slot(u32(a))].next = kNil;  // a says it is last, the tail says b
  CHECK(pop_in(f, s, 0).kind == PopKind::corrupt);
  // can_run is foreign code: here it moves the task to the back of its queue.
  fresh(&a, &b);
  struct Meddler {
    const Flavour* f;
    SchedState* s;
    static bool can_run(void* ctx, const TaskMeta* t) {
      Meddler* m = static_cast<Meddler*>(ctx);
      return m->f->set(m->s, t->id, kSleeping) == 0 && m->f->set(m->s, t->id, kReady) == 0;
    }
  } meddler{&f, s};
  CHECK(f.pop(s, Meddler::can_run, &meddler).kind == PopKind::corrupt);
  CHECK(f.stats(s, &st) == 0 && st.corrupt_detected == 1 && st.pops == 0);
}

// ---- corruption fuzz -------------------------------------------------------------------
static void scribble(SchedState* s, SplitMix64& rng, const i64* ids, u32 n_ids) {
  u8* bytes = reinterpret_cast<u8*>(s);
  u64 mode = rng.below(100), size = sizeof *s;
  if (mode == 0) {  // everything
    for (u64 i = 0; i < size; i++) bytes[i] = u8(rng.next());
  } else if (mode < 50) {  // a few bytes, anywhere but the magic
    for (u64 k = rng.below(4) + 1; k; k--) bytes[4 + rng.below(size - 4)] = u8(rng.next());
  } else if (mode < 75) {  // a small value over a slot's priority, state or level byte
    const u64 fields[] = {offsetof(TaskMeta, priority), offsetof(TaskMeta, state), offsetof(TaskSlot, level)};
    u64 i = rng.below(2) ? task_slot(u32(ids[rng.below(n_ids)])) : rng.below(kPayloadMaxTasks);
    u64 slot = offsetof(SchedState, slots) + (i % kPayloadMaxTasks) * sizeof(TaskSlot);
    bytes[slot + fields[rng.below(3)]] = u8(rng.below(rng.below(2) ? 10 : 256));
  } else {  // a plausible u16 (a slot index, kNil, a small number) over a u16 field
    u16 v = rng.below(4) ? u16(rng.below(kPayloadMaxTasks + 4)) : rng.below(2) ? kNil : u16(rng.below(512));
    u64 at = 4 + 2 * rng.below((size - 4) / 2);
    bytes[at] = u8(v), bytes[at + 1] = u8(v >> 8);
  }
}

static bool pop_in_range(PopResult r, const Executor& e, bool hole_open) {
  if (r.reserved) return false;
  switch (r.kind) {
    case PopKind::done:
    case PopKind::corrupt:
      return r.task_id == 0 && r.as_id == 0 && r.repr == 0;
    case PopKind::run:
    case PopKind::yield:
      return task_slot(r.task_id) < kPayloadMaxTasks && e.calls == 1 && e.seen.id == r.task_id &&
             (r.kind == PopKind::run) == (e.seen.as_id == e.as_id) && (r.kind == PopKind::run || !r.repr);
    case PopKind::not_implemented:
      return hole_open;
  }
  return false;
}

static void corruption_fuzz(const Flavour& f, SchedState* s, u64 seed, int rounds, bool hole_open) {
  SplitMix64 rng(seed);
  i64 ids[32] = {};
  int bad = 0;
  for (int round = 0; round < rounds && bad < 5; round++) {
    f.init(s, sizeof *s);
    for (u64 k = rng.below(200); k; k--) {  // a lived-in state
      i64 id = f.add(s, rng.next(), rng.below(3), rng.below(kPayloadLevels));
      if (id > 0) ids[rng.below(32)] = id;
      if (rng.below(3) == 0) pop_in(f, s, u16(rng.below(3)));
      if (rng.below(4) == 0) f.set(s, ids[rng.below(32)], kReady + rng.below(3) * (rng.below(2) + 1));
    }
    for (int step = 0; step < 40; step++) {
      scribble(s, rng, ids, 32);
      u64 which = rng.below(8), id = rng.below(4) ? u64(ids[rng.below(32)]) : rng.next() >> rng.below(64);
      bool ok = true;
      if (which == 0) {
        i64 r = f.add(s, rng.next(), rng.below(5) ? rng.below(4) : rng.next(), rng.below(10));
        ok = (r > 0 && task_slot(u32(r)) < kPayloadMaxTasks) || r == kInvalid || r == kNoSpace || r == kCorrupt;
        if (r > 0) ids[rng.below(32)] = r;
      } else if (which <= 2) {
        Executor e{u16(rng.below(4)), 0, {}, nullptr};
        ok = pop_in_range(f.pop(s, can_run_here, &e), e, hole_open);
      } else if (which == 3) {
        i64 r = f.set(s, id, rng.below(4) ? kReady + rng.below(4) : rng.below(256));
        ok = r == 0 || r == kInvalid || r == kNotFound || r == kCorrupt;
      } else if (which == 4) {
        i64 r = f.remove(s, id);
        ok = r == 0 || r == kInvalid || r == kNotFound || r == kCorrupt;
      } else if (which == 5) {
        PayloadStats st{};
        i64 r = f.stats(s, &st);
        ok = (r == 0 || r == kCorrupt) && st.ready <= st.live && st.live <= kPayloadMaxTasks;
      } else if (which == 6) {  // ABI 1.2: set ready + pop
        Executor e{u16(rng.below(4)), 0, {}, nullptr};
        PopResult r = f.yield(s, id, can_run_here, &e);
        ok = (r.kind == PopKind::refused && !r.task_id && !r.repr) || pop_in_range(r, e, hole_open);
      } else {
        i64 r = f.count(s, rng.below(5) ? rng.below(4) : rng.next());
        ok = (r >= 0 && r <= kPayloadMaxTasks) || r == kInvalid || r == kCorrupt;
      }
      if (!ok) fprintf(stderr, "%s: fuzz seed %llu round %d step %d: entry %llu out of range\n", f.name,
                       (unsigned long long)seed, round, step, (unsigned long long)which);
      bad += !ok;
      CHECK(ok);
    }
  }
}

int main() {
  start_watchdog();
  // Exactly one state's bytes on the heap: ASan sees any access outside them.
  SchedState* s = static_cast<SchedState*>(malloc(sizeof(SchedState)));
  for (const Flavour& f : kFlavours) {
    bool open = hole_open(f, s);
    if (open) printf("%s: skipped: pop_task hole open (lab 04): pop's corruption checks\n", f.name);
    targeted_corruption(f, s, open);
    const u64 fuzz_seeds[] = {11, 12, 13};
    for (u64 seed : fuzz_seeds) corruption_fuzz(f, s, seed, 1500, open);
  }
  free(s);
  return host_check_summary("payload_corrupt_test");
}
