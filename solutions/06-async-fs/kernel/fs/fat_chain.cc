// fs/fat_chain.cc: following a cluster chain through the FAT. Layer: fs. (Reference
// solution of the lab 06 hole.) The FAT is data from the disk: a link that is free, bad,
// reserved or beyond the last cluster is corruption (-io), and no walk takes more steps
// than the volume has clusters, so a chain that loops ends in -io instead of spinning.
#include "kernel/fs/fat32.hh"

KTask<i64> Fat32::chain_next(u32 cluster) {
  i64 v = co_await fat_get(cluster);
  if (v < 0) co_return v;
  u32 next = u32(v);
  if (next >= kFatEndOfChain) co_return 0;
  if (!valid_cluster(next)) co_return error_return(Error::io);  // free (0), reserved (1), bad, out of range
  co_return i64(next);
}

KTask<i64> Fat32::chain_length(u32 first, u32 limit) {
  if (!valid_cluster(first)) co_return error_return(Error::io);
  limit = min_of(limit, cluster_count_);
  u32 cluster = first;
  for (u32 n = 1;; n++) {
    if (n > limit) co_return error_return(Error::io);  // longer than allowed: a loop or a lie
    i64 next = co_await chain_next(cluster);
    if (next < 0) co_return next;
    if (next == 0) co_return i64(n);
    cluster = u32(next);
  }
}
