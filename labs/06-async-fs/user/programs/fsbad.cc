// user/programs/fsbad.cc: bad input to the file system (lab 06). Each case must fail
// with its error and change nothing on the disk; then one good file shows the service
// goes on. Lines: "fsbad case=NAME err=E" for each, then "fsbad good err=E" and "fsbad done".
#include "user/lib/fs.hh"
#include "user/lib/ulib.hh"

namespace {
char g_long[300];

Task<int> async_main(u64 seed) {
  const char* names[] = {"/bad*name.txt", "/what?", "/pipe|name", "/trailing.", "/ctrl\x01name", "/colon:name"};
  const char* labels[] = {"star", "question", "pipe", "trailing-dot", "control", "colon"};
  for (u32 i = 0; i < sizeof names / sizeof names[0]; i++) {
    i64 e = (seed >> i) & 1 ? co_await fs_mkdir(names[i]) : co_await fs_open(names[i], kFsCreate);
    ureport("fsbad case=%s err=%ld", labels[i], long(e));
  }
  g_long[0] = '/';
  for (u32 i = 1; i < sizeof g_long - 1; i++) g_long[i] = char('a' + i % 26);
  ureport("fsbad case=too-long err=%ld", long(co_await fs_open(g_long, kFsCreate)));
  ureport("fsbad case=bad-pointer err=%ld", long(co_await fs_open(reinterpret_cast<const char*>(0x10), 0)));
  char buffer[16];
  ureport("fsbad case=bad-fd err=%ld", long(co_await fs_read(7, buffer, sizeof buffer)));
  ureport("fsbad case=missing err=%ld", long(co_await fs_open("/no/such/file.txt")));
  i64 fd = co_await fs_open("/good.txt", kFsCreate);
  i64 n = fd >= 0 ? co_await fs_write(fd, "good\n", 5) : fd;
  if (fd >= 0) co_await fs_close(fd);
  ureport("fsbad good err=%ld", long(n < 0 ? n : 0));
  co_await fs_sync();
  ureport("fsbad done");
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
