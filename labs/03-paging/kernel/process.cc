// kernel/process.cc: the process table, spawn/exit/wait, and round-robin scheduling
// over processes in many address spaces. Layer: kernel/process.
// Replaces labs/02-trap/kernel/process.cc: processes now live in address spaces, spawn and wait.
#include "kernel/process.hh"
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/kernel_space.hh"
#include "kernel/panic.hh"
#include "kernel/selftest.hh"
#include "kernel/timer.hh"
#include "kernel/trap.hh"
#include "lib/random.hh"
#include "lib/string.hh"

Process g_processes[kMaxProcesses];
// Big and initialised before use, so kept out of .bss (see kernel.ld, .noinit).
[[gnu::section(".noinit.kstacks")]] KernelStack g_kernel_stacks[kMaxProcesses];

Process* g_current = g_processes;  // the running process

namespace {

struct KernelContext {
  u64 ra, sp, s[12];
};
extern "C" int kernel_context_save(KernelContext* context);
extern "C" [[noreturn]] void kernel_context_resume(const KernelContext* context);

int g_slot_limit;    // slots at or above this have never been used: the scheduler skips them
int g_next_pid = 1;
int g_started;       // processes created so far in this run (seeds by creation order)
KernelContext g_scheduler_context;

constexpr u64 kSstatusSpp = 1 << 8, kSstatusSpie = 1 << 5, kSstatusSum = 1 << 18;

Process* free_slot() {
  for (Process& p : g_processes)
    if (p.state == ProcessState::unused) return &p;
  return nullptr;
}

Result<int> start_in(AddressSpace* space, const UserProgram* program, int parent, const char** why) {
  Process* p = free_slot();
  if (!p) {
    *why = "too many processes";
    return Error::no_memory;
  }
  Result<int> slot = as_add_process(*space);
  if (!slot.ok()) {
    *why = "out of memory for a stack";
    return slot.error();
  }
  int index = int(p - g_processes);
  g_slot_limit = max_of(g_slot_limit, index + 1);
  *p = Process{};
  p->pid = g_next_pid++;
  p->parent = parent;
  p->state = ProcessState::runnable;
  p->program = program;
  p->seed = program_seed(test_seed(), g_started++);
  p->space = space;
  p->stack_slot = slot.value();
  p->kernel_stack = &g_kernel_stacks[index];
  process_reset_frame(*p, space->entry, p->seed);
  for (usize i = 0; i < process_start_hooks.size(); i++) process_start_hooks[i](*p);
  return p->pid;
}

u64 g_timeouts, g_switches;  // system-wide, since boot

// The next runnable slot after `from` in round-robin order (maybe `from`), or -1.
int current_slot() { return int(g_current - g_processes); }

int next_runnable(int from) {
  for (int step = 1; step <= g_slot_limit; step++) {
    int i = (from + step) % g_slot_limit;
    if (g_processes[i].state == ProcessState::runnable) return i;
  }
  return -1;
}

void switch_to_next() {
  int next = next_runnable(current_slot());
  if (next >= 0) g_current = &g_processes[next];
}

// A process is over: give back its stack (and its AS if it was the last one there).
void end_process(Process& p, i64 status) {
  p.exit_status = status;
  for (usize i = 0; i < process_end_hooks.size(); i++) process_end_hooks[i](p);
  as_remove_process(*p.space, p.stack_slot);
  p.space = nullptr;
  Process* parent = find_process(p.parent);
  p.state = (parent && parent->state == ProcessState::runnable) ? ProcessState::zombie : ProcessState::unused;
  // Its own children are orphans now: nobody will wait for them.
  for (Process& child : g_processes) {
    if (child.parent != p.pid || &child == &p) continue;
    child.parent = 0;
    if (child.state == ProcessState::zombie) child.state = ProcessState::unused;
  }
}

}  // namespace

u64 program_seed(u64 test_seed, int index) {
  SplitMix64 rng(test_seed ^ 0x5eed0000ull ^ u64(index));
  return rng.next();
}

void process_reset_frame(Process& p, u64 pc, u64 a0) {
  TrapFrame& f = p.frame();
  memset(&f, 0, sizeof f);
  f.regs[reg::sp] = as_stack_top(p.stack_slot);
  f.regs[reg::a0] = a0;
  f.sepc = pc;
  u64 sstatus;
  asm volatile("csrr %0, sstatus" : "=r"(sstatus));
  f.sstatus = (sstatus & ~(kSstatusSpp | kSstatusSum)) | kSstatusSpie;  // U-mode, interrupts on
}

Process* find_process(int pid) {
  if (pid <= 0) return nullptr;
  for (Process& p : g_processes)
    if (p.pid == pid && p.state != ProcessState::unused) return &p;
  return nullptr;
}

Result<int> process_spawn(const UserProgram* program, int parent, AddressSpace* share, const char** why) {
  if (share) return start_in(share, program, parent, why);
  Result<AddressSpace*> space = as_create(program->elf, program->size(), why);
  if (!space.ok()) return space.error();
  Result<int> pid = start_in(space.value(), program, parent, why);
  if (!pid.ok()) as_discard_empty(*space.value());  // nobody moved in
  return pid;
}

void process_exit(i64 status) {
  Process& p = current_process();
  if (p.parent == 0) {  // a parent learns by wait
    report("exit %s pid=%d status=%ld", p.program->name, p.pid, status);
    report("sched %s pid=%d timeouts=%lu switches=%lu stacks=%u", p.program->name, p.pid, p.timeouts,
           p.switches, p.space->stacks_created);
    for (usize i = 0; i < process_exit_report_hooks.size(); i++) process_exit_report_hooks[i](p);
  }
  end_process(p, status);
}

void process_kill(u64 scause, u64 sepc, u64 stval) {
  Process& p = current_process();
  kprintf("kill: %s (pid %d) caused %s at sepc %p, address %lx\n", p.program->name, p.pid, scause_name(scause),
          reinterpret_cast<void*>(sepc), stval);
  report("kill %s pid=%d cause=%s scause=%lu sepc=%lx stval=%lx", p.program->name, p.pid, scause_name(scause),
         scause, sepc, stval);
  end_process(p, -1);
}

void process_terminate(Process& p, const char* reason) {
  KASSERT(p.state == ProcessState::runnable);
  kprintf("kill: %s (pid %d): %s\n", p.program->name, p.pid, reason);
  report("kill %s pid=%d cause=%s", p.program->name, p.pid, reason);
  end_process(p, -1);
}

void process_reap(Process& child) {
  KASSERT(child.state == ProcessState::zombie);
  child.state = ProcessState::unused;
}

void process_yield() {
  current_process().switches++;
  g_switches++;
  switch_to_next();
}

// A switch forced by the timer is a timeout (the seed's item 2), unless the tick
// extension point lets p go on.
void process_preempt() {
  Process& p = current_process();
  if (process_tick_hook && !process_tick_hook(p)) return;
  p.timeouts++, p.switches++;
  g_timeouts++, g_switches++;
  switch_to_next();
}

u64 system_timeouts() { return g_timeouts; }
u64 system_switches() { return g_switches; }

TrapFrame* process_next_frame() {
  if (current_process().state != ProcessState::runnable) {
    int next = next_runnable(current_slot());
    // Nothing can run: something may still come (the idle extension point waits for it).
    while (next < 0 && idle_hook && idle_hook()) next = next_runnable(current_slot());
    if (next < 0) kernel_context_resume(&g_scheduler_context);  // all done
    g_current = &g_processes[next];
  }
  as_activate(*current_process().space);
  return &current_process().frame();
}

bool process_start_image(const char* name, const u8* elf, u64 size) {
  static UserProgram image_program;
  image_program = UserProgram{name, elf, elf + size};
  const char* why = "";
  Result<int> pid = process_spawn(&image_program, 0, nullptr, &why);
  if (!pid.ok()) {
    kprintf("elf: %s refused: %s\n", name, why);
    report("elf refused %s", why);
    return false;
  }
  report("elf accepted pid=%d", pid.value());
  return true;
}

bool run_user_programs(const char* names, u64 slice) {
  g_started = 0;
  int listed = 0;
  int pids[kMaxProcesses] = {};
  for (const char* cursor = names; *cursor;) {
    const char* end = cursor;
    while (*end && *end != ',') end++;
    const char* at = cursor;
    while (at < end && *at != '@') at++;
    char name[32] = {};
    memcpy(name, cursor, min_of(usize(at - cursor), sizeof name - 1));
    const UserProgram* program = find_user_program(cursor, usize(at - cursor));
    AddressSpace* share = nullptr;
    if (at < end) {  // NAME@K: into the AS of the K-th program listed
      u64 k = 0;
      char number[8] = {};
      memcpy(number, at + 1, min_of(usize(end - at - 1), sizeof number - 1));
      Process* host = (parse_u64(number, &k) && k >= 1 && k <= u64(listed)) ? find_process(pids[k - 1]) : nullptr;
      if (!host || host->program != program) {
        kprintf("run: '%s@%s' must name an earlier program of the same name\n", name, number);
        return false;
      }
      share = host->space;
    }
    if (!program) {
      kprintf("run: no program named '%s'\n", name);
      report("run unknown %s", name);
      return false;
    }
    const char* why = "";
    Result<int> pid = listed < kMaxProcesses ? process_spawn(program, 0, share, &why) : Result<int>(Error::no_memory);
    if (!pid.ok()) {
      kprintf("run: cannot start %s: %s\n", name, listed < kMaxProcesses ? why : "too many programs");
      return false;
    }
    pids[listed++] = pid.value();
    cursor = *end ? end + 1 : end;
  }
  return run_started_processes(slice);
}

bool run_started_processes(u64 slice) {
  int first = next_runnable(g_slot_limit - 1);
  if (first < 0) return true;
  g_current = &g_processes[first];
  if (kernel_context_save(&g_scheduler_context) == 0) {
    timer_start(slice);
    as_activate(*current_process().space);
    user_resume(&current_process().frame());
  }
  // Resumed here once no process can run any more.
  timer_stop();
  for (Process& p : g_processes)
    if (p.state == ProcessState::zombie) p.state = ProcessState::unused;  // nobody waited
  return true;
}
