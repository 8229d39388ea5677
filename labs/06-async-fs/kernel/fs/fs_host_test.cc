// fs/fs_host_test.cc: host tests of lab 06's file-system core: kernel/kheap.cc,
// kernel/ktask.hh, fs/block_cache.cc + fs/cache_read.cc, and FAT32 (fs/fat*.cc),
// under ASan and UBSan. Layer: host tests. Images come from the real tools:
// mkfs.fat -F 32 makes them, mtools (mmd, mcopy) fills them with seeded random files,
// long names and nested directories; our code must read the same bytes. What our code
// writes must pass `fsck.fat -n` and read back the same through mtools (mcopy). Then
// a full disk, and corrupted images (BPB fields, FAT links, loops, entries pointing
// outside, truncation, random damage): errors, never a crash.
// Run: labs/06-async-fs/fs/run_host_tests.sh (or `make host-test`). FS_TEST_SEED=n
// picks another seed; FS_TEST_KEEP=1 keeps the scratch directory.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host_check.hh"
#include "kernel/kheap.cc"
#include "kernel/fs/block_cache.cc"
#include "kernel/fs/cache_read.cc"
#include "kernel/fs/fat_name.cc"
#include "kernel/fs/fat32_mount.cc"
#include "kernel/fs/fat_chain.cc"
#include "kernel/fs/fat_table.cc"
#include "kernel/fs/fat_alloc.cc"
#include "kernel/fs/fat_dir.cc"
#include "kernel/fs/fat_file.cc"
#include "lib/error.cc"
#include "lib/random.hh"

void panic(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vfprintf(stderr, fmt, args);
  va_end(args);
  fputc('\n', stderr);
  abort();
}
void ktask_panic(const char* what) { panic("ktask: %s", what); }

// ---- the environment: a run queue and an in-memory block device ---------------------
namespace {
constexpr int kRunQueueMax = 4096;
std::coroutine_handle<> g_runq[kRunQueueMax];
int g_runq_head, g_runq_count;

void wake(void*, std::coroutine_handle<> h, void* = nullptr) {
  if (g_runq_count == kRunQueueMax) panic("run queue full");
  g_runq[(g_runq_head + g_runq_count++) % kRunQueueMax] = h;
}

// MemDevice: sectors in host memory. Immediate mode completes inside submit();
// queued mode keeps requests until drive() completes them, in a seeded random order.
struct MemDevice final : BlockDevice {
  u8* image = nullptr;
  u64 sectors = 0;
  bool queued = false;
  SectorRequest* pending[256];
  int npending = 0;
  SplitMix64 rng{1};
  u64 reads = 0, writes = 0;
  u64 fail_read_sector = kNoSector, fail_write_sector = kNoSector;
  u32* read_counts = nullptr;  // per sector, when set

  u64 sector_count() const override { return sectors; }
  void submit(SectorRequest& req) override {
    if (queued) {
      if (npending == 256) panic("device queue full");
      pending[npending++] = &req;
      return;
    }
    complete(&req);
  }
  void complete(SectorRequest* req) {
    req->status = Error::ok;
    if (req->sector >= sectors) {
      req->status = Error::io;
    } else if (!req->write) {
      reads++;
      if (read_counts) read_counts[req->sector]++;
      if (req->sector == fail_read_sector) req->status = Error::io;
      else memcpy(req->buffer, image + req->sector * kSectorBytes, kSectorBytes);
    } else {
      writes++;
      if (req->sector == fail_write_sector) req->status = Error::io;
      else memcpy(image + req->sector * kSectorBytes, req->buffer, kSectorBytes);
    }
    req->done(*req, req->context);
  }
  bool complete_one() {
    if (npending == 0) return false;
    int i = int(rng.below(u64(npending)));
    SectorRequest* req = pending[i];
    pending[i] = pending[--npending];
    complete(req);
    return true;
  }
};

// drive(dev): resume whatever is runnable; when nothing is, let the device finish one.
void drive(MemDevice& dev) {
  for (;;) {
    if (g_runq_count) {
      std::coroutine_handle<> h = g_runq[g_runq_head];
      g_runq_head = (g_runq_head + 1) % kRunQueueMax;
      g_runq_count--;
      h.resume();
    } else if (!dev.complete_one()) {
      return;
    }
  }
}

template <class T>
struct Outcome {
  bool done = false;
  T value{};
};

// run(dev, task): a top-level task, detached, driven to its end; its value.
template <class T>
T run(MemDevice& dev, KTask<T> task) {
  Outcome<T> out;
  std::coroutine_handle<> h = task.detach(
      [](void* ctx, T v) {
        auto* o = static_cast<Outcome<T>*>(ctx);
        o->done = true;
        o->value = v;
      },
      &out);
  if (!h) {
    CHECK(!"task frame allocation failed");
    return ktask_oom_value<T>();
  }
  wake(nullptr, h);
  drive(dev);
  CHECK(out.done);
  return out.value;
}

// ---- scratch files and tools ----------------------------------------------------------
char g_dir[256];
u64 g_seed = 0x5a11f00d;

int sh(const char* fmt, ...) {
  char cmd[4096];
  va_list args;
  va_start(args, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, args);
  va_end(args);
  int rc = system(cmd);
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

u8* load_file(const char* path, u64* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return nullptr;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  u8* data = static_cast<u8*>(malloc(n ? n : 1));
  if (fread(data, 1, n, f) != usize(n)) n = 0;
  fclose(f);
  *size = u64(n);
  return data;
}

void save_file(const char* path, const u8* data, u64 size) {
  FILE* f = fopen(path, "wb");
  if (!f || fwrite(data, 1, size, f) != size) panic("cannot write %s", path);
  fclose(f);
}

void fill_random(u8* p, u64 n, u64 seed) {
  SplitMix64 r(seed);
  for (u64 i = 0; i < n; i++) p[i] = u8(r.next() >> 24);
}

// A volume: an image file loaded in memory (the first keep_bytes of it, if set),
// under a cache of `buffers` sectors; mount() separately, so tests can damage it first.
struct Volume {
  MemDevice dev;
  BlockCache* cache = nullptr;
  Fat32* fs = nullptr;

  bool load(const char* path, u64 keep_bytes = 0, usize buffers = 64) {
    u64 bytes = 0;
    dev.image = load_file(path, &bytes);
    if (!dev.image) return false;
    if (keep_bytes) bytes = min_of(bytes, keep_bytes);
    dev.sectors = bytes / kSectorBytes;
    cache = BlockCache::create(dev, buffers, wake, nullptr);
    fs = new Fat32(*cache);
    return cache != nullptr;
  }
  Error mount() { return run(dev, fs->mount()); }
  void save(const char* path) { save_file(path, dev.image, dev.sectors * kSectorBytes); }
  void close() {
    delete fs;
    CHECK(BlockCache::destroy(cache) == Error::ok);
    free(dev.image);
    fs = nullptr;
    cache = nullptr;
    dev.image = nullptr;
  }
};
}  // namespace

#include "kernel/fs/fs_host_test_cases.inc"
