// fs/fat_alloc.cc: writing the FAT: allocating and freeing clusters. Layer: fs.
// Order on disk, so that a crash at any point leaves at worst lost clusters (which
// fsck reclaims) and never a cross-link: a new cluster is marked end-of-chain first,
// then linked after the chain's old end; the directory entry is written last (by the
// caller). Freeing runs the other way: the entry goes first, then the chain.
// free_count_ is kept exact (FSInfo carries it to disk at sync).
#include "kernel/fs/fat32.hh"
#include "lib/string.hh"

KTask<Error> Fat32::fat_set(u32 cluster, u32 value) {
  if (!valid_cluster(cluster)) co_return Error::io;
  u64 byte = u64(cluster) * 4;
  for (u32 copy = 0; copy < fat_count_; copy++) {
    if (!mirror_fats_ && copy != active_fat_) continue;
    u64 sector = reserved_sectors_ + u64(copy) * fat_sectors_ + byte / kSectorBytes;
    BlockRef ref;
    Error e = co_await cache_.get(sector, ref);
    if (e != Error::ok) co_return e;
    u8* p = ref.data() + byte % kSectorBytes;
    put32(p, (get32(p) & ~kFatEntryMask) | (value & kFatEntryMask));  // keep the top 4 bits
    ref.mark_dirty();
  }
  co_return Error::ok;
}

KTask<i64> Fat32::alloc_cluster(u32 prev) {
  if (prev != 0 && !valid_cluster(prev)) co_return error_return(Error::io);
  if (free_count_ == 0) co_return error_return(Error::no_space);
  u32 start = valid_cluster(next_free_) ? next_free_ : 2;
  u32 found = 0;
  for (u32 n = 0; n < cluster_count_ && !found; n++) {
    u32 c = 2 + (start - 2 + n) % cluster_count_;
    i64 v = co_await fat_get(c);
    if (v < 0) co_return v;
    if (v == 0) found = c;
  }
  if (!found) {
    free_count_ = 0;  // the count was wrong: correct it
    fsinfo_dirty_ = true;
    co_return error_return(Error::no_space);
  }
  Error e = co_await fat_set(found, kFatEocMark);
  if (e != Error::ok) co_return error_return(e);
  free_count_--;
  next_free_ = found + 1 <= max_cluster_ ? found + 1 : 2;
  fsinfo_dirty_ = true;
  if (prev != 0) {
    e = co_await fat_set(prev, found);
    if (e != Error::ok) co_return error_return(e);
  }
  co_return i64(found);
}

KTask<Error> Fat32::free_chain(u32 first) {
  u32 cluster = first;
  for (u32 n = 0; cluster != 0; n++) {
    if (n >= cluster_count_) co_return Error::io;  // a loop
    i64 next = co_await chain_next(cluster);       // read the link before clearing it
    if (next < 0) co_return error_of(next);
    Error e = co_await fat_set(cluster, 0);
    if (e != Error::ok) co_return e;
    free_count_++;
    fsinfo_dirty_ = true;
    cluster = u32(next);
  }
  co_return Error::ok;
}

KTask<Error> Fat32::zero_cluster(u32 cluster) {
  if (!valid_cluster(cluster)) co_return Error::io;
  u64 first = cluster_sector(cluster);
  for (u32 s = 0; s < sectors_per_cluster_; s++) {
    BlockRef ref;
    Error e = co_await cache_.get(first + s, ref);
    if (e != Error::ok) co_return e;
    memset(ref.data(), 0, kSectorBytes);
    ref.mark_dirty();
  }
  co_return Error::ok;
}
