// kernel/process.hh: user programs as processes: a table, round-robin scheduling, exit
// and kill. Layer: kernel/process. No paging: every program shares the physical address
// space with the kernel.
#pragma once
#include "kernel/kernel_stack.hh"
#include "kernel/user_programs.hh"


enum class ProcessState : u8 { unused, runnable, exited };

struct Process {
  int pid = 0;
  ProcessState state = ProcessState::unused;
  const UserProgram* program = nullptr;
  u64 seed = 0;
  i64 exit_status = 0;
  u64 fast_sum = 0;        // fast::add's running sum
  KernelStack* kernel_stack = nullptr;
  u8* user_stack = nullptr;  // kUserStackSize bytes

  TrapFrame& frame() { return kernel_stack->frame; }
};

// The process table and the kernel stacks (with the trap frames) of its slots.
extern Process g_processes[kMaxProcesses];
extern KernelStack g_kernel_stacks[kMaxProcesses];

// run_user_programs(names, slice): run the comma-separated programs in `names`, in
// that order, round robin; `slice` in time units (0 = no timer, cooperative only).
// Returns when every program has exited or been killed; false on bad input.
bool run_user_programs(const char* names, u64 slice);

// For the trap and syscall layers, all on the current process:
Process& current_process();
void process_exit(i64 status);                      // exit syscall
void process_kill(u64 scause, u64 sepc, u64 stval); // a fault it caused
void process_yield();                               // yield syscall: next one's turn
void process_preempt();                             // timer tick: next one's turn
// process_next_frame(): the frame to resume after a trap (may be another process's).
// When no process is left it returns to run_user_programs instead.
TrapFrame* process_next_frame();
// The seed each program gets, by position in the run list: the grader mirrors this.
u64 program_seed(u64 test_seed, int index);
