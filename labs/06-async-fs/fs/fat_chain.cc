// fs/fat_chain.cc: following cluster chains through the FAT. Layer: fs.
// (A student hole of lab 06 in the handout.) The FAT is data from the disk: a link
// that is free, bad, reserved or beyond the last cluster is corruption (-io), and no
// walk takes more steps than the volume has clusters, so a chain that loops ends in
// -io instead of spinning forever.
#include "fs/fat32.hh"

KTask<i64> Fat32::fat_get(u32 cluster) {
  if (!valid_cluster(cluster)) co_return err_neg(Error::io);
  u64 byte = u64(cluster) * 4;
  u64 sector = reserved_sectors_ + u64(active_fat_) * fat_sectors_ + byte / kSectorBytes;
  BlockRef ref;
  Error e = co_await cache_.get(sector, ref);
  if (e != Error::ok) co_return err_neg(e);
  co_return i64(get32(ref.data() + byte % kSectorBytes) & kFatEntryMask);
}

KTask<i64> Fat32::chain_next(u32 cluster) {
  i64 v = co_await fat_get(cluster);
  if (v < 0) co_return v;
  u32 next = u32(v);
  if (next >= kFatEndOfChain) co_return 0;
  if (!valid_cluster(next)) co_return err_neg(Error::io);  // free (0), reserved (1), bad, out of range
  co_return i64(next);
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

KTask<i64> Fat32::chain_length(u32 first, u32 limit) {
  if (!valid_cluster(first)) co_return err_neg(Error::io);
  limit = min_of(limit, cluster_count_);
  u32 cluster = first;
  for (u32 n = 1;; n++) {
    if (n > limit) co_return err_neg(Error::io);  // longer than allowed: a loop or a lie
    i64 next = co_await chain_next(cluster);
    if (next < 0) co_return next;
    if (next == 0) co_return i64(n);
    cluster = u32(next);
  }
}
