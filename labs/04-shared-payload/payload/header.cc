// payload/header.cc: the payload's ABI header and its scheduler state object.
// Layer: payload. payload.ld puts section .payload_header at the image's first byte
// (kPayloadBase) and defines the section-bound symbols used here. Everything below is
// a link-time constant (static data, no constructor: nothing runs before an entry).
#include "payload/sched_state.hh"

#ifndef SQUALL_PAYLOAD_PRIO
#error "compile the payload with -DSQUALL_PAYLOAD_PRIO=0 (FIFO) or =1 (priority)"
#elif SQUALL_PAYLOAD_PRIO
#define PAYLOAD_NAME "prio"
#else
#define PAYLOAD_NAME "fifo"
#endif

// Section bounds, from payload.ld.
extern "C" char payload_rodata_start[], payload_rodata_end[], payload_text_start[],
    payload_text_end[], payload_data_start[], payload_end[];

// The scheduler state: in .bss, which payload.ld stores in the image as zeros. Every
// entry takes its address (PayloadHeader::state) as the `state` argument; payload_init
// sets it up.
extern "C" SchedState payload_state;
SchedState payload_state;

extern "C" const PayloadHeader payload_header;
[[gnu::used, gnu::section(".payload_header")]] const PayloadHeader payload_header = {
    .magic = kPayloadMagic,
    .abi_major = kPayloadAbiMajor,
    .abi_minor = kPayloadAbiMinor,
    .header_size = sizeof(PayloadHeader),
    .entry_count = kPayloadEntryCount,
    .rodata_start = u64(payload_rodata_start),
    .rodata_end = u64(payload_rodata_end),
    .text_start = u64(payload_text_start),
    .text_end = u64(payload_text_end),
    .data_start = u64(payload_data_start),
    .end = u64(payload_end),
    .state = u64(&payload_state),
    .state_size = sizeof(SchedState),
    .capacity = kPayloadMaxTasks,
    .levels = SQUALL_PAYLOAD_PRIO ? kPayloadLevels : 1,
    .name = PAYLOAD_NAME,
    .entries =
        {
            .init = u64(&payload_init),
            .add_task = u64(&payload_add_task),
            .pop_task = u64(&payload_pop_task),
            .set_task_state = u64(&payload_set_task_state),
            .remove_task = u64(&payload_remove_task),
            .stats = u64(&payload_stats),
            .count_in_as = u64(&payload_count_in_as),
        },
    .ready_summary = u64(&payload_state.ready_bitmap),
    .yield_task = u64(&payload_yield_task),
};
