// fs/fat_table.cc: reading FAT entries, and seeking along a chain. Layer: fs.
// The FAT is data from the disk: see fat_chain.cc for what counts as corruption.
#include "kernel/fs/fat32.hh"

KTask<i64> Fat32::fat_get(u32 cluster) {
  if (!valid_cluster(cluster)) co_return error_return(Error::io);
  u64 byte = u64(cluster) * 4;
  u64 sector = fat_sector_of(cluster);
  if (const u8* cached = cache_.peek(sector)) co_return i64(get32(cached + byte % kSectorBytes) & kFatEntryMask);
  BlockRef ref;
  Error e = co_await cache_.get(sector, ref);
  if (e != Error::ok) co_return error_return(e);
  co_return i64(get32(ref.data() + byte % kSectorBytes) & kFatEntryMask);
}

// The walk works on a copy of `pos` and stores it only between waits: another reader
// of the same open file may move `pos` while this one waits for a FAT sector.
KTask<i64> Fat32::chain_seek(u32 first, u32 index, ChainPos& pos) {
  if (!valid_cluster(first)) co_return error_return(Error::io);
  if (index >= cluster_count_) co_return 0;  // no chain is that long
  ChainPos at = pos;
  if (at.cluster == 0 || at.index > index || !valid_cluster(at.cluster)) at = ChainPos{0, first};
  while (at.index < index) {
    i64 next = co_await chain_next(at.cluster);
    if (next <= 0) co_return next;  // the end or -io (pos keeps the last cluster stored)
    at = ChainPos{at.index + 1, u32(next)};
    pos = at;
  }
  pos = at;
  co_return i64(at.cluster);
}

u32 Fat32::peek_link(u32 cluster) {
  if (!valid_cluster(cluster)) return 0;
  const u8* cached = cache_.peek(fat_sector_of(cluster));
  if (!cached) return 0;
  u32 next = get32(cached + u64(cluster) * 4 % kSectorBytes) & kFatEntryMask;
  return valid_cluster(next) ? next : 0;
}
