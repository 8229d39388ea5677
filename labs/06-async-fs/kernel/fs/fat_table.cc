// fs/fat_table.cc: reading FAT entries, and seeking along a chain. Layer: fs.
// The FAT is data from the disk: see fat_chain.cc for what counts as corruption.
#include "kernel/fs/fat32.hh"

KTask<i64> Fat32::fat_get(u32 cluster) {
  if (!valid_cluster(cluster)) co_return err_neg(Error::io);
  u64 byte = u64(cluster) * 4;
  u64 sector = reserved_sectors_ + u64(active_fat_) * fat_sectors_ + byte / kSectorBytes;
  if (const u8* cached = cache_.peek(sector)) co_return i64(get32(cached + byte % kSectorBytes) & kFatEntryMask);
  BlockRef ref;
  Error e = co_await cache_.get(sector, ref);
  if (e != Error::ok) co_return err_neg(e);
  co_return i64(get32(ref.data() + byte % kSectorBytes) & kFatEntryMask);
}

KTask<i64> Fat32::chain_seek(u32 first, u32 index, ChainPos& pos) {
  if (!valid_cluster(first)) co_return err_neg(Error::io);
  if (index >= cluster_count_) co_return 0;  // no chain is that long
  if (pos.cluster == 0 || pos.index > index || !valid_cluster(pos.cluster)) {
    pos.index = 0;
    pos.cluster = first;
  }
  while (pos.index < index) {
    i64 next = co_await chain_next(pos.cluster);
    if (next <= 0) co_return next;  // the end (pos stays on the last cluster) or -io
    pos.cluster = u32(next);
    pos.index++;
  }
  co_return i64(pos.cluster);
}
