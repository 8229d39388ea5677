// fs/fat32.hh: an asynchronous FAT32 file system over the block cache (lab 06).
// Layer: fs. Every operation is a KTask: it suspends only inside the cache while a
// sector is read or written, so many may be in flight on one executor (one hart;
// operations that change the same directory or file must not overlap: FIXME, no
// per-inode locks yet).
//
// Files: fs/fat32_mount.cc (BPB, FSInfo, sync), fs/fat_chain.cc (following cluster
// chains), fs/fat_alloc.cc (the FAT's free clusters), fs/fat_dir.cc (directories, long
// names, paths), fs/fat_file.cc (the operations), fs/fat_name.cc (names, pure).
//
// Errors: Error values (KTask<Error>) or negative Error numbers (KTask<i64>):
//   invalid    a bad argument or name, or a BPB that is not a FAT32 we can mount;
//   not_found  no such file (or a path through a non-directory);
//   exists     create/mkdir of a name already there;
//   no_space   no free cluster, or the directory is at its 65536-entry limit;
//   busy       unlink of a non-empty directory;
//   too_big    a write past 4 GiB - 1;
//   io         the device failed, or the on-disk data is corrupt (a FAT entry out of
//              range, a bad or free cluster inside a chain, a chain that loops or
//              disagrees with the file's size, an entry pointing outside the volume).
// Nothing read from the disk is trusted: corruption gives io, never a crash.
// Paths: components separated by '/', a leading '/' optional, "." and ".." understood.
// Names compare without ASCII case, as on FAT. Timestamps are a fixed date (no clock).
#pragma once
#include "kernel/fs/block_cache.hh"
#include "kernel/fs/fat_name.hh"
#include "kernel/ktask.hh"

inline constexpr u32 kFatMaxDirEntries = 65536;   // the spec's limit per directory
inline constexpr u32 kFatEntryMask = 0x0fffffff;  // FAT32 entries are 28 bits
inline constexpr u32 kFatBadCluster = 0x0ffffff7;
inline constexpr u32 kFatEndOfChain = 0x0ffffff8;  // and above
inline constexpr u32 kFatEocMark = 0x0fffffff;     // what we write at a chain's end

namespace fat_attr {
inline constexpr u8 read_only = 0x01, hidden = 0x02, system = 0x04, volume = 0x08;
inline constexpr u8 directory = 0x10, archive = 0x20, long_name = 0x0f;
}  // namespace fat_attr

// A position in a cluster chain: `cluster` is the index-th cluster (0: none known).
struct ChainPos {
  u32 index = 0;
  u32 cluster = 0;
};

// An open file or directory: what it is and where its directory entry lives.
struct FatFile {
  u32 first_cluster = 0;  // 0: an empty file
  u32 size = 0;           // bytes (directories: 0)
  u8 attr = 0;
  bool is_dir = false;
  bool is_root = false;   // the root directory has no entry
  bool open = false;
  u32 parent = 0;         // first cluster of the directory holding the entry
  u32 entry_first = 0;    // index of its first long-name entry there
  u32 entry = 0;          // index of its short entry there
  u64 entry_sector = 0;   // the short entry: sector and byte offset
  u16 entry_offset = 0;
  ChainPos pos;           // a cluster of its chain already found (speeds up sequential I/O)
};

struct FatStat {
  u32 size;
  u32 first_cluster;
  u8 attr;
  bool is_dir;
};

// One entry as readdir gives it.
struct FatDirEntry {
  char name[kFatNameBytes];  // the long name (UTF-8), else the 8.3 one
  char short_name[13];       // the 8.3 name, "BASE.EXT"
  u32 size;
  u32 first_cluster;
  u8 attr;
  bool is_dir;
};

// ReadSink: where Fat32::read_to puts the bytes it reads, straight out of the cache,
// with no suspension between asking the sink for room and copying into it (the
// kernel's sink is a user page then, its owner checked alive at each ask).
class ReadSink {
 public:
  // window(at, room, error): where bytes [at, ...) of this read go, and how many fit
  // there in one piece (*room > 0); nullptr and *error when the sink takes no more.
  // Valid until the reader next suspends.
  virtual u8* window(u64 at, u64* room, Error* error) = 0;

 protected:
  ~ReadSink() = default;
};

class Fat32 {
 public:
  explicit Fat32(BlockCache& cache) : cache_(cache) {}

  // mount(): read and check the BPB and FSInfo (Error::invalid if they are not a sane
  // FAT32 that fits the device). Nothing else works before it succeeds.
  KTask<Error> mount();
  // sync(): write FSInfo (free count, next-free hint) and every dirty sector.
  KTask<Error> sync();

  // open(path, out): a file or directory.
  KTask<Error> open(const char* path, FatFile& out);
  // create(path, out): a new empty file, opened (Error::exists if the name is taken).
  KTask<Error> create(const char* path, FatFile& out);
  // read(f, offset, buf, len): bytes read (0 at or past the end), or -error.
  KTask<i64> read(FatFile& f, u64 offset, void* buf, u64 len);
  // read_to(f, offset, sink, len): the same, into a sink; the bytes the sink took, or
  // -error (the sink's own, or the file system's before anything was read).
  KTask<i64> read_to(FatFile& f, u64 offset, ReadSink& sink, u64 len);
  // read_now(f, offset, sink, len, result): read_to at once, no coroutine, when all it
  // needs is cached: true and *result. false when it would wait (the sink may have had
  // some of the bytes already): then read_to it.
  bool read_now(FatFile& f, u64 offset, ReadSink& sink, u64 len, i64* result);
  // write(f, offset, buf, len): bytes written, or -error. Grows the file (a gap past
  // the old end reads as zeros). On a full disk it writes what fits and returns that
  // count (-no_space if nothing fitted); the file stays consistent.
  KTask<i64> write(FatFile& f, u64 offset, const void* buf, u64 len);
  // close(f): writes already reached the directory entry; this only closes f.
  Error close(FatFile& f);
  // mkdir(path): a new empty directory (with "." and "..").
  KTask<Error> mkdir(const char* path);
  // unlink(path): remove a file, or an empty directory, and free its clusters.
  KTask<Error> unlink(const char* path);
  // readdir(dir, cookie, out): the entry at or after *cookie (start with 0): 1 and
  // *cookie moved past it, 0 at the end, or -error. Skips "." and "..".
  KTask<i64> readdir(FatFile& dir, u32* cookie, FatDirEntry& out);
  // stat(path, out)
  KTask<Error> stat(const char* path, FatStat& out);

  bool mounted() const { return mounted_; }
  const char* mount_problem() const { return mount_problem_; }  // why mount() refused
  u32 cluster_count() const { return cluster_count_; }
  u32 cluster_bytes() const { return cluster_bytes_; }
  u32 free_clusters() const { return free_count_; }
  u32 root_cluster() const { return root_cluster_; }

  // Below: the layers the operations are built from (public for the host tests).

  // fat_get(c): FAT entry of cluster c (28 bits), or -error.
  KTask<i64> fat_get(u32 cluster);
  // chain_next(c): the cluster after c, 0 at the end of the chain, -io on corruption.
  KTask<i64> chain_next(u32 cluster);
  // peek_link(c): the cluster after c if c's FAT sector is cached and the entry links to
  // a valid cluster; else 0 (not cached, the end, corrupt: chain_next tells which).
  u32 peek_link(u32 cluster);
  // chain_seek(first, index, pos): the index-th cluster of the chain at `first`,
  // starting from pos when it is not past index; pos moves there. 0 when the chain
  // ends sooner (pos is then its last cluster), or -error.
  KTask<i64> chain_seek(u32 first, u32 index, ChainPos& pos);
  // chain_length(first, limit): the number of clusters of a chain, -io if it has more
  // than `limit` (or than the volume's cluster count: a loop) or a bad link.
  KTask<i64> chain_length(u32 first, u32 limit);

  // fat_set(c, value): write the entry in every FAT copy kept up to date.
  KTask<Error> fat_set(u32 cluster, u32 value);
  // alloc_cluster(prev): a free cluster, marked end-of-chain, then linked after prev
  // (0: none); its number, or -no_space.
  KTask<i64> alloc_cluster(u32 prev);
  // free_chain(first): mark every cluster of the chain free.
  KTask<Error> free_chain(u32 first);
  // zero_cluster(c): fill a cluster with zeros (through the cache).
  KTask<Error> zero_cluster(u32 cluster);

 private:
  // One decoded directory entry and where it lives (fat_dir.cc).
  struct DirSlot {
    u8 raw[32];              // the short entry
    u32 first_index;         // its first long-name entry (== index without one)
    u32 index;               // the short entry's index in the directory
    u64 sector;              // the short entry: sector and byte offset
    u16 offset;
    char name[kFatNameBytes];  // the long name if it checks out, else the 8.3 one
    char short_name[13];
    u16 ucs[kFatNameMax + kFatLfnChars];  // the long name being assembled
  };
  struct DirIter {
    u32 index = 0;
    ChainPos pos;
  };

  // fat32_mount.cc
  KTask<Error> read_fsinfo();
  KTask<Error> write_fsinfo();
  KTask<i64> count_free();
  // fat_dir.cc
  KTask<i64> entry_sector(u32 dir, u32 index, ChainPos& pos);
  KTask<i64> dir_next(u32 dir, DirIter& it, DirSlot& slot);
  KTask<i64> dir_find(u32 dir, const char* name, usize len, DirSlot& slot);
  KTask<i64> dir_has_short(u32 dir, const u8* sfn);
  KTask<i64> dir_reserve(u32 dir, u32 count);
  KTask<Error> write_entry(u32 dir, u32 index, ChainPos& pos, const u8* entry, u64* sector);
  KTask<Error> dir_add(FatFile& parent, const char* name, usize len, u8 attr, u32 cluster, FatFile& out);
  KTask<Error> dir_remove(const FatFile& f);
  KTask<i64> dir_is_empty(u32 dir);
  KTask<Error> resolve(const char* path, usize len, FatFile& out);
  KTask<Error> resolve_parent(const char* path, FatFile& parent, const char** leaf, usize* leaf_len);
  Error file_from_slot(const DirSlot& slot, u32 dir, FatFile& out) const;
  void root_file(FatFile& out) const;
  // fat_file.cc
  KTask<i64> write_range(FatFile& f, u64 offset, const u8* src, u64 len);
  KTask<Error> update_entry(const FatFile& f);
  KTask<Error> check_chain(FatFile& f);

  bool valid_cluster(u32 c) const { return c >= 2 && c <= max_cluster_; }
  // fat_sector_of(c): the sector of the active FAT that holds c's entry.
  u64 fat_sector_of(u32 c) const {
    return reserved_sectors_ + u64(active_fat_) * fat_sectors_ + u64(c) * 4 / kSectorBytes;
  }
  // step_if_cached(f, index): f.pos onto cluster `index` when that is the next one and
  // the link to it is cached (no wait); else f.pos stays.
  void step_if_cached(FatFile& f, u32 index);
  // copy_cached(sector, skip, bytes, sink, at, error): bytes from `sector` on (the
  // first `skip` bytes of it left out) into the sink at `at`, while they are cached;
  // the count copied (short at the first sector not cached, or when *error is set).
  u64 copy_cached(u64 sector, u64 skip, u64 bytes, ReadSink& sink, u64 at, Error* error);
  u64 cluster_sector(u32 c) const { return data_start_ + u64(c - 2) * sectors_per_cluster_; }

  BlockCache& cache_;
  bool mounted_ = false;
  const char* mount_problem_ = "not mounted";
  u32 sectors_per_cluster_ = 0;
  u32 cluster_bytes_ = 0;
  u32 reserved_sectors_ = 0;
  u32 fat_count_ = 0;
  u32 fat_sectors_ = 0;       // per FAT copy
  u32 active_fat_ = 0;        // the FAT read (and, without mirroring, the only one written)
  bool mirror_fats_ = true;
  u32 total_sectors_ = 0;
  u64 data_start_ = 0;
  u32 cluster_count_ = 0;
  u32 max_cluster_ = 0;       // cluster_count_ + 1
  u32 root_cluster_ = 0;
  u32 fsinfo_sector_ = 0;
  u32 free_count_ = 0;        // exact once mounted
  u32 next_free_ = 2;         // where the next allocation starts looking
  bool fsinfo_dirty_ = false;
};

// fat_fill_short_entry(ent, sfn, attr, cluster): a fresh 32-byte short entry, size 0.
void fat_fill_short_entry(u8* ent, const u8* sfn, u8 attr, u32 cluster);

// Little-endian fields of on-disk structures (no alignment assumed).
inline u16 get16(const u8* p) { return u16(p[0] | (p[1] << 8)); }
inline u32 get32(const u8* p) { return u32(p[0]) | (u32(p[1]) << 8) | (u32(p[2]) << 16) | (u32(p[3]) << 24); }
inline void put16(u8* p, u16 v) {
  p[0] = u8(v);
  p[1] = u8(v >> 8);
}
inline void put32(u8* p, u32 v) {
  for (int i = 0; i < 4; i++) p[i] = u8(v >> (8 * i));
}
