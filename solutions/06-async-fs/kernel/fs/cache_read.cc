// fs/cache_read.cc: the cached read path, BlockCache::get (see block_cache.hh).
// Layer: fs. (Reference solution of the lab 06 hole.)
//   hit:  pin the buffer; if its read is still in flight, wait on that read;
//   miss: take the least recently used clean unpinned buffer; if there is none, start
//         the write-back of the least recently used dirty one (or pick one already
//         being written), wait for it and look again; label the buffer with the
//         sector, submit the read and wait for it.
// Between a lookup and the claim of a buffer nothing suspends, so two readers of one
// sector can never both miss: the second finds the first one's buffer, reading.
#include "kernel/fs/block_cache.hh"

KTask<Error> BlockCache::get(u64 sector, BlockRef& out) {
  out.release();
  if (sector >= dev_.sector_count()) co_return Error::invalid;
  for (;;) {
    CacheBuf* b = lookup(sector);
    if (b) {
      pin(b);
      touch(b);
      stats_.hits++;
      while (b->state == CacheBuf::State::reading) {
        co_await io_done(b);
      }
      if (b->state != CacheBuf::State::valid) {
        unpin(b);
        co_return Error::io;
      }
      out = make_ref(b);
      co_return Error::ok;
    }
    CacheBuf* dirty = nullptr;
    CacheBuf* busy = nullptr;
    CacheBuf* victim = pick_victim(&dirty, &busy);
    if (victim) {
      claim(victim, sector);
      stats_.misses++;
      start_read(victim);
      while (victim->state == CacheBuf::State::reading) {
        co_await io_done(victim);
      }
      if (victim->state != CacheBuf::State::valid) {
        unpin(victim);
        co_return Error::io;
      }
      out = make_ref(victim);
      co_return Error::ok;
    }
    if (dirty) {
      start_write(dirty);
      busy = dirty;
    }
    if (!busy) co_return Error::busy;  // every buffer is pinned
    u64 errors_before = stats_.write_errors;
    co_await io_done(busy);
    if (stats_.write_errors != errors_before) co_return Error::io;  // the write-back failed
  }
}
