// payload/sched_state.hh: the shared scheduler's data and its list primitives.
// Layer: payload. This state lies in the payload's .data/.bss, which every user AS can
// write (seed item 7). So nothing here trusts it: every index read from it is checked
// against the compile-time limits before use, links are cross-checked before they are
// changed, and every loop is bounded by a constant. Inconsistent data is reported
// (PopKind::corrupt, -kPayloadCorrupt), never followed out of bounds.
//
// Layout: a task table of kPayloadMaxTasks slots. A free slot is on the free list
// (singly linked through `next`); a ready task is on the ready queue of its level
// (doubly linked through `prev`/`next`, u16 indices, kNil ends). Bit L of ready_bitmap
// is set iff queue L is non-empty. The FIFO payload uses queue 0 only; the priority
// payload uses queue = priority, FIFO within a level.
//
// FIXME: no lock. One hart at a time; SMP needs a lock word, which users could also hold.
#pragma once
#include "lib/payload_abi.hh"

inline constexpr u16 kNil = 0xffff;
inline constexpr u32 kQuotaTrackedSpaces = 64;  // user AS ids below this have a task quota
inline constexpr u32 kSchedStateMagic = 0x54445153;  // "SQDT": set by init
inline constexpr u32 kMaxGeneration = 0x7fff;        // ids stay positive as i32

struct TaskSlot {
  TaskMeta meta;  // meta.state == free: an empty slot (meta.id keeps the last id)
  u16 prev;       // ready queue links (kNil: none); `next` also links the free list
  u16 next;
  u8 level;       // the ready queue this task is on, while it is ready
  u8 reserved[11];
};
static_assert(sizeof(TaskSlot) == 32);  // a power of two: indexing is a shift
static_assert(kPayloadLevels == 8, "ready_bitmap is a u8");

struct ReadyQueue {
  u16 head;  // kNil when empty
  u16 tail;
};

struct SchedState {
  u32 magic;          // kSchedStateMagic once init has run
  u8 ready_bitmap;    // bit L: levels[L] is non-empty (kPayloadLevels == 8 bits)
  u8 reserved0;
  u16 free_head;      // first free slot, kNil when the table is full
  u64 reserved1;
  ReadyQueue levels[kPayloadLevels];
  PayloadStats stats;  // counters only; ready/live/capacity/levels are filled by stats()
  TaskSlot slots[kPayloadMaxTasks];
  u16 tasks_of_as[kQuotaTrackedSpaces];  // live tasks per user AS (1..63): the quota (seed item 14)
};

// sched_ok(s): s was initialised (a cheap check; it proves nothing about the rest).
inline bool sched_ok(const SchedState* s) { return s && s->magic == kSchedStateMagic; }

// task_id(generation, slot) and its inverse task_slot(id).
inline u32 task_id(u32 generation, u32 slot) { return generation << 16 | slot; }
inline u32 task_slot(u32 id) { return id & 0xffff; }

// next_generation(old_id): the generation for a slot's next task: 1..kMaxGeneration, so a
// stale id of the slot's previous task no longer matches.
inline u32 next_generation(u32 old_id) {
  u32 g = ((old_id >> 16) & kMaxGeneration) + 1;
  return g > kMaxGeneration ? 1 : g;
}

// lowest_level(bitmap): the index of the lowest set bit of a non-zero ready_bitmap: the
// highest-priority non-empty queue. A table, as rv64imac has no ctz instruction.
struct LevelTable {
  u8 lowest[1u << kPayloadLevels];
};
constexpr LevelTable make_level_table() {
  LevelTable t{};
  for (u32 b = 1; b < (1u << kPayloadLevels); b++) {
    u32 l = 0;
    while (!(b & (1u << l))) l++;
    t.lowest[b] = u8(l);
  }
  return t;
}
inline constexpr LevelTable kLevelTable = make_level_table();
inline u32 lowest_level(u8 bitmap) { return kLevelTable.lowest[bitmap]; }

// ready_append(s, i, level): put slot i (< kPayloadMaxTasks) at the tail of queue `level`
// (< kPayloadLevels). Does not touch meta.state. False, changing nothing, if the queue's
// links are inconsistent.
inline bool ready_append(SchedState* s, u32 i, u32 level) {
  ReadyQueue& q = s->levels[level];
  u32 tail = q.tail;
  if (tail == kNil) {
    if (q.head != kNil) return false;
    q.head = u16(i);
  } else {
    if (tail >= kPayloadMaxTasks || tail == i || s->slots[tail].next != kNil) return false;
    s->slots[tail].next = u16(i);
  }
  TaskSlot& t = s->slots[i];
  t.prev = u16(tail);
  t.next = kNil;
  t.level = u8(level);
  q.tail = u16(i);
  s->ready_bitmap = u8(s->ready_bitmap | 1u << level);
  return true;
}

// ready_unlink(s, i): take ready slot i (< kPayloadMaxTasks) off its queue, in O(1).
// Does not touch meta.state. False, changing nothing, if slot i is not ready or its
// links disagree with its neighbours or with its queue's head and tail.
inline bool ready_unlink(SchedState* s, u32 i) {
  TaskSlot& t = s->slots[i];
  u32 level = t.level, prev = t.prev, next = t.next;
  if (t.meta.state != TaskState::ready || level >= kPayloadLevels) return false;
  if ((prev != kNil && prev >= kPayloadMaxTasks) || (next != kNil && next >= kPayloadMaxTasks))
    return false;
  ReadyQueue& q = s->levels[level];
  u16& prev_link = prev == kNil ? q.head : s->slots[prev].next;  // the link that points at i
  u16& next_link = next == kNil ? q.tail : s->slots[next].prev;
  if (prev_link != i || next_link != i) return false;
  prev_link = u16(next);
  next_link = u16(prev);
  if (q.head == kNil) s->ready_bitmap = u8(s->ready_bitmap & ~(1u << level));
  t.prev = t.next = kNil;
  return true;
}

// ready_remove_head(s, level, i): take slot i, the head of queue `level` (< kPayloadLevels),
// off that queue: ready_unlink's fast path for pop. Does not touch meta.state. False,
// changing nothing, if i is not that head or its successor's links disagree. (The head's
// own `prev` is not read: it is never followed, and the budget is tight.)
inline bool ready_remove_head(SchedState* s, usize level, usize i) {
  ReadyQueue& q = s->levels[level];
  TaskSlot& t = s->slots[i];
  usize next = t.next;
  if (q.head != i) return false;
  if (next == kNil) {
    if (q.tail != i) return false;
    q.tail = kNil;
    s->ready_bitmap = u8(s->ready_bitmap & ~(1u << level));
  } else {
    if (next >= kPayloadMaxTasks || s->slots[next].prev != i) return false;
    s->slots[next].prev = kNil;
  }
  q.head = u16(next);
  t.prev = t.next = kNil;
  return true;
}

// PopWords: a PopResult as the two registers it is returned in (a0 = the low half, a1 =
// repr). pop_task.cc computes in PopWords and converts once at the entry: GCC keeps a
// scalar in registers, where a struct returned from several places goes through memory
// (a dozen instructions more, against a budget of 100).
typedef unsigned __int128 PopWords;
static_assert(sizeof(PopWords) == sizeof(PopResult));

// pop_result(kind, ...): PopWords with the reserved byte zeroed.
inline PopWords pop_result(PopKind kind, u32 id = 0, u16 as_id = 0, u64 repr = 0) {
  return PopWords(u64(kind) | u64(as_id) << 16 | u64(id) << 32) | PopWords(repr) << 64;
}
inline PopResult to_pop_result(PopWords w) { return __builtin_bit_cast(PopResult, w); }

// The entries (queue.cc and pop_task.cc); payload/header.cc lists their addresses.
// Each matches the Payload*Fn type of the same name in lib/payload_abi.hh.
i64 payload_init(void* state, u64 state_bytes);
i64 payload_add_task(void* state, u64 repr, u64 as_id, u64 priority);
PopResult payload_pop_task(void* state, PayloadCanRunFn can_run, void* ctx);
i64 payload_set_task_state(void* state, u64 task_id, u64 new_state);
i64 payload_remove_task(void* state, u64 task_id);
i64 payload_stats(void* state, PayloadStats* out);
i64 payload_count_in_as(void* state, u64 as_id);
PopResult payload_yield_task(void* state, u64 task_id, PayloadCanRunFn can_run, void* ctx);  // ABI 1.2
