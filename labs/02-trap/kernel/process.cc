// kernel/process.cc: the process table and the round-robin scheduler of lab 02.
// Layer: kernel/process.
#include "kernel/process.hh"
#include "kernel/console.hh"
#include "kernel/panic.hh"
#include "kernel/selftest.hh"
#include "kernel/timer.hh"
#include "kernel/trap.hh"
#include "lib/random.hh"
#include "lib/string.hh"


Process g_processes[kMaxProcesses];
// Big and initialised before use, so kept out of .bss (see kernel.ld, .noinit).
[[gnu::section(".noinit.kstacks")]] KernelStack g_kernel_stacks[kMaxProcesses];

namespace {

struct KernelContext {
  u64 ra, sp, s[12];
};
extern "C" int kernel_context_save(KernelContext* context);
extern "C" [[noreturn]] void kernel_context_resume(const KernelContext* context);

int g_count;     // processes in this run
int g_current;   // index of the running one
KernelContext g_scheduler_context;

[[gnu::section(".noinit.ustacks")]] alignas(16) u8 g_user_stacks[kMaxProcesses][kUserStackSize];

constexpr u64 kSstatusSpp = 1 << 8, kSstatusSpie = 1 << 5, kSstatusSum = 1 << 18;

void setup_process(Process& p, int index, const UserProgram* program, u64 seed) {
  p = Process{};
  p.pid = index + 1;
  p.state = ProcessState::runnable;
  p.program = program;
  p.seed = seed;
  p.kernel_stack = &g_kernel_stacks[index];
  p.user_stack = g_user_stacks[index];
  TrapFrame& f = p.frame();
  memset(&f, 0, sizeof f);
  f.regs[reg::sp] = uptr(p.user_stack + kUserStackSize);
  f.regs[reg::a0] = seed;
  f.regs[reg::a1] = uptr(program->main);
  f.sepc = uptr(user_start);
  u64 sstatus;
  asm volatile("csrr %0, sstatus" : "=r"(sstatus));
  // Return to U-mode with interrupts enabled there.
  f.sstatus = (sstatus & ~(kSstatusSpp | kSstatusSum)) | kSstatusSpie;
}

// The next runnable process after `from` in round-robin order (may be `from` itself), or -1.
int next_runnable(int from) {
  for (int step = 1; step <= g_count; step++) {
    int i = (from + step) % g_count;
    if (g_processes[i].state == ProcessState::runnable) return i;
  }
  return -1;
}

}  // namespace

u64 program_seed(u64 test_seed, int index) {
  SplitMix64 rng(test_seed ^ 0x5eed0000ull ^ u64(index));
  return rng.next();
}

Process& current_process() { return g_processes[g_current]; }

void process_exit(i64 status) {
  Process& p = current_process();
  p.state = ProcessState::exited;
  p.exit_status = status;
  report("exit %s pid=%d status=%ld", p.program->name, p.pid, status);
}

void process_kill(u64 scause, u64 sepc, u64 stval) {
  Process& p = current_process();
  kprintf("kill: %s (pid %d) caused %s at sepc %p, stval %lx\n", p.program->name, p.pid, scause_name(scause),
          reinterpret_cast<void*>(sepc), stval);
  report("kill %s pid=%d cause=%s scause=%lu sepc=%lx stval=%lx", p.program->name, p.pid, scause_name(scause),
         scause, sepc, stval);
  p.state = ProcessState::exited;
  p.exit_status = -1;
}

void process_yield() {
  int next = next_runnable(g_current);
  if (next >= 0) g_current = next;
}

void process_preempt() { process_yield(); }

TrapFrame* process_next_frame() {
  if (current_process().state != ProcessState::runnable) {
    int next = next_runnable(g_current);
    if (next < 0) kernel_context_resume(&g_scheduler_context);  // all done
    g_current = next;
  }
  return &current_process().frame();
}

bool run_user_programs(const char* names, u64 slice) {
  g_count = 0;
  g_current = 0;
  for (const char* cursor = names; *cursor;) {
    const char* end = cursor;
    while (*end && *end != ',') end++;
    const UserProgram* program = find_user_program(cursor, usize(end - cursor));
    if (!program) {
      char name[32] = {};
      memcpy(name, cursor, min_of(usize(end - cursor), sizeof name - 1));
      kprintf("run: no program named '%s'\n", name);
      report("run unknown %s", name);
      return false;
    }
    if (g_count == kMaxProcesses) {
      kprintf("run: at most %d programs\n", kMaxProcesses);
      return false;
    }
    setup_process(g_processes[g_count], g_count, program, program_seed(test_seed(), g_count));
    g_count++;
    cursor = *end ? end + 1 : end;
  }
  if (g_count == 0) return true;
  if (kernel_context_save(&g_scheduler_context) == 0) {
    timer_start(slice);
    user_resume(&g_processes[0].frame());
  }
  // Resumed here once every program has exited or been killed.
  timer_stop();
  return true;
}
