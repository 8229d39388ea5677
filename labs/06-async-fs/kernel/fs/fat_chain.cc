// fs/fat_chain.cc: following a cluster chain through the FAT. Layer: fs. (Lab 06 hole:
// see labs/06-async-fs/README.md, task "chain".) The FAT is data from the disk: a link
// that is free, bad, reserved or beyond the last cluster is corruption (-io), and no walk
// takes more steps than the volume has clusters, so a chain that loops ends in -io
// instead of spinning forever.
#include "kernel/fs/fat32.hh"

// chain_next(c): see fat32.hh.
KTask<i64> Fat32::chain_next(u32 cluster) {
  // TODO(lab06): read c's FAT entry (co_await fat_get(cluster); negative: pass it on).
  // An entry >= kFatEndOfChain ends the chain: 0. Any other entry must be a valid
  // cluster (valid_cluster): else the FAT is corrupt, error_return(Error::io). Else it is the
  // next cluster.
  (void)cluster;
  co_return error_return(Error::not_implemented);
}

// chain_length(first, limit): see fat32.hh.
KTask<i64> Fat32::chain_length(u32 first, u32 limit) {
  // TODO(lab06): count the clusters from `first` (which must be valid: else -io) with
  // chain_next until it says 0. More than min(limit, cluster_count_) clusters means a
  // loop (or a chain longer than its owner allows): -io. Pass errors on.
  (void)first, (void)limit;
  co_return error_return(Error::not_implemented);
}
