// kernel/fs_service.cc: mounting disk 0 at boot and syncing it at the end (see
// fs_service.hh). Layer: kernel/fs (lab 06).
#include "kernel/fs_service.hh"
#include <new>
#include "kernel/bootargs.hh"
#include "kernel/console.hh"
#include "kernel/disk.hh"
#include "kernel/kernel_tasks.hh"
#include "kernel/selftest.hh"
#include "kernel/stage.hh"
#include "kernel/syscall.hh"
#include "lib/fs_abi.hh"

namespace {
constexpr u64 kDefaultCacheBuffers = 64;  // 32 KiB of sectors; bootargs cache=N (4..120)

// Built in place before use, so kept out of .bss: boot does not clear them.
[[gnu::section(".noinit.fs")]] alignas(VirtioDisk) u8 g_disk_memory[sizeof(VirtioDisk)];
[[gnu::section(".noinit.fs")]] alignas(Fat32) u8 g_fs_memory[sizeof(Fat32)];
VirtioBlk* g_device;
BlockCache* g_cache;
Fat32* g_fs;

KTask<void> mount_task(Error* out) { *out = co_await g_fs->mount(); }
KTask<void> sync_task(Error* out) { *out = co_await g_fs->sync(); }

// run(task): run one kernel task to its end, waiting for the disk as needed (boot and
// shutdown: no program runs then).
bool run(KTask<void> task) { return kernel_task_start(static_cast<KTask<void>&&>(task)) && kernel_tasks_drain(); }
}  // namespace

namespace {
// demo_programs: with no run= in BOOTARGS, the demo shell.
const char* demo_programs() { return "shell"; }
}  // namespace

LAYER_SETUP("06", fs_service) {
  default_programs_hook.fill(demo_programs);
  syscall_register(sys::fs, do_fs);
}

Fat32* fs_volume() { return g_fs && g_fs->mounted() ? g_fs : nullptr; }

bool services_start() {
  kernel_tasks_init();
  fs_tables_init();
  g_device = block_device(0);
  if (!g_device) {
    report("fs none");
    return true;
  }
  VirtioDisk* disk = new (g_disk_memory) VirtioDisk(*g_device);
  u64 buffers = min_of(max_of(bootargs_u64("cache", kDefaultCacheBuffers), u64(kCacheMinBuffers)), u64(kCacheMaxBuffers));
  g_cache = BlockCache::create(*disk, buffers, &kernel_task_wake, nullptr);
  if (!g_cache) {
    report("fs mount failed: out of memory for the block cache");
    return true;
  }
  g_fs = new (g_fs_memory) Fat32(*g_cache);
  Error e = Error::io;
  if (!run(mount_task(&e))) {
    report("fs mount failed: the mount did not finish (disk not answering?)");
    return true;
  }
  if (e != Error::ok) {
    const char* why = g_fs->mount_problem();
    report("fs mount failed: %s (%s)", why && why[0] ? why : "error", error_name(e));
    return true;
  }
  report("fs mount ok sectors=%lu clusters=%u free=%u", g_cache->sector_count(), g_fs->cluster_count(),
         g_fs->free_clusters());
  return true;
}

void services_stop() {
  if (!g_device) return;
  if (!kernel_tasks_drain()) report("fs requests still in flight at the end: kernel tasks live=%u", kernel_tasks_live());
  if (g_fs && g_fs->mounted()) {
    Error e = Error::io;
    if (run(sync_task(&e)) && e == Error::ok)
      report("fs sync ok");
    else
      report("fs sync failed err=-%d", int(e));
  }
  report("disk stats submitted=%lu completed=%lu peak=%u", g_device->submitted(), g_device->completed(),
         g_device->peak_in_flight());
}
