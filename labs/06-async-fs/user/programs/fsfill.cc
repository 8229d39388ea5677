// user/programs/fsfill.cc: fill the disk (lab 06). Writes the seed's byte stream to
// /fill.bin in 4 KiB chunks until the file system says -ENOSPC, then syncs, then tries a
// mkdir on the full disk. The grader checks that the image is still fsck-clean and holds
// exactly the bytes reported written. Lines: "fsfill enospc written=N", "fsfill mkdir
// err=E", "fsfill done" (or "fsfill error what=W err=E").
#include "user/lib/fs.hh"
#include "user/lib/ulib.hh"

namespace {
constexpr u64 kChunk = 4096;
u8 g_buffer[kChunk];

Task<int> async_main(u64 seed) {
  i64 fd = co_await fs_open("/fill.bin", kFsCreate);
  if (fd < 0) {
    ureport("fsfill error what=open err=%ld", long(fd));
    co_return 1;
  }
  SplitMix64 rng(seed);
  u64 written = 0;
  i64 n = 0;
  for (;;) {
    for (u64 i = 0; i < kChunk; i += 8) {
      u64 word = rng.next();
      for (u64 b = 0; b < 8; b++) g_buffer[i + b] = u8(word >> (8 * b));
    }
    n = co_await fs_write(fd, g_buffer, kChunk);  // a short write when it fills the disk,
    if (n < 0) break;                             // then -ENOSPC
    written += u64(n);
  }
  co_await fs_close(fd);
  if (n != -i64(Error::no_space)) {
    ureport("fsfill error what=write err=%ld", long(n));
    co_return 1;
  }
  ureport("fsfill enospc written=%lu", written);
  i64 s = co_await fs_sync();
  if (s < 0) ureport("fsfill error what=sync err=%ld", long(s));
  i64 m = co_await fs_mkdir("/after-full");
  ureport("fsfill mkdir err=%ld", long(m));
  ureport("fsfill done");
  co_return 0;
}
}  // namespace

SQUALL_ASYNC_MAIN(async_main)
