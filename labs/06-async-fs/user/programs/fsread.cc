// user/programs/fsread.cc: read the whole disk through the async file system (lab 06).
// Walks "/" (readdir), reporting every directory, then reads every file
// with 8 tasks at once, reporting its size and FNV-1a hash; the grader built the image
// and knows both. Lines: "fsread dir path=P entries=N", "fsread file path=P size=N
// fnv=H", "fsread error path=P err=-N", "fsread done files=F dirs=D bytes=B errors=E".
#include "lib/string.hh"
#include "user/lib/counter.hh"
#include "user/lib/fs.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u32 kMaxFiles = 256, kMaxDirs = 64, kReaders = 8, kChunk = 4096;
constexpr u32 kPathBytes = kFsMaxPath + 1;

char g_files[kMaxFiles][kPathBytes];
char g_dirs[kMaxDirs][kPathBytes];
u32 g_file_count, g_dir_count, g_next_file, g_errors;
u64 g_bytes;

u64 fnv1a(u64 h, const u8* p, u64 n) {
  for (u64 i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

void join_path(char* out, const char* dir, const char* name) {
  snformat(out, kPathBytes, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
}

// walk(): every directory, breadth first (g_dirs is the queue); every file it finds goes
// into g_files. The grader compares the lines as sets: their order does not matter.
Task<void> walk() {
  memcpy(g_dirs[0], "/", 2);
  g_dir_count = 1;
  for (u32 d = 0; d < g_dir_count; d++) {
    i64 fd = co_await fs_open(g_dirs[d]);
    if (fd < 0) {
      ureport("fsread error path=%s err=%ld", g_dirs[d], long(fd));
      take(&g_errors);
      continue;
    }
    u32 entries = 0;
    FsDirent entry;
    for (;;) {
      i64 got = co_await fs_readdir(fd, &entry);
      if (got < 0) {
        ureport("fsread error path=%s err=%ld", g_dirs[d], long(got));
        take(&g_errors);
        break;
      }
      if (got == 0) break;
      entries++;
      if (entry.is_dir && g_dir_count < kMaxDirs) {
        join_path(g_dirs[g_dir_count++], g_dirs[d], entry.name);
      } else if (!entry.is_dir && g_file_count < kMaxFiles) {
        join_path(g_files[g_file_count++], g_dirs[d], entry.name);
      }
    }
    co_await fs_close(fd);
    ureport("fsread dir path=%s entries=%u", g_dirs[d], entries);
  }
}

u8 g_buffers[kReaders][kChunk];

Task<void> reader(u32 index) {
  u8* buffer = g_buffers[index];
  for (u32 i; (i = take(&g_next_file)) < g_file_count;) {
    const char* path = g_files[i];
    i64 fd = co_await fs_open(path);
    if (fd < 0) {
      ureport("fsread error path=%s err=%ld", path, long(fd));
      take(&g_errors);
      continue;
    }
    u64 size = 0, h = 0xcbf29ce484222325ull;
    i64 n;
    while ((n = co_await fs_read(fd, buffer, kChunk)) > 0) {
      h = fnv1a(h, buffer, u64(n));
      size += u64(n);
    }
    co_await fs_close(fd);
    if (n < 0) {
      ureport("fsread error path=%s err=%ld", path, long(n));
      take(&g_errors);
      continue;
    }
    add_to(&g_bytes, size);
    ureport("fsread file path=%s size=%lu fnv=%016lx", path, size, h);
  }
}

Task<int> async_main(u64) {
  co_await walk();
  JoinHandle<void> readers[kReaders];
  for (u32 i = 0; i < kReaders; i++) {
    SpawnResult<void> r = spawn(reader(i));
    if (!r.ok()) co_return 2;
    readers[i] = std::move(r.handle());
  }
  for (u32 i = 0; i < kReaders; i++) co_await readers[i];
  ureport("fsread done files=%u dirs=%u bytes=%lu errors=%u", g_file_count, g_dir_count, g_bytes, g_errors);
  co_return g_errors ? 1 : 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
