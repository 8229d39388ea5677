// kernel/process.hh: processes (lab 03: each lives in an address space, may share it,
// may spawn and wait for children). Layer: kernel/process.
#pragma once
#include "kernel/address_space.hh"
#include "kernel/kernel_stack.hh"
#include "kernel/panic.hh"
#include "kernel/user_programs.hh"

constexpr int kMaxProcesses = 16;
constexpr u8 kMaxGuardedTicks = 8;  // ticks in a row a process may spend in the payload's code
constexpr u32 kStormYields = 64;    // lab 05: fast yields in a row that found nothing: a storm

enum class ProcessState : u8 { unused, runnable, zombie };

struct Process {
  int pid = 0;
  int parent = 0;          // pid of the process that spawned it (0: started by the kernel)
  ProcessState state = ProcessState::unused;
  const UserProgram* program = nullptr;
  u64 seed = 0;
  i64 exit_status = 0;
  u64 fast_sum = 0;        // fast::add's running sum
  AddressSpace* space = nullptr;
  int stack_slot = 0;
  KernelStack* kernel_stack = nullptr;
  u64 executor_entry = 0;  // lab 04: where its executor starts afresh (0 = none registered)
  u64 executor_arg = 0;
  u64 executor_gp = 0;     // lab 04: the program's gp when it registered: restarts get it back
  u64 executor_mailbox = 0;  // lab 05: the runtime's PreemptMailbox (user address, 0 = none)
  u64 executor_mailbox_pa = 0;  // lab 05: its physical address, once checked (0 = not yet)
  u64 timeouts = 0;        // switches forced by the timer
  u64 switches = 0;        // all switches away from it (timeouts included)
  u32 idle_yields = 0;     // lab 05: fast yields in a row that found nothing to run
  bool deferred = false;   // lab 05: the last tick let it go on (it was in the runtime's code)
  u8 guarded_ticks = 0;    // ticks in a row that landed in the guarded code (the payload's)
  u64 timeout_instructions = 0;  // lab 05: instructions its timeouts cost (timeout.cc)
  u32 saved_tasks = 0;     // lab 05: its tasks the kernel holds apart now

  TrapFrame& frame() { return kernel_stack->frame; }
};

extern Process g_processes[kMaxProcesses];
// Code where a timer tick does not take the CPU away at once (lab 04 sets it to the
// payload's text: the payload has no lock); size 0 = none.
extern u64 g_tick_guard_start, g_tick_guard_size;
extern KernelStack g_kernel_stacks[kMaxProcesses];

// run_user_programs(names, slice): run the comma-separated programs; NAME@K starts NAME
// inside the address space of the K-th program of the list (1-based) instead of a new
// one (it must be the same program). `slice` in time units, 0 = no timer. Returns when
// every process has ended; false on bad input.
bool run_user_programs(const char* names, u64 slice);

// run_started_processes(slice): run every process created so far until none is left.
bool run_started_processes(u64 slice);

// spawn(program, parent, share_space): a new process, or an error (*why says which).
Result<int> process_spawn(const UserProgram* program, int parent, AddressSpace* share, const char** why);
// process_start_image(name, elf, size): a process from an ELF image that is not in the
// table (the grader's malformed-ELF test); false and a report line if refused.
bool process_start_image(const char* name, const u8* elf, u64 size);

extern Process* g_current;  // the running process (a slot of g_processes)
inline Process& current_process() { return *g_current; }
Process* find_process(int pid);
void process_exit(i64 status);
void process_kill(u64 scause, u64 sepc, u64 stval);
// process_terminate(p, reason): end a runnable process for a reason of the kernel's.
void process_terminate(Process& p, const char* reason);
void process_yield();
void process_preempt();
void process_reap(Process& child);
// process_reset_frame(p, pc, a0): p's next return to user mode starts at pc with a fresh
// stack and a0 (its old registers are dropped: the seed's "context discarded").
void process_reset_frame(Process& p, u64 pc, u64 a0);
// process_restart_executor(p): the same, only cheaper: p's next return to user mode
// starts its executor entry afresh on its stack, as entry(arg, 0, 0): a1 = a2 = 0 say "no
// task handed over" (lab 04's fast_yield may set them), and gp = the one it registered
// with. The other registers are p's own stale ones: nothing of another process leaks.
[[gnu::always_inline]] inline void process_restart_executor(Process& p) {
  TrapFrame& f = p.frame();
  f.regs[reg::sp] = as_stack_top(p.stack_slot);
  f.regs[reg::a0] = p.executor_arg;
  f.regs[reg::gp] = p.executor_gp;  // a timed-out task may have had gp for its own use
  f.regs[reg::a1] = 0;              // no task handed over (lab 04's fast_yield may set a1/a2)
  f.regs[reg::a2] = 0;
  f.sepc = p.executor_entry;
}
// process_switch_to(p): make p the running process (its table active); the caller then
// returns p's frame to user mode.
[[gnu::always_inline]] inline void process_switch_to(Process& p) {
  KASSERT(p.state == ProcessState::runnable);
  g_current = &p;
  as_activate(*p.space);
}
TrapFrame* process_next_frame();
// Timeouts and switches of all processes since boot (the system-wide timeout rate).
u64 system_timeouts();
u64 system_switches();
u64 program_seed(u64 test_seed, int index);
