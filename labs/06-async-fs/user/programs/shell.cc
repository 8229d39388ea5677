// user/programs/shell.cc: the stage 06 demo (make qemu): a small shell whose commands
// run as coroutines over the async file system. It runs a script: its own, or the
// lines of /init.sh on the disk. Commands: ls [dir], tree [dir], cat file, write file
// text..., mkdir dir, rm path, stat path, sum file..., par file... (hash files in
// parallel, one task each), sync, echo text..., help.
#include "lib/string.hh"
#include "user/lib/fs.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u32 kLine = 256, kArgs = 8, kPath = kFsMaxPath + 1;

const char kBuiltinScript[] =
    "echo Squall stage 06: coroutines over an async FAT32 on virtio-blk\n"
    "ls /\n"
    "mkdir /demo\n"
    "write /demo/A file with a long name.txt hello from a coroutine\n"
    "cat /demo/A file with a long name.txt\n"
    "stat /demo/A file with a long name.txt\n"
    "tree /\n"
    "par /big.bin /small.bin\n"
    "rm /demo/A file with a long name.txt\n"
    "rm /demo\n"
    "sync\n";

u64 fnv1a(u64 h, const u8* p, u64 n) {
  for (u64 i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

// split(line, argv): words separated by spaces; the last word of `write` keeps its spaces
// (the caller joins them back), so names with spaces work for one-path commands.
int split(char* line, char** argv) {
  int n = 0;
  for (char* p = line; *p && n < int(kArgs);) {
    while (*p == ' ') *p++ = 0;
    if (!*p) break;
    argv[n++] = p;
    while (*p && *p != ' ') p++;
  }
  return n;
}

// rest(argv, argc, from): words from..argc-1 as one string (spaces restored).
const char* rest(char** argv, int argc, int from) {
  for (int i = from; i + 1 < argc; i++) argv[i][strlen(argv[i])] = ' ';
  return from < argc ? argv[from] : "";
}

Task<void> list(const char* dir, int depth, bool recurse) {
  i64 fd = co_await fs_open(dir);
  if (fd < 0) {
    uprintf("ls %s: %s\n", dir, fs_error_text(fd));
    co_return;
  }
  FsDirent e;
  while (co_await fs_readdir(fd, &e) > 0) {
    uprintf("%*s%s%s  %u\n", 2 * depth + 2, "", e.name, e.is_dir ? "/" : "", e.size);
    if (recurse && e.is_dir && depth < 6) {
      char sub[kPath];
      snformat(sub, sizeof sub, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", e.name);
      co_await list(sub, depth + 1, true);
    }
  }
  co_await fs_close(fd);
}

Task<u64> hash_file(const char* path) {
  static u8 buffers[4][4096];
  static u32 next;
  u8* buffer = buffers[next++ % 4];
  i64 fd = co_await fs_open(path);
  if (fd < 0) co_return 0;
  u64 h = 0xcbf29ce484222325ull;
  i64 n;
  while ((n = co_await fs_read(fd, buffer, 4096)) > 0) h = fnv1a(h, buffer, u64(n));
  co_await fs_close(fd);
  co_return h;
}

Task<void> run_command(char* line) {
  uprintf("$ %s\n", line);
  char* argv[kArgs];
  int argc = split(line, argv);
  if (argc == 0) co_return;
  const char* cmd = argv[0];
  bool many = strcmp(cmd, "write") == 0 || strcmp(cmd, "par") == 0;
  const char* path = many ? "" : rest(argv, argc, 1);  // one argument, spaces and all
  if (strcmp(cmd, "echo") == 0) {
    uprintf("%s\n", path);
  } else if (strcmp(cmd, "ls") == 0 || strcmp(cmd, "tree") == 0) {
    co_await list(argc > 1 ? path : "/", 0, strcmp(cmd, "tree") == 0);
  } else if (strcmp(cmd, "cat") == 0) {
    i64 fd = co_await fs_open(path);
    char buf[257];
    i64 n = fd;
    while (fd >= 0 && (n = co_await fs_read(fd, buf, 256)) > 0) {
      buf[n] = 0;
      uprintf("%s", buf);
    }
    if (fd >= 0) co_await fs_close(fd);
    uprintf(n < 0 ? "cat: %s\n" : "\n", fs_error_text(n));
  } else if (strcmp(cmd, "write") == 0 && argc >= 3) {
    // write FILE TEXT...: the name is every word up to the last one ending in ".txt"
    // (so it may hold spaces); the rest is the text.
    int split_at = 2;
    for (int i = 1; i < argc; i++)
      if (strlen(argv[i]) > 4 && strcmp(argv[i] + strlen(argv[i]) - 4, ".txt") == 0) split_at = i + 1;
    const char* text = rest(argv, argc, split_at);
    for (int i = 1; i + 1 < split_at; i++) argv[i][strlen(argv[i])] = ' ';
    i64 fd = co_await fs_open(argv[1], kFsCreate);
    i64 n = fd >= 0 ? co_await fs_write(fd, text, strlen(text)) : fd;
    if (fd >= 0) co_await fs_close(fd);
    uprintf("write: %ld bytes (%s)\n", long(n), fs_error_text(n));
  } else if (strcmp(cmd, "mkdir") == 0) {
    uprintf("mkdir: %s\n", fs_error_text(co_await fs_mkdir(path)));
  } else if (strcmp(cmd, "rm") == 0) {
    uprintf("rm: %s\n", fs_error_text(co_await fs_unlink(path)));
  } else if (strcmp(cmd, "stat") == 0) {
    FsStat st{};
    i64 e = co_await fs_stat(path, &st);
    if (e < 0)
      uprintf("stat: %s\n", fs_error_text(e));
    else
      uprintf("stat: size=%lu dir=%u first_cluster=%u\n", st.size, st.is_dir, st.first_cluster);
  } else if (strcmp(cmd, "par") == 0) {
    // Every file hashed by a task of its own: their reads are in flight together.
    JoinHandle<u64> tasks[kArgs];
    char* names[kArgs];
    int n = 0;
    for (int i = 1; i < argc; i++) {  // one word each: names without spaces
      names[n] = argv[i];
      SpawnResult<u64> r = spawn(hash_file(argv[i]));
      if (r.ok()) tasks[n++] = std::move(r.handle());
    }
    for (int i = 0; i < n; i++) uprintf("  %016lx  %s\n", co_await tasks[i], names[i]);
  } else if (strcmp(cmd, "sync") == 0) {
    uprintf("sync: %s\n", fs_error_text(co_await fs_sync()));
  } else {
    uprintf("commands: ls tree cat write mkdir rm stat par sync echo\n");
  }
}

char g_script[4096];

Task<int> async_main(u64) {
  const char* script = kBuiltinScript;
  i64 fd = co_await fs_open("/init.sh");
  if (fd >= 0) {
    i64 n = co_await fs_read(fd, g_script, sizeof g_script - 1);
    co_await fs_close(fd);
    if (n > 0) {
      g_script[n] = 0;
      script = g_script;
    }
  } else if (fd == -i64(Error::no_device)) {
    uprintf("shell: no file system (attach a disk: make disk, then make qemu)\n");
    co_return 0;
  }
  char line[kLine];
  for (const char* p = script; *p;) {
    u32 n = 0;
    while (*p && *p != '\n' && n + 1 < kLine) line[n++] = *p++;
    while (*p && *p != '\n') p++;
    if (*p) p++;
    line[n] = 0;
    co_await run_command(line);
  }
  ureport("shell done");
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
