// fs/cache_read.cc: the cached read path, BlockCache::get (see block_cache.hh).
// Layer: fs. (Lab 06 hole: see labs/06-async-fs/README.md, task "cache".)
//   hit:  pin the buffer; if its read is still in flight, wait on that read;
//   miss: take the least recently used clean unpinned buffer; if there is none, start
//         the write-back of the least recently used dirty one (or pick one already
//         being written), wait for it and look again; label the buffer with the
//         sector, submit the read and wait for it.
// Between a lookup and the claim of a buffer nothing suspends, so two readers of one
// sector can never both miss: the second finds the first one's buffer, reading.
#include "kernel/fs/block_cache.hh"

KTask<Error> BlockCache::get(u64 sector, BlockRef& out) {
  // TODO(lab06): out.release(); a sector past sector_count() is Error::invalid. Then loop:
  //  - b = lookup(sector): a hit. pin(b), touch(b), count stats_.hits; while b is
  //    State::reading, co_await io_done(b); not State::valid: unpin, Error::io; else
  //    out = make_ref(b), Error::ok.
  //  - else pick_victim(&dirty, &busy): a clean victim: claim(victim, sector), count
  //    stats_.misses, start_read(victim), wait as above, then make_ref.
  //  - no clean victim: start_write(dirty) if there is one (then busy = dirty); no busy
  //    buffer either: Error::busy (all pinned). Else co_await io_done(busy); if
  //    stats_.write_errors grew meanwhile, Error::io; else look again.
  (void)sector, (void)out;
  co_return Error::not_implemented;
}
