// kernel/process.hh: processes (lab 03: each lives in an address space, may share it,
// may spawn and wait for children). Layer: kernel/process.
// Replaces labs/02-trap/kernel/process.hh: processes now live in address spaces, spawn and wait.
#pragma once
#include "kernel/address_space.hh"
#include "kernel/hooks.hh"
#include "kernel/kernel_stack.hh"
#include "kernel/panic.hh"
#include "kernel/user_programs.hh"

enum class ProcessState : u8 { unused, runnable, zombie };

// 128 bytes: a power of two, so process_slot() is a subtraction and a shift (the yield
// and tick paths look up per-process tables with it).
struct alignas(128) Process {
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
  u64 timeouts = 0;        // switches forced by the timer
  u64 switches = 0;        // all switches away from it (timeouts included)

  TrapFrame& frame() { return kernel_stack->frame; }
};

extern Process g_processes[kMaxProcesses];
extern KernelStack g_kernel_stacks[kMaxProcesses];
// process_slot(p): p's index in g_processes, for tables that keep more per process.
static_assert(sizeof(Process) == 128);
inline usize process_slot(const Process& p) { return usize(&p - g_processes); }

// Extension points of the process layer (kernel/hooks.hh):
//  - process_start_hooks(p): p was just created, its frame set to start at its entry
//    with a0 = its seed (and a1 = a2 = 0): set up what a later layer keeps per process;
//  - process_tick_hook(p): the timer interrupted p, which would now be switched away.
//    Returns false to let p go on instead (it is not counted as a timeout);
//  - process_end_hooks(p): p is over (exit or kill), before its stack and AS go;
//  - process_exit_report_hooks(p): p exited with no parent to tell: after its sched line;
//  - idle_hook(): no process can run now. True if it waited for something that may have
//    made one runnable (the scheduler looks again); false if there is nothing to wait for.
inline HookList<void(Process&), 4> process_start_hooks{"process.start"};
inline Hook<bool(Process&)> process_tick_hook{"process.tick"};
inline HookList<void(Process&), 4> process_end_hooks{"process.end"};
inline HookList<void(const Process&), 4> process_exit_report_hooks{"process.exit_report"};
inline Hook<bool()> idle_hook{"process.idle"};

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
