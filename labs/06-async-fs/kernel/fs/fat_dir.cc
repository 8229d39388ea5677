// fs/fat_dir.cc: directories: entries, VFAT long names, lookup, paths, new entries.
// Layer: fs. A directory is a cluster chain of 32-byte entries. A long name is a run
// of LFN entries right before its short entry, highest sequence number first (0x40 on
// it), each with the checksum of the short name; a run that is broken or whose
// checksum disagrees is ignored and the 8.3 name is used. An entry starting with 0x00
// ends the directory, 0xE5 marks a free one. A directory holds at most 65536 entries,
// which also bounds every walk of a corrupt (looping) directory chain.
#include "kernel/fs/fat32.hh"
#include "lib/string.hh"

namespace {
constexpr u8 kFreeEntry = 0xe5;
constexpr u32 kEntriesPerSector = kSectorBytes / 32;
constexpr u8 kLfnOffsets[kFatLfnChars] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
constexpr u16 kFixedDate = (45 << 9) | (1 << 5) | 1;  // 2025-01-01 (FIXME: no clock)
constexpr u16 kFixedTime = 0;

bool is_dot_name(const char* name, usize len) {
  return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}
}  // namespace

// fat_fill_short_entry: see fat32.hh.
void fat_fill_short_entry(u8* ent, const u8* sfn, u8 attr, u32 cluster) {
  memset(ent, 0, 32);
  memcpy(ent, sfn, 11);
  ent[11] = attr;
  put16(ent + 14, kFixedTime);
  put16(ent + 16, kFixedDate);
  put16(ent + 18, kFixedDate);
  put16(ent + 20, u16(cluster >> 16));
  put16(ent + 22, kFixedTime);
  put16(ent + 24, kFixedDate);
  put16(ent + 26, u16(cluster & 0xffff));
}

void Fat32::root_file(FatFile& out) const {
  out = FatFile{};
  out.first_cluster = root_cluster_;
  out.attr = fat_attr::directory;
  out.is_dir = true;
  out.is_root = true;
}

Error Fat32::file_from_slot(const DirSlot& slot, u32 dir, FatFile& out) const {
  const u8* d = slot.raw;
  u32 cluster = (u32(get16(d + 20)) << 16) | get16(d + 26);
  u32 size = get32(d + 28);
  bool is_dir = d[11] & fat_attr::directory;
  if (is_dir && cluster == 0 && strcmp(slot.short_name, "..") == 0) {
    root_file(out);  // ".." of a directory right under the root
    return Error::ok;
  }
  if (cluster != 0 && !valid_cluster(cluster)) return Error::io;  // points outside the volume
  if (is_dir && cluster == 0) return Error::io;
  if (!is_dir && cluster == 0 && size != 0) return Error::io;
  out = FatFile{};
  out.first_cluster = cluster;
  out.size = is_dir ? 0 : size;
  out.attr = d[11];
  out.is_dir = is_dir;
  out.is_root = is_dir && cluster == root_cluster_;
  out.parent = dir;
  out.entry_first = slot.first_index;
  out.entry = slot.index;
  out.entry_sector = slot.sector;
  out.entry_offset = slot.offset;
  return Error::ok;
}

KTask<i64> Fat32::entry_sector(u32 dir, u32 index, ChainPos& pos) {
  u32 per_cluster = cluster_bytes_ / 32;
  i64 c = co_await chain_seek(dir, index / per_cluster, pos);
  if (c <= 0) co_return c;
  co_return i64(cluster_sector(u32(c)) + (index % per_cluster) / kEntriesPerSector);
}

KTask<i64> Fat32::dir_next(u32 dir, DirIter& it, DirSlot& slot) {
  i32 expect = -1;  // the LFN sequence number wanted next (-1: no run; 0: run complete)
  u32 lfn_count = 0, lfn_first = 0;
  u8 lfn_sum = 0;
  while (it.index < kFatMaxDirEntries) {
    i64 sec = co_await entry_sector(dir, it.index, it.pos);
    if (sec <= 0) co_return sec;  // the chain's end, or -io
    BlockRef ref;
    Error e = co_await cache_.get(u64(sec), ref);
    if (e != Error::ok) co_return error_return(e);
    u32 index = it.index;
    const u8* d = ref.data() + (index % kEntriesPerSector) * 32;
    if (d[0] == 0) co_return 0;  // the end marker: it.index stays on it
    it.index++;
    if (d[0] == kFreeEntry) {
      expect = -1;
      continue;
    }
    if ((d[11] & 0x3f) == fat_attr::long_name) {
      u32 seq = d[0] & 0x1f;
      if (d[0] & 0x40) {
        if (seq == 0 || seq > 20) {
          expect = -1;
          continue;
        }
        expect = i32(seq);
        lfn_count = seq;
        lfn_first = index;
        lfn_sum = d[13];
      }
      if (expect <= 0 || seq != u32(expect) || d[13] != lfn_sum) {
        expect = -1;
        continue;
      }
      for (u32 j = 0; j < kFatLfnChars; j++) slot.ucs[(seq - 1) * kFatLfnChars + j] = get16(d + kLfnOffsets[j]);
      expect--;
      continue;
    }
    if (d[11] & fat_attr::volume) {  // the volume label
      expect = -1;
      continue;
    }
    memcpy(slot.raw, d, 32);
    slot.index = index;
    slot.first_index = index;
    slot.sector = u64(sec);
    slot.offset = u16((index % kEntriesPerSector) * 32);
    fat_short_to_name(d, d[12], slot.short_name);
    memcpy(slot.name, slot.short_name, sizeof slot.short_name);
    if (expect == 0 && fat_lfn_checksum(d) == lfn_sum) {
      usize n = 0;
      while (n < lfn_count * kFatLfnChars && slot.ucs[n] != 0) n++;
      if (n > 0 && n <= kFatNameMax && fat_ucs2_to_utf8(slot.ucs, n, slot.name, sizeof slot.name))
        slot.first_index = lfn_first;
      else
        memcpy(slot.name, slot.short_name, sizeof slot.short_name);
    }
    co_return 1;
  }
  co_return 0;
}

KTask<i64> Fat32::dir_find(u32 dir, const char* name, usize len, DirSlot& slot) {
  DirIter it;
  for (;;) {
    i64 r = co_await dir_next(dir, it, slot);
    if (r <= 0) co_return r;
    if (fat_name_equal(name, len, slot.name) || fat_name_equal(name, len, slot.short_name)) co_return 1;
  }
}

KTask<i64> Fat32::dir_has_short(u32 dir, const u8* sfn) {
  DirIter it;
  DirSlot slot;
  for (;;) {
    i64 r = co_await dir_next(dir, it, slot);
    if (r <= 0) co_return r;
    if (memcmp(slot.raw, sfn, 11) == 0) co_return 1;
  }
}

KTask<i64> Fat32::dir_is_empty(u32 dir) {
  DirIter it;
  DirSlot slot;
  for (;;) {
    i64 r = co_await dir_next(dir, it, slot);
    if (r < 0) co_return r;
    if (r == 0) co_return 1;
    if (!is_dot_name(slot.short_name, strlen(slot.short_name))) co_return 0;
  }
}

// dir_reserve(dir, count): the index of `count` free entries in a row, growing the
// directory by zeroed clusters when needed; -no_space at the entry limit.
KTask<i64> Fat32::dir_reserve(u32 dir, u32 count) {
  ChainPos pos;
  u32 run = 0, run_start = 0;
  bool at_end = false;  // past the 0x00 marker: every entry is free
  for (u32 index = 0; index < kFatMaxDirEntries; index++) {
    i64 sec = co_await entry_sector(dir, index, pos);
    if (sec < 0) co_return sec;
    if (sec == 0) {
      // Past the last cluster (pos is on it): a zeroed cluster, then the link.
      u32 last = pos.cluster;
      if (pos.index + 1 != index / (cluster_bytes_ / 32)) co_return error_return(Error::io);
      i64 c = co_await alloc_cluster(0);
      if (c < 0) co_return c;
      Error e = co_await zero_cluster(u32(c));
      if (e == Error::ok) e = co_await fat_set(last, u32(c));
      if (e != Error::ok) {
        Error ignored = co_await free_chain(u32(c));
        (void)ignored;
        co_return error_return(e);
      }
      at_end = true;
      sec = co_await entry_sector(dir, index, pos);
      if (sec <= 0) co_return error_return(Error::io);
    }
    bool free = at_end;
    if (!free) {
      BlockRef ref;
      Error e = co_await cache_.get(u64(sec), ref);
      if (e != Error::ok) co_return error_return(e);
      u8 first = ref.data()[(index % kEntriesPerSector) * 32];
      if (first == 0) at_end = true;
      free = first == 0 || first == kFreeEntry;
    }
    if (!free) {
      run = 0;
      continue;
    }
    if (run == 0) run_start = index;
    if (++run == count) co_return i64(run_start);
  }
  co_return error_return(Error::no_space);
}

KTask<Error> Fat32::write_entry(u32 dir, u32 index, ChainPos& pos, const u8* entry, u64* sector) {
  i64 sec = co_await entry_sector(dir, index, pos);
  if (sec < 0) co_return error_of(sec);
  if (sec == 0) co_return Error::io;
  BlockRef ref;
  Error e = co_await cache_.get(u64(sec), ref);
  if (e != Error::ok) co_return e;
  memcpy(ref.data() + (index % kEntriesPerSector) * 32, entry, 32);
  ref.mark_dirty();
  *sector = u64(sec);
  co_return Error::ok;
}

KTask<Error> Fat32::dir_add(FatFile& parent, const char* name, usize len, u8 attr, u32 cluster, FatFile& out) {
  u16 ucs[kFatNameMax];
  usize n = 0;
  Error e = fat_name_to_ucs2(name, len, ucs, &n);
  if (e != Error::ok) co_return e;
  u32 dir = parent.first_cluster;
  DirSlot slot;
  i64 r = co_await dir_find(dir, name, len, slot);
  if (r < 0) co_return error_of(r);
  if (r > 0) co_return Error::exists;
  u8 sfn[11];
  u32 nlfn = 0;
  if (!fat_exact_short(name, len, sfn)) {
    nlfn = u32((n + kFatLfnChars - 1) / kFatLfnChars);
    u32 tail = 1;
    for (; tail <= 999999; tail++) {
      fat_alias(ucs, n, tail, sfn);
      i64 used = co_await dir_has_short(dir, sfn);
      if (used < 0) co_return error_of(used);
      if (used == 0) break;
    }
    if (tail > 999999) co_return Error::exists;
  }
  i64 start = co_await dir_reserve(dir, nlfn + 1);
  if (start < 0) co_return error_of(start);
  u8 sum = fat_lfn_checksum(sfn);
  u8 ent[32];
  ChainPos pos;
  u64 sector = 0;
  for (u32 k = 0; k < nlfn; k++) {  // the long entries, last part first
    u32 seq = nlfn - k;
    memset(ent, 0, 32);
    ent[0] = u8(seq | (k == 0 ? 0x40 : 0));
    ent[11] = fat_attr::long_name;
    ent[13] = sum;
    for (u32 j = 0; j < kFatLfnChars; j++) {
      usize at = (seq - 1) * kFatLfnChars + j;
      put16(ent + kLfnOffsets[j], at < n ? ucs[at] : at == n ? u16(0) : u16(0xffff));
    }
    e = co_await write_entry(dir, u32(start) + k, pos, ent, &sector);
    if (e != Error::ok) co_return e;
  }
  fat_fill_short_entry(ent, sfn, attr, cluster);
  u32 index = u32(start) + nlfn;
  e = co_await write_entry(dir, index, pos, ent, &sector);
  if (e != Error::ok) co_return e;
  out = FatFile{};
  out.first_cluster = cluster;
  out.attr = attr;
  out.is_dir = attr & fat_attr::directory;
  out.parent = dir;
  out.entry_first = u32(start);
  out.entry = index;
  out.entry_sector = sector;
  out.entry_offset = u16((index % kEntriesPerSector) * 32);
  co_return Error::ok;
}

KTask<Error> Fat32::dir_remove(const FatFile& f) {
  ChainPos pos;
  for (u32 index = f.entry_first; index <= f.entry; index++) {
    i64 sec = co_await entry_sector(f.parent, index, pos);
    if (sec < 0) co_return error_of(sec);
    if (sec == 0) co_return Error::io;
    BlockRef ref;
    Error e = co_await cache_.get(u64(sec), ref);
    if (e != Error::ok) co_return e;
    ref.data()[(index % kEntriesPerSector) * 32] = kFreeEntry;
    ref.mark_dirty();
  }
  co_return Error::ok;
}

KTask<Error> Fat32::resolve(const char* path, usize len, FatFile& out) {
  root_file(out);
  DirSlot slot;
  usize i = 0;
  while (i < len) {
    while (i < len && path[i] == '/') i++;
    if (i == len) break;
    usize j = i;
    while (j < len && path[j] != '/') j++;
    const char* name = path + i;
    usize name_len = j - i;
    i = j;
    if (!out.is_dir) co_return Error::not_found;
    if (name_len == 1 && name[0] == '.') continue;
    if (name_len == 2 && name[0] == '.' && name[1] == '.' && out.is_root) continue;
    if (name_len >= kFatNameBytes) co_return Error::invalid;
    u32 dir = out.first_cluster;
    i64 r = co_await dir_find(dir, name, name_len, slot);
    if (r < 0) co_return error_of(r);
    if (r == 0) co_return Error::not_found;
    Error e = file_from_slot(slot, dir, out);
    if (e != Error::ok) co_return e;
  }
  co_return Error::ok;
}

KTask<Error> Fat32::resolve_parent(const char* path, FatFile& parent, const char** leaf, usize* leaf_len) {
  usize end = strlen(path);
  while (end > 0 && path[end - 1] == '/') end--;
  usize start = end;
  while (start > 0 && path[start - 1] != '/') start--;
  if (end == start || is_dot_name(path + start, end - start)) co_return Error::invalid;
  if (end - start >= kFatNameBytes) co_return Error::invalid;
  *leaf = path + start;
  *leaf_len = end - start;
  Error e = co_await resolve(path, start, parent);
  if (e != Error::ok) co_return e;
  if (!parent.is_dir) co_return Error::not_found;
  co_return Error::ok;
}
