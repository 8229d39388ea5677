// user/programs/fsbench.cc: file-system figures for make bench (lab 06). Needs /big.bin
// (8 MiB) and /small.bin (4 KiB) on the disk (tools/mkdisk.py puts them there).
//   bench read_4k_cold N     instructions per 4 KiB read of /big.bin, not in the cache
//                            (QD 1; under -icount waiting for the disk costs none)
//   bench read_4k_cached N   instructions per 4 KiB read of /small.bin, read again
//   fsbench qd=Q bytes=B time_us=T   /big.bin read whole by Q tasks at once, each with its
//                            own fd, taking every Q-th 4 KiB block (rdtime: wall time
//                            when QEMU runs without -icount)
#include "user/lib/counter.hh"
#include "user/lib/fs.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kBlock = 4096, kMaxQd = 16, kColdReads = 64, kCachedReads = 64;
alignas(kBlock) u8 g_buffers[kMaxQd][kBlock];  // one page each
u64 g_bytes;

u64 read_time_us() { return read_time() / 10; }  // QEMU virt: 10 MHz

Task<void> reader(u32 index, u32 qd, u64 size) {
  i64 fd = co_await fs_open("/big.bin");
  if (fd < 0) {
    ureport("fsbench error qd=%u open err=%ld", qd, long(fd));
    co_return;
  }
  for (u64 block = index; block * kBlock < size; block += qd) {
    co_await fs_seek(fd, block * kBlock);
    i64 n = co_await fs_read(fd, g_buffers[index], kBlock);
    if (n <= 0) {
      ureport("fsbench error qd=%u block=%lu err=%ld", qd, block, long(n));
      break;
    }
    add_to(&g_bytes, u64(n));
  }
  co_await fs_close(fd);
}

Task<int> async_main(u64) {
  FsStat big{}, small{};
  if (co_await fs_stat("/big.bin", &big) < 0 || co_await fs_stat("/small.bin", &small) < 0) {
    ureport("fsbench error: /big.bin and /small.bin are needed (tools/mkdisk.py)");
    co_return 1;
  }
  // Cold: sequential 4 KiB reads far into /big.bin, where nothing was read yet.
  i64 fd = co_await fs_open("/big.bin");
  co_await fs_seek(fd, big.size / 2);
  co_await fs_read(fd, g_buffers[0], kBlock);  // the chain walk to the middle is not counted
  u64 start = read_instret();
  for (u64 i = 0; i < kColdReads; i++) co_await fs_read(fd, g_buffers[0], kBlock);
  ureport("bench read_4k_cold %lu", (read_instret() - start) / kColdReads);
  co_await fs_close(fd);
  // Cached: the same 4 KiB again and again.
  fd = co_await fs_open("/small.bin");
  co_await fs_read(fd, g_buffers[0], kBlock);
  start = read_instret();
  for (u64 i = 0; i < kCachedReads; i++) co_await fs_pread(fd, g_buffers[0], kBlock, 0);
  ureport("bench read_4k_cached %lu", (read_instret() - start) / kCachedReads);
  co_await fs_close(fd);
  // Throughput against queue depth.
  for (u32 qd = 1; qd <= kMaxQd; qd *= 2) {
    g_bytes = 0;
    u64 t0 = read_time_us();
    JoinHandle<void> tasks[kMaxQd];
    for (u32 i = 0; i < qd; i++) {
      SpawnResult<void> r = spawn(reader(i, qd, big.size));
      if (r.ok()) tasks[i] = std::move(r.handle());
    }
    for (u32 i = 0; i < qd; i++)
      if (tasks[i].valid()) co_await tasks[i];
    ureport("fsbench qd=%u bytes=%lu time_us=%lu", qd, g_bytes, read_time_us() - t0);
  }
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
