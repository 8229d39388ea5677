// kernel/payload.cc: loading the payload and calling it from the kernel.
// Layer: kernel/sched.
#include "kernel/payload.hh"
#include "kernel/console.hh"
#include "kernel/executor.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/kernel_space.hh"
#include "kernel/panic.hh"
#include "kernel/process.hh"
#include "lib/payload_check.hh"
#include "lib/string.hh"

bool g_payload_loaded;
PayloadPopEntry g_payload_pop_entry;

namespace {
PayloadImage g_payload;

template <typename Fn> Fn entry(u64 address) { return reinterpret_cast<Fn>(address); }
void* state() { return reinterpret_cast<void*>(g_payload.header.state); }

bool kernel_can_run(void*, const TaskMeta* task) { return task->as_id == 0; }

void free_frames() {
  for (u64 i = 0; i < g_payload.pages; i++) frame_free(g_payload.frames[i]);
  g_payload.pages = 0;
}
}  // namespace

// The user-mode mapping of the payload is the same in every user table, so it is built
// once, in a template table, and every user table points its top-level entry for the
// payload's GiB at the template's subtree (as it does for the kernel's RAM).
namespace {
PageTable g_user_template;
constexpr u64 kPayloadRootIndex = kPayloadBase >> 30;
static_assert(kPayloadMaxSize <= (1ull << 30) && (kPayloadBase & ((1ull << 30) - 1)) == 0);
u64* root_entries(const PageTable& table) { return reinterpret_cast<u64*>(table.root()); }
}  // namespace

namespace {
// as_create_hooks / as_destroy_hooks: every new user table gets the payload (the shared
// subtree is not the AS's to free: it goes before the table does).
Error map_shared_payload(AddressSpace& space) {
  if (g_payload_loaded)
    root_entries(space.table)[kPayloadRootIndex] = root_entries(g_user_template)[kPayloadRootIndex];
  return Error::ok;
}
void unmap_shared_payload(AddressSpace& space) { root_entries(space.table)[kPayloadRootIndex] = 0; }
}  // namespace

static_assert(kPayloadBase >= kKernelRamTop, "the payload's window must not overlap the kernel's RAM");

LAYER_SETUP("04", payload) {
  as_create_hooks.add(map_shared_payload);
  as_destroy_hooks.add(unmap_shared_payload);
}

u64 shared_payload_base() { return g_payload_loaded ? kPayloadBase : 0; }

void payload_start_registers(Process& p) {
  p.frame().regs[reg::a1] = shared_payload_base();
  p.frame().regs[reg::a2] = p.space->id;
}


const PayloadImage& payload_image() { return g_payload; }

bool payload_load(const u8* image, u64 size, const char* origin) {
  KASSERT(!g_payload_loaded);
  PayloadCheck check = payload_check_header(image, size, kPayloadBase);
  if (!check.ok) {
    kprintf("payload: %s refused: %s\n", origin, check.reason);
    report("payload refused %s", check.reason);
    return false;
  }
  // From here on only the kernel's copy of the header is used: the mapped one is
  // readable by everyone and the image may live in memory someone else controls.
  memcpy(&g_payload.header, image, sizeof(PayloadHeader));
  const PayloadHeader& h = g_payload.header;
  u64 bytes = h.end - kPayloadBase;
  for (u64 offset = 0; offset < bytes; offset += kPageSize) {
    Result<u64> frame = frame_alloc();
    if (!frame.ok()) {
      free_frames();
      kprintf("payload: out of memory\n");
      return false;
    }
    g_payload.frames[g_payload.pages++] = frame.value();
    memcpy(reinterpret_cast<void*>(frame.value()), image + offset, min_of(kPageSize, size - offset));
  }
  Error e = payload_map_into(kernel_page_table(), g_payload, false);
  if (e == Error::ok) {
    Result<PageTable> made = PageTable::create();
    e = made.ok() ? payload_map_into(g_user_template = made.value(), g_payload, true) : made.error();
  }
  if (e != Error::ok) {
    kprintf("payload: cannot map it into the kernel's table: %s\n", error_name(e));
    report("payload refused mapping %s", error_name(e));
    free_frames();
    return false;
  }
  asm volatile("sfence.vma zero, zero");
  g_payload_loaded = true;
  g_payload_pop_entry = {entry<decltype(PayloadPopEntry::pop_task)>(h.entries.pop_task),
                         entry<decltype(PayloadPopEntry::yield_task)>(h.yield_task), state()};
  g_payload_text_start = h.text_start;  // a tick in here waits a slice (no lock in the payload)
  g_payload_text_size = h.text_end - h.text_start;
  i64 r = entry<PayloadInitFn>(h.entries.init)(state(), h.state_size);
  if (r < 0) {
    kprintf("payload: init failed (%ld)\n", r);
    return false;
  }
  char name[sizeof h.name + 1] = {};
  memcpy(name, h.name, sizeof h.name);
  kprintf("payload: %s (%s, ABI %u.%u, %lu pages) at %p\n", origin, name, h.abi_major, h.abi_minor,
          g_payload.pages, reinterpret_cast<void*>(kPayloadBase));
  report("payload loaded name=%s levels=%u", h.levels == 1 ? "fifo" : "prio", h.levels);
  report("payload frames rodata=%lx data=%lx", g_payload.frames[0],
         g_payload.frames[(h.data_start - kPayloadBase) / kPageSize]);
  return true;
}

i64 payload_add(u64 repr, u64 as_id, u64 priority) {
  return entry<PayloadAddTaskFn>(g_payload.header.entries.add_task)(state(), repr, as_id, priority);
}

i64 payload_remove(u64 task_id) {
  return entry<PayloadRemoveTaskFn>(g_payload.header.entries.remove_task)(state(), task_id);
}

i64 payload_set_state(u64 task_id, TaskState new_state) {
  return entry<PayloadSetTaskStateFn>(g_payload.header.entries.set_task_state)(state(), task_id, u64(new_state));
}

PopResult payload_pop(PayloadCanRunFn can_run, void* ctx, const u64& user_as) {
  PopResult r = to_pop_result(payload_pop_unchecked(can_run, ctx));
  return payload_checked(r, user_as);
}

PopResult payload_checked(PopResult r, u64 user_as) {
  // Only what can be true survives: a run must be a kernel task (or user_as's), a yield
  // must name some user AS; anything else (or an unknown kind) counts as corruption.
  bool sane = (r.kind == PopKind::run && (r.as_id == 0 || (user_as != 0 && r.as_id == user_as))) ||
              (r.kind == PopKind::yield && r.as_id != 0) || r.kind == PopKind::done ||
              r.kind == PopKind::corrupt || r.kind == PopKind::not_implemented;
  if (!sane) r.kind = PopKind::corrupt;
  return r;
}

PopResult payload_pop_kernel() {
  constexpr u64 kNoUserAs = 0;
  return payload_pop(kernel_can_run, nullptr, kNoUserAs);
}

bool payload_stats(PayloadStats* out) {
  return entry<PayloadStatsFn>(g_payload.header.entries.stats)(state(), out) >= 0;
}

void payload_recover(const char* why) {
  kprintf("payload: corrupt scheduler data (%s): starting it afresh\n", why);
  report("payload reset reason=%s", why);
  entry<PayloadInitFn>(g_payload.header.entries.init)(state(), g_payload.header.state_size);
  for (Process& p : g_processes)
    if (p.state == ProcessState::runnable && executor_state(p).entry != 0) process_terminate(p, "payload-reset");
}
