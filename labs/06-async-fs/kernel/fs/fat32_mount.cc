// fs/fat32_mount.cc: mounting a FAT32 volume (BPB checks), FSInfo, sync. Layer: fs.
// The BPB is data from the disk: every field used later is checked here, so the rest
// of the code may rely on the geometry (sector numbers inside the device, the FAT big
// enough for every cluster, the root cluster valid).
#include "kernel/fs/fat32.hh"

namespace {
constexpr u32 kFsinfoLead = 0x41615252;    // "RRaA" at 0
constexpr u32 kFsinfoStruct = 0x61417272;  // "rrAa" at 484
constexpr u32 kFsinfoTrail = 0xaa550000;   // at 508
constexpr u32 kFreeUnknown = 0xffffffff;

bool power_of_two(u32 v) { return v && (v & (v - 1)) == 0; }
}  // namespace

KTask<Error> Fat32::mount() {
  mounted_ = false;
  mount_problem_ = "cannot read the boot sector";
  BlockRef ref;
  Error e = co_await cache_.get(0, ref);
  if (e != Error::ok) co_return e;
  const u8* b = ref.data();
  u32 bytes_per_sector = get16(b + 11);
  u32 spc = b[13];
  u32 reserved = get16(b + 14);
  u32 nfats = b[16];
  u32 root_entries = get16(b + 17);
  u32 total16 = get16(b + 19);
  u32 fat16_size = get16(b + 22);
  u32 total32 = get32(b + 32);
  u32 fat_size = get32(b + 36);
  u32 ext_flags = get16(b + 40);
  u32 version = get16(b + 42);
  u32 root = get32(b + 44);
  u32 fsinfo = get16(b + 48);
  bool signature = b[510] == 0x55 && b[511] == 0xaa;
  bool fat32_label = b[82] == 'F' && b[83] == 'A' && b[84] == 'T' && b[85] == '3' && b[86] == '2';
  ref.release();

#define REFUSE(why)         \
  do {                      \
    mount_problem_ = (why); \
    co_return Error::invalid; \
  } while (0)
  if (!signature) REFUSE("no boot signature");
  if (!fat32_label) REFUSE("not a FAT32 boot sector");
  if (bytes_per_sector != kSectorBytes) REFUSE("bytes per sector not 512");
  if (!power_of_two(spc) || spc > 128) REFUSE("sectors per cluster not a power of two <= 128");
  if (reserved == 0) REFUSE("no reserved sectors");
  if (nfats == 0 || nfats > 4) REFUSE("bad number of FATs");
  if (root_entries != 0 || total16 != 0 || fat16_size != 0) REFUSE("FAT12/16 fields set");
  if (fat_size == 0 || total32 == 0 || version != 0) REFUSE("bad FAT size, sector count or version");
  if (total32 > cache_.sector_count()) REFUSE("volume larger than the disk (truncated image?)");
  u64 data_start = u64(reserved) + u64(nfats) * fat_size;
  if (data_start >= total32) REFUSE("no data area");
  u64 clusters = (total32 - data_start) / spc;
  if (clusters == 0 || clusters > kFatEntryMask - 10) REFUSE("bad cluster count");
  if (u64(fat_size) * (kSectorBytes / 4) < clusters + 2) REFUSE("FAT too small for the clusters");
  if (root < 2 || root > clusters + 1) REFUSE("root cluster out of range");
  if (fsinfo == 0 || fsinfo >= reserved) REFUSE("FSInfo sector out of range");
  u32 active = ext_flags & 0x0f;
  bool mirror = (ext_flags & 0x80) == 0;
  if (!mirror && active >= nfats) REFUSE("active FAT out of range");

  sectors_per_cluster_ = spc;
  cluster_bytes_ = spc * kSectorBytes;
  reserved_sectors_ = reserved;
  fat_count_ = nfats;
  fat_sectors_ = fat_size;
  active_fat_ = mirror ? 0 : active;
  mirror_fats_ = mirror;
  total_sectors_ = total32;
  data_start_ = data_start;
  cluster_count_ = u32(clusters);
  max_cluster_ = u32(clusters) + 1;
  root_cluster_ = root;
  fsinfo_sector_ = fsinfo;

  // The root directory's chain must be sound (it is walked on every lookup).
  i64 root_len = co_await chain_length(root, kFatMaxDirEntries * 32 / cluster_bytes_ + 1);
  if (root_len < 0) REFUSE("root directory chain broken");
#undef REFUSE
  mount_problem_ = "cannot read FSInfo or the FAT";
  e = co_await read_fsinfo();
  if (e != Error::ok) co_return e;
  mount_problem_ = "";
  mounted_ = true;
  co_return Error::ok;
}

// read_fsinfo(): the free count and hint; a free count that is unknown or impossible
// is recounted from the FAT (the count must stay exact: fsck checks it).
KTask<Error> Fat32::read_fsinfo() {
  BlockRef ref;
  Error e = co_await cache_.get(fsinfo_sector_, ref);
  if (e != Error::ok) co_return e;
  const u8* b = ref.data();
  if (get32(b) != kFsinfoLead || get32(b + 484) != kFsinfoStruct || get32(b + 508) != kFsinfoTrail)
    co_return Error::invalid;
  u32 free_count = get32(b + 488);
  u32 next_free = get32(b + 492);
  ref.release();
  next_free_ = valid_cluster(next_free) ? next_free : 2;
  if (free_count == kFreeUnknown || free_count > cluster_count_) {
    i64 counted = co_await count_free();
    if (counted < 0) co_return error_of(counted);
    free_count_ = u32(counted);
    fsinfo_dirty_ = true;
  } else {
    free_count_ = free_count;
  }
  co_return Error::ok;
}

KTask<Error> Fat32::write_fsinfo() {
  BlockRef ref;
  Error e = co_await cache_.get(fsinfo_sector_, ref);
  if (e != Error::ok) co_return e;
  put32(ref.data() + 488, free_count_);
  put32(ref.data() + 492, next_free_);
  ref.mark_dirty();
  fsinfo_dirty_ = false;
  co_return Error::ok;
}

// count_free(): free entries of the FAT, one sector at a time.
KTask<i64> Fat32::count_free() {
  constexpr u32 per_sector = kSectorBytes / 4;
  u64 fat = reserved_sectors_ + u64(active_fat_) * fat_sectors_;
  u32 free = 0;
  for (u32 s = 0; s * per_sector <= max_cluster_; s++) {
    BlockRef ref;
    Error e = co_await cache_.get(fat + s, ref);
    if (e != Error::ok) co_return error_return(e);
    for (u32 i = 0; i < per_sector; i++) {
      u32 c = s * per_sector + i;
      if (c >= 2 && c <= max_cluster_ && (get32(ref.data() + 4 * i) & kFatEntryMask) == 0) free++;
    }
  }
  co_return i64(free);
}

KTask<Error> Fat32::sync() {
  if (!mounted_) co_return Error::invalid;
  if (fsinfo_dirty_) {
    Error e = co_await write_fsinfo();
    if (e != Error::ok) co_return e;
  }
  Error e = co_await cache_.sync();
  co_return e;
}
