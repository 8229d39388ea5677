// kernel/payload.hh: the shared scheduler payload on the kernel's side: loading,
// checking, mapping it at one VA into every table, and calling it without trusting it.
// Layer: kernel/sched. The payload itself is payload/*.cc; its ABI lib/payload_abi.hh.
#pragma once
#include "kernel/page_table.hh"
#include "lib/payload_abi.hh"

constexpr u64 kPayloadMaxPages = kPayloadMaxSize / kPageSize;

// The loaded payload: the kernel's own copy of its (checked) header, and the frames that
// hold it. Every table maps these same frames: shared, never copied.
struct PayloadImage {
  PayloadHeader header;
  u64 pages = 0;
  u64 frames[kPayloadMaxPages];
};

// payload_load(image, size, origin): check the header, copy the image into fresh frames,
// map it into the kernel's table and initialise the scheduler. On a bad image: a clear
// message, a report line ("payload refused <reason>") and false; nothing is mapped.
bool payload_load(const u8* image, u64 size, const char* origin);
extern bool g_payload_loaded;  // payload.cc
inline bool payload_loaded() { return g_payload_loaded; }
const PayloadImage& payload_image();

// payload_map_into(table, image, for_user): map every page of the payload at its VA:
// for the kernel (for_user = false) rodata R, text R-X, data RW-; for a user table
// rodata R, text execute-only, data RW, all U. Not owned: destroy() leaves the frames.
// (Lab 04 hole: kernel/payload_map.cc.)
Error payload_map_into(PageTable& table, const PayloadImage& image, bool for_user);

// Calls into the payload from the kernel (the kernel's table must be active). Results
// are checked: anything impossible is treated as corruption (payload_recover).
i64 payload_add(u64 repr, u64 as_id, u64 priority);
i64 payload_remove(u64 task_id);
i64 payload_set_state(u64 task_id, TaskState state);
PopResult payload_pop_kernel();  // can_run: tasks of AS 0
// payload_pop(can_run, ctx, user_as): a pop with the caller's can_run; results are
// checked as for payload_pop_kernel, except that a Run may also be of AS user_as, read
// after the pop (can_run sets it when it takes a user task: fast_yield; 0: none).
PopResult payload_pop(PayloadCanRunFn can_run, void* ctx, const u64& user_as);
// payload_checked(r, user_as): that check alone: r, or r as corrupt if it cannot be true.
PopResult payload_checked(PopResult r, u64 user_as);
// payload_pop_unchecked(can_run, ctx) and payload_yield_unchecked(task_id, can_run, ctx)
// (ABI 1.2's yield_task): the bare calls, for fast_yield's common case: it uses a Run
// only if it is of the AS its can_run took, and checks anything else with
// payload_checked (yield_task's `refused` first). They give the PopResult as the two
// registers it comes back in (PopRegisters: a0 | a1 << 64), which GCC keeps in registers
// where a struct goes through memory.
using PopRegisters = unsigned __int128;
static_assert(sizeof(PopRegisters) == sizeof(PopResult));
inline PopResult to_pop_result(PopRegisters r) { return __builtin_bit_cast(PopResult, r); }
struct PayloadPopEntry {
  PopRegisters (*pop_task)(void* state, PayloadCanRunFn can_run, void* ctx);  // PayloadPopTaskFn
  PopRegisters (*yield_task)(void* state, u64 task_id, PayloadCanRunFn can_run, void* ctx);
  void* state;
};
extern PayloadPopEntry g_payload_pop_entry;  // set by payload_load
inline PopRegisters payload_pop_unchecked(PayloadCanRunFn can_run, void* ctx) {
  return g_payload_pop_entry.pop_task(g_payload_pop_entry.state, can_run, ctx);
}
inline PopRegisters payload_yield_unchecked(u64 task_id, PayloadCanRunFn can_run, void* ctx) {
  return g_payload_pop_entry.yield_task(g_payload_pop_entry.state, task_id, can_run, ctx);
}
bool payload_stats(PayloadStats* out);

// payload_recover(why): the data was found corrupt: report it, initialise the scheduler
// again and end every process whose tasks were lost (those with an executor).
void payload_recover(const char* why);
