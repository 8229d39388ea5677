// kernel/stage.cc: what the stage-02 kernel does after boot: run the user programs
// named in bootargs (run=a,b,c; slice=microseconds, 0 = no timer). Layer: kernel/boot.
// Replaces labs/01-boot/kernel/stage.cc: the stage now runs user programs.
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/main.hh"
#include "kernel/process.hh"
#include "kernel/timer.hh"
#include "kernel/trap.hh"

bool stage_run() {
  trap_init();
  timer_init(g_boot.dtb);
  const char* run = bootargs_get("run");
  if (!run) {
    kprintf("stage 02: boot complete. Programs (run=name,name,... in BOOTARGS):");
    for (const UserProgram* p = user_programs_begin(); p != user_programs_end(); p++) kprintf(" %s", p->name);
    kprintf("\n");
    return true;
  }
  u64 slice_us = bootargs_u64("slice", 10000);
  u64 start = read_csr_time();
  bool ok = run_user_programs(run, microseconds_to_time(slice_us));
  u64 elapsed = read_csr_time() - start;
  report("run done ok=%d ticks=%lu elapsed=%lu slice=%lu", ok ? 1 : 0, timer_ticks(), elapsed,
         microseconds_to_time(slice_us));
  return ok;
}
