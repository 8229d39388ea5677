// kernel/stage.cc: the stage-03 kernel: its own page table, then user programs as ELF
// processes (run=a,b,b@2 slice=us), or an ELF image the grader loaded into RAM
// (elf_at=ADDRESS elf_size=BYTES). Layer: kernel/boot.
// Replaces labs/02-trap/kernel/stage.cc: the stage builds the kernel's page table and runs ELF processes.
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/kernel_space.hh"
#include "kernel/main.hh"
#include "kernel/process.hh"
#include "kernel/timer.hh"
#include "kernel/stage.hh"
#include "kernel/trap.hh"

namespace {
// reserved_from(image_at): RAM from the lowest image the grader loaded (elf_at=, or one
// a later layer names) stays out of the frame allocator: its free list would overwrite it.
u64 reserved_from(u64 image_at) {
  u64 lowest = image_at;
  for (usize i = 0; i < stage_reserve_hooks.size(); i++) {
    u64 at = stage_reserve_hooks[i]();
    if (at >= g_boot.memory.base && at < lowest) lowest = at;
  }
  return lowest;
}
}  // namespace

bool stage_run() {
  trap_init();
  timer_init(g_boot.dtb);
  u64 ram_end = g_boot.memory.base + g_boot.memory.size;
  u64 image_at = bootargs_u64("elf_at", 0), image_size = bootargs_u64("elf_size", 0);
  bool image_ok = image_at >= g_boot.memory.base && image_size <= ram_end - image_at && image_at < ram_end;
  if (!kernel_space_ready() && !kernel_space_init(reserved_from(image_ok ? image_at : ram_end))) return false;
  report("frames free=%lu total=%lu", frames_free(), frames_total());
  for (usize i = 0; i < stage_start_hooks.size(); i++)
    if (!stage_start_hooks[i]()) return false;

  u64 slice = microseconds_to_time(bootargs_u64("slice", 10000));
  u64 before = frames_free();
  bool ok = true;
  if (image_ok) {
    process_start_image("image", reinterpret_cast<const u8*>(image_at), image_size);
    ok = run_started_processes(slice);
  } else if (const char* run = bootargs_get("run")) {
    ok = run_user_programs(run, slice);
  } else if (default_programs_hook) {
    ok = run_user_programs(default_programs_hook(), slice);
  } else {
    kprintf("stage 03: boot complete. Programs (run=name,name,... in BOOTARGS):");
    for (const UserProgram* p = user_programs_begin(); p != user_programs_end(); p++) kprintf(" %s", p->name);
    kprintf("\n");
    return true;
  }
  for (usize i = 0; i < stage_stop_hooks.size(); i++) stage_stop_hooks[i]();
  report("run done ok=%d ticks=%lu frames_leaked=%ld spaces=%d", ok ? 1 : 0, timer_ticks(),
         long(before) - long(frames_free()), as_live_count());
  return ok;
}
