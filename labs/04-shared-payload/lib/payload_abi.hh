// lib/payload_abi.hh: the ABI of the shared scheduler payload (seed items 1, 3, 7).
// Layer: lib (shared by the kernel, the user library and the payload; freestanding).
//
// A payload is one freestanding image, linked at kPayloadBase, code and data together,
// mapped at that same address in the kernel and in every user address space (AS):
//
//   [kPayloadBase] rodata pages: PayloadHeader first, then constants   (R)
//                  text pages: the entry points                        (X; execute-only for users)
//                  data pages: the scheduler state, .data and .bss     (RW, user-writable!)
//
// Everything here is plain C layout: fixed-width fields, no pointers (addresses are
// u64), enums with a fixed underlying type. Entries are ordinary functions of the
// RISC-V LP64 calling convention; their addresses are absolute and live in the header.
// Entries that return i64 give >= 0 on success and -Error (lib/error.hh) on failure:
//   -invalid    a bad argument (priority > 7, as_id > 0xffff, an id no task ever had)
//   -no_space   the task table is full, or the AS has kPayloadQuotaPerAs live tasks
//   -not_found  a stale id (that task was removed)
//   -io         the payload's data is corrupt (kPayloadCorrupt): user code scribbled on it
#pragma once
#include "lib/error.hh"
#include "lib/param.hh"
#include "lib/types.hh"

inline constexpr u32 kPayloadMagic = 0x4c505153;  // "SQPL" in memory (little-endian)
inline constexpr u16 kPayloadAbiMajor = 1;         // incompatible changes
inline constexpr u16 kPayloadAbiMinor = 2;         // compatible additions (1: ready_summary, 2: yield_task)
inline constexpr u64 kPayloadBase = 0x1000000000ull;  // 64 GiB, in every page table
inline constexpr u64 kPayloadPageSize = 4096;
inline constexpr u32 kPayloadLevels = 8;            // priorities 0..7, 0 = highest
inline constexpr u32 kPayloadEntryCount = 7;        // entries of ABI 1.0
inline constexpr Error kPayloadCorrupt = Error::io;

// A task's life: add_task makes it ready; pop_task(run) makes it running;
// set_task_state moves it to ready / sleeping / done; remove_task frees its slot.
enum class TaskState : u8 {
  free = 0,      // an empty slot of the task table (never a task's state)
  ready = 1,     // on a ready queue
  running = 2,   // popped by pop_task (Run), off the queues until set ready again
  sleeping = 3,  // blocked or waiting: off the queues, kept in the table
  done = 4,      // finished, waiting for remove_task
};

// TaskMeta: a task as the scheduler sees it (seed item 1). 16 bytes.
struct TaskMeta {
  u64 repr;         // opaque word, meaningful only inside its own AS (e.g. a coroutine frame)
  u32 id;           // (generation << 16) | slot, assigned by add_task; never 0
  u16 as_id;        // address-space id, 0 = kernel
  u8 priority;      // 0..7, 0 = highest (the FIFO payload keeps it but ignores it)
  TaskState state;
};
static_assert(sizeof(TaskMeta) == 16);

// ABI 1.1: add_task's priority argument may carry kPayloadAddClaimed. The new task then
// starts `running`, claimed by the calling executor, on no ready queue until someone sets
// it ready: for an executor that will run it itself because nobody else is waiting.
inline constexpr u64 kPayloadAddClaimed = 1u << 8;

enum class PopKind : u8 {
  done = 0,             // nothing is ready
  run = 1,              // run task_id / repr here; it is now `running`
  yield = 2,            // the next ready task lives in AS as_id: switch there (it stays ready)
  corrupt = 3,          // the payload's data is inconsistent; nothing was popped
  not_implemented = 4,  // the lab 04 hole (pop_task) is still open
  refused = 5,          // ABI 1.2, yield_task only: it may not set that task ready; nothing changed
};

// PopResult: 16 bytes, so it comes back in two registers:
//   a0 = kind | reserved << 8 | as_id << 16 | task_id << 32,   a1 = repr.
struct PopResult {
  PopKind kind;
  u8 reserved;   // 0
  u16 as_id;     // run: the task's AS; yield: the AS to switch to
  u32 task_id;   // run and yield: the task's id
  u64 repr;      // run only (0 otherwise: a repr means nothing outside its AS)
};
static_assert(sizeof(PopResult) == 16);

// PayloadStats: what stats() reports. The counters live in user-writable data: treat
// them as a report, never as a fact the kernel relies on.
struct PayloadStats {
  u64 adds;              // add_task successes
  u64 removes;           // remove_task successes
  u64 state_changes;     // set_task_state successes
  u64 pops;              // pop_task results: run
  u64 yields;            //                   yield
  u64 dones;             //                   done
  u64 rejected;          // calls refused for a bad argument, a stale id or a full table
  u64 corrupt_detected;  // calls that found the data inconsistent
  u32 ready;             // tasks ready now (a scan of the table)
  u32 live;              // tasks in the table now, in any state
  u32 capacity;          // kPayloadMaxTasks
  u32 levels;            // ready queues in use: 1 (FIFO) or kPayloadLevels (priority)
};

// can_run(ctx, t): true if task t can run here, in the caller's AS, without a switch.
// t points to a private copy of the task's metadata, valid during the call only. It
// must not call the scheduler: if it changes the queue pop is taking from, pop reports
// corrupt.
typedef bool (*PayloadCanRunFn)(void* ctx, const TaskMeta* t);

// The entries. `state` is the scheduler state: PayloadHeader::state (a host test may
// pass any buffer of state_size bytes, 8-aligned).
typedef i64 (*PayloadInitFn)(void* state, u64 state_bytes);  // empty the scheduler
typedef i64 (*PayloadAddTaskFn)(void* state, u64 repr, u64 as_id, u64 priority);  // -> id
typedef PopResult (*PayloadPopTaskFn)(void* state, PayloadCanRunFn can_run, void* ctx);
typedef i64 (*PayloadSetTaskStateFn)(void* state, u64 task_id, u64 new_state);  // -> 0
typedef i64 (*PayloadRemoveTaskFn)(void* state, u64 task_id);                   // -> 0
typedef i64 (*PayloadStatsFn)(void* state, PayloadStats* out);                  // -> 0
typedef i64 (*PayloadCountInAsFn)(void* state, u64 as_id);  // -> tasks of as_id not done
// ABI 1.2: yield_task(state, task_id, can_run, ctx): set_task_state(task_id, ready) and
// then pop_task(can_run, ctx), in one call: the yield of a task (it goes to the tail of
// its queue; a ready task keeps its place) and the decision who runs next. The pop's
// result; or `refused` when set_task_state would refuse the id or the state (nothing
// changed), `corrupt` when it found the data corrupt.
typedef PopResult (*PayloadYieldTaskFn)(void* state, u64 task_id, PayloadCanRunFn can_run, void* ctx);

// The entry table: absolute addresses, each inside [text_start, text_end).
struct PayloadEntries {
  u64 init;            // PayloadInitFn
  u64 add_task;        // PayloadAddTaskFn
  u64 pop_task;        // PayloadPopTaskFn
  u64 set_task_state;  // PayloadSetTaskStateFn
  u64 remove_task;     // PayloadRemoveTaskFn
  u64 stats;           // PayloadStatsFn
  u64 count_in_as;     // PayloadCountInAsFn
};
static_assert(sizeof(PayloadEntries) == kPayloadEntryCount * sizeof(u64));

// PayloadHeader: at the payload's first byte (kPayloadBase), in its rodata.
// Section bounds are absolute and page-aligned:
//   rodata_start (= base) < rodata_end <= text_start < text_end <= data_start < end.
// The image holds everything up to `end` (.bss is stored as zeros): no extra zeroing.
struct PayloadHeader {
  u32 magic;          // kPayloadMagic
  u16 abi_major;      // must equal the reader's kPayloadAbiMajor
  u16 abi_minor;      // must be >= the minor the reader needs
  u32 header_size;    // sizeof(PayloadHeader) of the payload's ABI (later minors grow it)
  u32 entry_count;    // u64 words in `entries`
  u64 rodata_start;   // the link base: this header's own address
  u64 rodata_end;
  u64 text_start;
  u64 text_end;
  u64 data_start;
  u64 end;            // one past the last byte of data + bss
  u64 state;          // the scheduler state object (inside data), `state` of every entry
  u64 state_size;     // its size in bytes
  u32 capacity;       // kPayloadMaxTasks
  u32 levels;         // 1 (FIFO) or kPayloadLevels (priority)
  char name[8];       // "fifo" or "prio", NUL-padded
  PayloadEntries entries;
  // ABI 1.1: the address of one byte inside data whose bit L is set iff some task is
  // ready at queue level L (the FIFO payload uses level 0 only). Read-only for its
  // readers and advisory (user-writable, like all data): an executor may read it to
  // see that no other task waits at its level or above, and then switch between its
  // own tasks without a call (user/lib/runtime.cc). Never a fact the kernel relies on.
  u64 ready_summary;
  // ABI 1.2: the address of the yield_task entry (PayloadYieldTaskFn), inside text like
  // the others. The kernel's yield path calls it when the yielding task comes along.
  u64 yield_task;
};
static_assert(sizeof(PayloadHeader) == 168);
static_assert(__builtin_offsetof(PayloadHeader, entries) == 96);
