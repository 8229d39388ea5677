// fs/fat_file.cc: the file system's operations: open, create, read, write, close,
// mkdir, unlink, readdir, stat. Layer: fs. Built on fat_dir.cc (names, entries,
// paths), fat_chain.cc (walking chains) and fat_alloc.cc (clusters).
#include "kernel/fs/fat32.hh"
#include "lib/string.hh"

// check_chain(f): a file's chain must hold exactly the clusters its size needs (this
// also catches a loop: the walk is bounded by the size); a directory's chain must end
// within the 65536-entry limit.
KTask<Error> Fat32::check_chain(FatFile& f) {
  f.pos = ChainPos{};
  if (f.is_dir) {
    if (f.is_root) co_return Error::ok;  // checked at mount
    i64 n = co_await chain_length(f.first_cluster, kFatMaxDirEntries * 32 / cluster_bytes_ + 1);
    co_return n < 0 ? error_of(n) : Error::ok;
  }
  if (f.first_cluster == 0) co_return f.size == 0 ? Error::ok : Error::io;
  if (f.size == 0) co_return Error::ok;  // a cluster kept for an empty file: allowed
  u32 need = u32((u64(f.size) + cluster_bytes_ - 1) / cluster_bytes_);
  ChainPos pos;
  i64 last = co_await chain_seek(f.first_cluster, need - 1, pos);
  if (last < 0) co_return error_of(last);
  if (last == 0) co_return Error::io;  // shorter than the size
  i64 next = co_await chain_next(u32(last));
  if (next != 0) co_return next < 0 ? error_of(next) : Error::io;  // longer than the size
  co_return Error::ok;
}

KTask<Error> Fat32::open(const char* path, FatFile& out) {
  if (!mounted_) co_return Error::invalid;
  FatFile f;
  Error e = co_await resolve(path, strlen(path), f);
  if (e != Error::ok) co_return e;
  e = co_await check_chain(f);
  if (e != Error::ok) co_return e;
  f.open = true;
  out = f;
  co_return Error::ok;
}

KTask<Error> Fat32::create(const char* path, FatFile& out) {
  if (!mounted_) co_return Error::invalid;
  FatFile parent;
  const char* leaf = nullptr;
  usize leaf_len = 0;
  Error e = co_await resolve_parent(path, parent, &leaf, &leaf_len);
  if (e != Error::ok) co_return e;
  FatFile f;
  e = co_await dir_add(parent, leaf, leaf_len, fat_attr::archive, 0, f);
  if (e != Error::ok) co_return e;
  f.open = true;
  out = f;
  co_return Error::ok;
}

Error Fat32::close(FatFile& f) {
  if (!f.open) return Error::invalid;
  f.open = false;
  return Error::ok;
}

// A sink into kernel memory: the plain read().
class FatMemorySink final : public ReadSink {
 public:
  explicit FatMemorySink(u8* base) : base_(base) {}
  u8* window(u64 at, u64* room, Error*) override {
    *room = ~u64(0);
    return base_ + at;
  }

 private:
  u8* base_;
};

KTask<i64> Fat32::read(FatFile& f, u64 offset, void* buf, u64 len) {
  FatMemorySink sink(static_cast<u8*>(buf));
  co_return co_await read_to(f, offset, sink, len);
}

void Fat32::step_if_cached(FatFile& f, u32 index) {
  if (f.pos.cluster && f.pos.index + 1 == index)
    if (u32 next = peek_link(f.pos.cluster)) f.pos = ChainPos{index, next};
}

u64 Fat32::copy_cached(u64 sector, u64 skip, u64 bytes, ReadSink& sink, u64 at, Error* error) {
  u64 copied = 0, room = 0;
  u8* to = nullptr;
  while (copied < bytes) {
    const u8* data = cache_.peek(sector);  // a hit: no wait, no coroutine
    if (!data) break;
    u64 chunk = min_of(kSectorBytes - skip, bytes - copied);
    for (u64 part = 0; part < chunk;) {  // one piece, unless the sink's window ends inside
      if (room == 0 && !(to = sink.window(at + copied + part, &room, error))) return copied + part;
      u64 n = min_of(chunk - part, room);
      memcpy(to, data + skip + part, n);
      to += n, room -= n, part += n;
    }
    copied += chunk, sector++, skip = 0;
  }
  return copied;
}

KTask<i64> Fat32::read_to(FatFile& f, u64 offset, ReadSink& sink, u64 len) {
  if (!f.open || f.is_dir) co_return error_return(Error::invalid);
  if (offset >= f.size) co_return 0;
  u64 total = min_of(len, u64(f.size) - offset);
  u64 done = 0;
  while (done < total) {
    u64 at = offset + done;
    u32 index = u32(at / cluster_bytes_);
    step_if_cached(f, index);
    i64 c = (f.pos.cluster && f.pos.index == index) ? i64(f.pos.cluster)
                                                    : co_await chain_seek(f.first_cluster, index, f.pos);
    if (c < 0) co_return done ? i64(done) : c;
    if (c == 0) co_return done ? i64(done) : error_return(Error::io);  // the chain is shorter than the size
    u64 in_cluster = at % cluster_bytes_;
    u64 sector = cluster_sector(u32(c)) + in_cluster / kSectorBytes;
    u64 skip = in_cluster % kSectorBytes;
    u64 wanted = min_of(cluster_bytes_ - in_cluster, total - done);  // this cluster's part
    Error e = Error::ok;
    u64 copied = copy_cached(sector, skip, wanted, sink, done, &e);
    done += copied;
    if (e != Error::ok) co_return done ? i64(done) : error_return(e);
    if (copied == wanted) continue;
    // A miss: start every sector this read still needs from this cluster at once, wait
    // for the first; the loop then copies whatever has arrived.
    sector += (skip + copied) / kSectorBytes;
    skip = (skip + copied) % kSectorBytes;
    cache_.prefetch(sector, u32((skip + wanted - copied + kSectorBytes - 1) / kSectorBytes));
    BlockRef ref;
    e = co_await cache_.get(sector, ref);
    if (e != Error::ok) co_return done ? i64(done) : error_return(e);
  }
  co_return i64(done);
}

bool Fat32::read_now(FatFile& f, u64 offset, ReadSink& sink, u64 len, i64* result) {
  if (!f.open || f.is_dir) return false;  // read_to says what is wrong
  u64 total = offset < f.size ? min_of(len, u64(f.size) - offset) : 0;
  u64 done = 0;
  if (!f.pos.cluster && valid_cluster(f.first_cluster)) f.pos = ChainPos{0, f.first_cluster};  // a new open
  while (done < total) {
    u64 at = offset + done;
    u32 index = u32(at / cluster_bytes_);
    step_if_cached(f, index);
    if (!f.pos.cluster || f.pos.index != index) return false;  // a walk along the chain
    u64 in_cluster = at % cluster_bytes_;
    u64 wanted = min_of(cluster_bytes_ - in_cluster, total - done);
    Error e = Error::ok;
    u64 copied = copy_cached(cluster_sector(f.pos.cluster) + in_cluster / kSectorBytes,
                             in_cluster % kSectorBytes, wanted, sink, done, &e);
    done += copied;
    if (e != Error::ok) {
      *result = done ? i64(done) : error_return(e);
      return true;
    }
    if (copied < wanted) return false;  // a sector to wait for
  }
  *result = i64(done);
  return true;
}

// update_entry(f): size and first cluster into f's directory entry.
KTask<Error> Fat32::update_entry(const FatFile& f) {
  if (f.is_dir) co_return Error::ok;
  if (f.entry_offset > kSectorBytes - 32) co_return Error::io;
  BlockRef ref;
  Error e = co_await cache_.get(f.entry_sector, ref);
  if (e != Error::ok) co_return e;
  u8* d = ref.data() + f.entry_offset;
  put16(d + 20, u16(f.first_cluster >> 16));
  put16(d + 26, u16(f.first_cluster & 0xffff));
  put32(d + 28, f.size);
  d[11] |= fat_attr::archive;
  ref.mark_dirty();
  co_return Error::ok;
}

// write_range(f, offset, src, len): src's bytes (zeros when src is null) at offset,
// growing the chain a cluster at a time. The size and the entry follow whatever was
// written, even when it stops early, so the chain always matches the size.
KTask<i64> Fat32::write_range(FatFile& f, u64 offset, const u8* src, u64 len) {
  u64 done = 0;
  Error err = Error::ok;
  while (done < len) {
    u64 at = offset + done;
    u32 index = u32(at / cluster_bytes_);
    i64 c = 0;
    if (f.first_cluster == 0) {
      c = co_await alloc_cluster(0);
      if (c < 0) {
        err = error_of(c);
        break;
      }
      f.first_cluster = u32(c);
      f.pos = ChainPos{0, u32(c)};
    } else {
      c = co_await chain_seek(f.first_cluster, index, f.pos);
      if (c < 0) {
        err = error_of(c);
        break;
      }
      if (c == 0) {  // past the chain's end: pos is on its last cluster
        if (f.pos.cluster == 0 || f.pos.index + 1 != index) {
          err = Error::io;
          break;
        }
        c = co_await alloc_cluster(f.pos.cluster);
        if (c < 0) {
          err = error_of(c);
          break;
        }
        f.pos = ChainPos{index, u32(c)};
      }
    }
    u64 in_cluster = at % cluster_bytes_;
    u64 sector = cluster_sector(u32(c)) + in_cluster / kSectorBytes;
    u64 in_sector = in_cluster % kSectorBytes;
    u64 chunk = min_of(kSectorBytes - in_sector, len - done);
    BlockRef ref;
    Error e = co_await cache_.get(sector, ref);
    if (e != Error::ok) {
      err = e;
      break;
    }
    if (src)
      memcpy(ref.data() + in_sector, src + done, chunk);
    else
      memset(ref.data() + in_sector, 0, chunk);
    ref.mark_dirty();
    done += chunk;
  }
  // FIXME: a cluster allocated and linked whose data write then failed (io) is left
  // past the size (fsck would trim it); trim the chain back to the size instead.
  if (offset + done > f.size) f.size = u32(offset + done);
  Error e = co_await update_entry(f);
  if (err == Error::ok) err = e;
  if (err == Error::ok || (err == Error::no_space && done > 0)) co_return i64(done);
  co_return error_return(err);
}

KTask<i64> Fat32::write(FatFile& f, u64 offset, const void* buf, u64 len) {
  if (!f.open || f.is_dir) co_return error_return(Error::invalid);
  if (offset + len > 0xffffffffull || offset + len < offset) co_return error_return(Error::too_big);
  if (len == 0) co_return 0;
  if (offset > f.size) {  // the gap reads as zeros
    u64 gap = offset - f.size;
    i64 r = co_await write_range(f, f.size, nullptr, gap);
    if (r < 0) co_return r;
    if (u64(r) < gap) co_return error_return(Error::no_space);
  }
  i64 r = co_await write_range(f, offset, static_cast<const u8*>(buf), len);
  co_return r;
}

KTask<Error> Fat32::mkdir(const char* path) {
  if (!mounted_) co_return Error::invalid;
  FatFile parent;
  const char* leaf = nullptr;
  usize leaf_len = 0;
  Error e = co_await resolve_parent(path, parent, &leaf, &leaf_len);
  if (e != Error::ok) co_return e;
  u16 ucs[kFatNameMax];
  usize n = 0;
  e = fat_name_to_ucs2(leaf, leaf_len, ucs, &n);
  if (e != Error::ok) co_return e;
  DirSlot slot;
  i64 found = co_await dir_find(parent.first_cluster, leaf, leaf_len, slot);
  if (found < 0) co_return error_of(found);
  if (found > 0) co_return Error::exists;
  // The new directory's cluster, complete with "." and "..", before its entry.
  i64 c = co_await alloc_cluster(0);
  if (c < 0) co_return error_of(c);
  u32 cluster = u32(c);
  e = co_await zero_cluster(cluster);
  if (e == Error::ok) {
    BlockRef ref;
    e = co_await cache_.get(cluster_sector(cluster), ref);
    if (e == Error::ok) {
      u8 dot[11] = {'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
      fat_fill_short_entry(ref.data(), dot, fat_attr::directory, cluster);
      dot[1] = '.';
      fat_fill_short_entry(ref.data() + 32, dot, fat_attr::directory, parent.is_root ? 0 : parent.first_cluster);
      ref.mark_dirty();
    }
  }
  FatFile child;
  if (e == Error::ok) e = co_await dir_add(parent, leaf, leaf_len, fat_attr::directory, cluster, child);
  if (e != Error::ok) {
    Error ignored = co_await free_chain(cluster);
    (void)ignored;
  }
  co_return e;
}

KTask<Error> Fat32::unlink(const char* path) {
  if (!mounted_) co_return Error::invalid;
  FatFile parent;
  const char* leaf = nullptr;
  usize leaf_len = 0;
  Error e = co_await resolve_parent(path, parent, &leaf, &leaf_len);
  if (e != Error::ok) co_return e;
  DirSlot slot;
  i64 found = co_await dir_find(parent.first_cluster, leaf, leaf_len, slot);
  if (found < 0) co_return error_of(found);
  if (found == 0) co_return Error::not_found;
  FatFile f;
  e = file_from_slot(slot, parent.first_cluster, f);
  if (e != Error::ok) co_return e;
  if (f.is_root) co_return Error::invalid;
  if (f.is_dir) {
    i64 empty = co_await dir_is_empty(f.first_cluster);
    if (empty < 0) co_return error_of(empty);
    if (empty == 0) co_return Error::busy;
  }
  e = co_await dir_remove(f);  // the entry first: a crash then only loses clusters
  if (e != Error::ok) co_return e;
  if (f.first_cluster != 0) e = co_await free_chain(f.first_cluster);
  co_return e;
}

KTask<i64> Fat32::readdir(FatFile& dir, u32* cookie, FatDirEntry& out) {
  if (!dir.open || !dir.is_dir) co_return error_return(Error::invalid);
  DirIter it;
  it.index = *cookie;
  it.pos = dir.pos;  // usually the cluster of *cookie already: no walk from the start
  DirSlot slot;
  for (;;) {
    i64 r = co_await dir_next(dir.first_cluster, it, slot);
    dir.pos = it.pos;
    if (r <= 0) co_return r;
    *cookie = it.index;
    if (strcmp(slot.short_name, ".") == 0 || strcmp(slot.short_name, "..") == 0) continue;
    // As the entry says, unchecked: a bad entry shows here and fails at open.
    const u8* d = slot.raw;
    memcpy(out.name, slot.name, sizeof out.name);
    memcpy(out.short_name, slot.short_name, sizeof out.short_name);
    out.attr = d[11];
    out.is_dir = d[11] & fat_attr::directory;
    out.size = out.is_dir ? 0 : get32(d + 28);
    out.first_cluster = (u32(get16(d + 20)) << 16) | get16(d + 26);
    co_return 1;
  }
}

KTask<Error> Fat32::stat(const char* path, FatStat& out) {
  if (!mounted_) co_return Error::invalid;
  FatFile f;
  Error e = co_await resolve(path, strlen(path), f);
  if (e != Error::ok) co_return e;
  out.size = f.size;
  out.first_cluster = f.first_cluster;
  out.attr = f.attr;
  out.is_dir = f.is_dir;
  co_return Error::ok;
}
