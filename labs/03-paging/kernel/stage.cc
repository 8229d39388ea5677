// kernel/stage.cc: the stage-03 kernel: its own page table, then user programs as ELF
// processes (run=a,b,b@2 slice=us), or an ELF image the grader loaded into RAM
// (elf_at=ADDRESS elf_size=BYTES). Layer: kernel/boot.
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/frame_alloc.hh"
#include "kernel/kernel_space.hh"
#include "kernel/main.hh"
#include "kernel/process.hh"
#include "kernel/timer.hh"
#include "kernel/trap.hh"

// Lab 04 on: set up what the stage adds (the shared payload) once memory is ready.
[[gnu::weak]] bool stage_prepare();
// Lab 06 on: find and start the devices (PLIC, virtio-blk) once memory is ready; start
// the services on them (the file system) once the payload is there, and stop them when
// the programs are done; the programs to run when BOOTARGS names none.
[[gnu::weak]] bool devices_init();
[[gnu::weak]] bool services_start();
[[gnu::weak]] void services_stop();
[[gnu::weak]] const char* default_programs();

bool stage_run() {
  trap_init();
  timer_init(g_boot.dtb);
  u64 ram_end = g_boot.memory.base + g_boot.memory.size;
  u64 image_at = bootargs_u64("elf_at", 0), image_size = bootargs_u64("elf_size", 0);
  bool image_ok = image_at >= g_boot.memory.base && image_size <= ram_end - image_at && image_at < ram_end;
  // RAM from the lowest image the grader loaded (elf_at=, lab 04's payload_at=) stays
  // out of the frame allocator: its free list would overwrite the images.
  u64 reserved_from = image_ok ? image_at : ram_end;
  u64 payload_at = bootargs_u64("payload_at", 0);
  if (payload_at >= g_boot.memory.base && payload_at < reserved_from) reserved_from = payload_at;
  if (!kernel_space_ready() && !kernel_space_init(reserved_from)) return false;
  report("frames free=%lu total=%lu", frames_free(), frames_total());
  if (devices_init && !devices_init()) return false;
  if (stage_prepare && !stage_prepare()) return false;  // what later labs set up first
  if (services_start && !services_start()) return false;

  u64 slice = microseconds_to_time(bootargs_u64("slice", 10000));
  u64 before = frames_free();
  bool ok = true;
  if (image_ok) {
    process_start_image("image", reinterpret_cast<const u8*>(image_at), image_size);
    ok = run_started_processes(slice);
  } else if (const char* run = bootargs_get("run")) {
    ok = run_user_programs(run, slice);
  } else if (default_programs) {
    ok = run_user_programs(default_programs(), slice);
  } else {
    kprintf("stage 03: boot complete. Programs (run=name,name,... in BOOTARGS):");
    for (const UserProgram* p = user_programs_begin(); p != user_programs_end(); p++) kprintf(" %s", p->name);
    kprintf("\n");
    return true;
  }
  if (services_stop) services_stop();
  report("run done ok=%d ticks=%lu frames_leaked=%ld spaces=%d", ok ? 1 : 0, timer_ticks(),
         long(before) - long(frames_free()), as_live_count());
  return ok;
}
