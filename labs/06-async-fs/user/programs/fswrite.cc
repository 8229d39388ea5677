// user/programs/fswrite.cc: create directories and files with seeded names and content
// through the async file system, 4 tasks at once, then sync (lab 06). The grader computes
// the same names and bytes from the seed, checks the image with fsck.fat and mtools, and
// reads it back after a reboot. Lines: "fswrite file path=P size=N fnv=H", "fswrite error
// path=P err=-N", "fswrite done files=F bytes=B errors=E".
#include "user/lib/counter.hh"
#include "user/lib/fs.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u32 kMaxFiles = 24, kWriters = 4, kChunk = 1000;
constexpr u32 kPathBytes = kFsMaxPath + 1;

struct FileSpec {
  char path[kPathBytes];
  u64 size, seed;
};
FileSpec g_files[kMaxFiles];
u32 g_file_count, g_next, g_errors;
u64 g_bytes;

u64 fnv1a(u64 h, const u8* p, u64 n) {
  for (u64 i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

// fill(rng, at, out, n): bytes [at, at + n) of the stream of rng's words, little-endian.
// The stream is consumed in order: `at` must be where the last call stopped.
void fill(SplitMix64& rng, u64& word, u64 at, u8* out, u64 n) {
  for (u64 i = 0; i < n; i++, at++) {
    if (at % 8 == 0) word = rng.next();
    out[i] = u8(word >> (8 * (at % 8)));
  }
}

Task<void> writer(u32 index) {
  static u8 buffers[kWriters][kChunk];
  u8* buffer = buffers[index];
  for (u32 i; (i = take(&g_next)) < g_file_count;) {
    FileSpec& f = g_files[i];
    i64 fd = co_await fs_open(f.path, kFsCreate | kFsExclusive);
    if (fd < 0) {
      ureport("fswrite error path=%s err=%ld", f.path, long(fd));
      take(&g_errors);
      continue;
    }
    SplitMix64 rng(f.seed);
    u64 word = 0, h = 0xcbf29ce484222325ull, at = 0;
    i64 n = 0;
    while (at < f.size) {
      u64 len = min_of(u64(kChunk), f.size - at);
      fill(rng, word, at, buffer, len);
      h = fnv1a(h, buffer, len);
      n = co_await fs_write(fd, buffer, len);
      if (n != i64(len)) break;
      at += len;
    }
    co_await fs_close(fd);
    if (at != f.size) {
      ureport("fswrite error path=%s err=%ld", f.path, long(n < 0 ? n : -5));
      take(&g_errors);
      continue;
    }
    add_to(&g_bytes, f.size);
    ureport("fswrite file path=%s size=%lu fnv=%016lx", f.path, f.size, h);
  }
}

Task<int> async_main(u64 seed) {
  SplitMix64 rng(seed);
  char top[kPathBytes], dir[kPathBytes], name[kPathBytes];
  snformat(top, sizeof top, "/w%08x", unsigned(seed & 0xffffffff));
  i64 e = co_await fs_mkdir(top);
  if (e < 0) ureport("fswrite error path=%s err=%ld", top, long(e)), g_errors++;
  u64 ndirs = 1 + rng.below(3);
  for (u64 d = 0; d < ndirs; d++) {
    char dname[32];
    snformat(dname, sizeof dname, "sub-%lu-%04lx", d, rng.below(0x10000));
    snformat(dir, sizeof dir, "%s/%s", top, dname);
    e = co_await fs_mkdir(dir);
    if (e < 0) ureport("fswrite error path=%s err=%ld", dir, long(e)), g_errors++;
    u64 nfiles = 2 + rng.below(5);
    for (u64 i = 0; i < nfiles; i++) {
      u64 tag = rng.below(1u << 24), size = rng.below(20000), fseed = rng.next();
      snformat(name, sizeof name, "File number %lu of %s with a long name %06lx.dat", i, dname, tag);
      if (g_file_count < kMaxFiles) {
        FileSpec& f = g_files[g_file_count++];
        snformat(f.path, sizeof f.path, "%s/%s", dir, name);
        f.size = size, f.seed = fseed;
      }
    }
  }
  JoinHandle<void> writers[kWriters];
  for (u32 i = 0; i < kWriters; i++) {
    SpawnResult<void> r = spawn(writer(i));
    if (!r.ok()) co_return 2;
    writers[i] = std::move(r.handle());
  }
  for (u32 i = 0; i < kWriters; i++) co_await writers[i];
  e = co_await fs_sync();
  if (e < 0) ureport("fswrite error path=sync err=%ld", long(e)), g_errors++;
  ureport("fswrite done files=%u bytes=%lu errors=%u", g_file_count, g_bytes, g_errors);
  co_return g_errors ? 1 : 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
