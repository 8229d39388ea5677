// fs/block_cache.cc: the block cache's bookkeeping: buffers, LRU order, pins, device
// requests and their completion, sync (see block_cache.hh). Layer: fs.
// The cached read path itself, get(), is in fs/cache_read.cc.
#include "kernel/fs/block_cache.hh"
#include <new>
#include "lib/string.hh"

BlockRef::BlockRef(BlockRef&& other) noexcept
    : cache_(std::exchange(other.cache_, nullptr)), buf_(std::exchange(other.buf_, nullptr)) {}

BlockRef& BlockRef::operator=(BlockRef&& other) noexcept {
  if (this != &other) {
    release();
    cache_ = std::exchange(other.cache_, nullptr);
    buf_ = std::exchange(other.buf_, nullptr);
  }
  return *this;
}

void BlockRef::release() {
  if (buf_) cache_->unpin(buf_);
  cache_ = nullptr;
  buf_ = nullptr;
}

BlockCache::BlockCache(BlockDevice& dev, usize count, CacheBuf* bufs, u8* data, WakeFn wake, void* ctx)
    : dev_(dev), count_(count), bufs_(bufs), data_(data), wake_(wake), wake_ctx_(ctx), moves_(u32(count)) {
  for (usize i = 0; i < count; i++) {
    CacheBuf* b = new (&bufs[i]) CacheBuf();
    b->data = data + i * kSectorBytes;
    b->lru_next = u16((i + 1) % count);
    b->lru_prev = u16((i + count - 1) % count);
    b->req.context = b;
    b->owner = this;
    b->req.done = &BlockCache::on_complete;
  }
  for (u16& head : hash_) head = 0xffff;
}

BlockCache* BlockCache::create(BlockDevice& dev, usize buffers, WakeFn wake, void* wake_ctx) {
  if (buffers < kCacheMinBuffers || buffers > kCacheMaxBuffers || !wake) return nullptr;
  usize head = align_up(sizeof(BlockCache), usize(16));
  void* mem = kheap_alloc(head + buffers * sizeof(CacheBuf));
  u8* data = static_cast<u8*>(kheap_alloc(buffers * kSectorBytes));
  if (!mem || !data) {
    kheap_free(mem);
    kheap_free(data);
    return nullptr;
  }
  CacheBuf* bufs = reinterpret_cast<CacheBuf*>(static_cast<u8*>(mem) + head);
  return new (mem) BlockCache(dev, buffers, bufs, data, wake, wake_ctx);
}

Error BlockCache::destroy(BlockCache* cache) {
  if (!cache) return Error::ok;
  for (usize i = 0; i < cache->count_; i++) {
    const CacheBuf& b = cache->bufs_[i];
    if (b.refs || b.writing || b.state == CacheBuf::State::reading) return Error::busy;
  }
  u8* data = cache->data_;
  cache->~BlockCache();
  kheap_free(data);
  kheap_free(cache);
  return Error::ok;
}

usize BlockCache::pinned_count() const {
  usize n = 0;
  for (usize i = 0; i < count_; i++) n += bufs_[i].refs != 0;
  return n;
}

usize BlockCache::dirty_count() const {
  usize n = 0;
  for (usize i = 0; i < count_; i++) n += bufs_[i].dirty;
  return n;
}

// lookup(sector): walk the sector's hash bucket.
CacheBuf* BlockCache::lookup(u64 sector) {
  for (u16 i = hash_[bucket(sector)]; i != 0xffff; i = bufs_[i].hash_next) {
    CacheBuf* b = &bufs_[i];
    if (b->sector == sector && (b->state == CacheBuf::State::valid || b->state == CacheBuf::State::reading))
      return b;
  }
  return nullptr;
}

void BlockCache::hash_remove(CacheBuf* b) {
  if (b->sector == kNoSector) return;
  u16 me = u16(b - bufs_);
  for (u16* link = &hash_[bucket(b->sector)]; *link != 0xffff; link = &bufs_[*link].hash_next)
    if (*link == me) {
      *link = b->hash_next;
      break;
    }
  b->hash_next = 0xffff;
}

void BlockCache::hash_insert(CacheBuf* b) {
  u16& head = hash_[bucket(b->sector)];
  b->hash_next = head;
  head = u16(b - bufs_);
}

const u8* BlockCache::peek(u64 sector) {
  CacheBuf* b = lookup(sector);
  if (!b || b->state != CacheBuf::State::valid) return nullptr;
  touch(b);
  stats_.hits++;
  return b->data;
}

void BlockCache::prefetch(u64 sector, u32 count) {
  for (u32 k = 0; k < count && sector + k < dev_.sector_count(); k++) {
    if (lookup(sector + k)) continue;
    CacheBuf* dirty = nullptr;
    CacheBuf* busy = nullptr;
    CacheBuf* victim = pick_victim(&dirty, &busy);
    if (!victim) return;  // no clean buffer to spare: get() will manage
    claim(victim, sector + k);
    stats_.misses++;
    start_read(victim);
    unpin(victim);  // nobody holds it: the get() that wants it pins it
  }
}

CacheBuf* BlockCache::pick_victim(CacheBuf** dirty_out, CacheBuf** busy_out) {
  *dirty_out = nullptr;
  *busy_out = nullptr;
  u16 i = bufs_[lru_head_].lru_prev;  // the least recent
  for (usize n = 0; n < count_; n++, i = bufs_[i].lru_prev) {
    CacheBuf* b = &bufs_[i];
    if (b->refs != 0) continue;
    if (b->writing || b->state == CacheBuf::State::reading) {
      if (!*busy_out) *busy_out = b;  // free once its I/O ends
    } else if (b->dirty) {
      if (!*dirty_out) *dirty_out = b;
    } else {
      return b;
    }
  }
  return nullptr;
}

void BlockCache::claim(CacheBuf* b, u64 sector) {
  if (b->state != CacheBuf::State::empty) stats_.evictions++;
  hash_remove(b);
  b->sector = sector;
  hash_insert(b);
  b->state = CacheBuf::State::empty;
  b->dirty = false;
  pin(b);
  touch(b);
}

void BlockCache::pin(CacheBuf* b) { b->refs++; }

void BlockCache::unpin(CacheBuf* b) {
  if (b->refs == 0) ktask_panic("block cache: unpin of an unpinned buffer");
  b->refs--;
}

// touch(b): b to the front of the LRU list. Every move puts one buffer in front of the
// others, so a buffer moved fewer than count/4 moves ago is still in the front quarter:
// it stays where it is. An approximate LRU (exact below 8 buffers) that keeps hit after
// hit on the same few sectors cheap; eviction still takes from the least recent end.
void BlockCache::touch(CacheBuf* b) {
  if (moves_ - b->moved_at < count_ / 4) return;
  u16 i = u16(b - bufs_);
  b->moved_at = ++moves_;
  if (i == lru_head_) return;
  bufs_[b->lru_prev].lru_next = b->lru_next;  // unlink
  bufs_[b->lru_next].lru_prev = b->lru_prev;
  CacheBuf& head = bufs_[lru_head_];  // insert before the old head: the circle's start
  b->lru_next = lru_head_;
  b->lru_prev = head.lru_prev;
  bufs_[head.lru_prev].lru_next = i;
  head.lru_prev = i;
  lru_head_ = i;
}

void BlockCache::start_read(CacheBuf* b) {
  b->state = CacheBuf::State::reading;
  b->req.write = false;
  b->req.sector = b->sector;
  b->req.buffer = b->data;
  b->req.status = Error::ok;
  b->req.next = nullptr;
  stats_.reads++;
  dev_.submit(b->req);
}

void BlockCache::start_write(CacheBuf* b) {
  b->writing = true;
  b->dirty = false;  // a change made during the write sets it again
  b->req.write = true;
  b->req.sector = b->sector;
  b->req.buffer = b->data;
  b->req.status = Error::ok;
  b->req.next = nullptr;
  stats_.writes++;
  dev_.submit(b->req);
}

// on_complete(req): the device is done with a buffer's request: record the outcome,
// then hand every waiter to wake(). Never resumes anything itself.
void BlockCache::on_complete(SectorRequest& req, void* context) {
  CacheBuf* b = static_cast<CacheBuf*>(context);
  if (!req.write) {
    b->state = req.status == Error::ok ? CacheBuf::State::valid : CacheBuf::State::failed;
  } else {
    b->writing = false;
    if (req.status != Error::ok) b->dirty = true;
  }
  CacheWaiter* w = b->waiters;
  b->waiters = nullptr;
  BlockCache* owner = b->owner;
  if (req.status != Error::ok) {
    if (!req.write)
      owner->stats_.read_errors++;
    else
      owner->stats_.write_errors++;
  }
  while (w) {
    CacheWaiter* next = w->next;  // w lives in a frame that may run (and end) once woken
    owner->wake_(owner->wake_ctx_, w->handle, w->task);
    w = next;
  }
}

void BlockCache::IoWait::await_suspend(std::coroutine_handle<> h) noexcept {
  node.handle = h;
  node.task = ktask_running();
  node.next = buf->waiters;
  buf->waiters = &node;
  cache->stats_.waits++;
}

KTask<Error> BlockCache::sync() {
  u64 errors_before = stats_.write_errors;
  for (usize i = 0; i < count_; i++) {
    CacheBuf* b = &bufs_[i];
    if (b->dirty && !b->writing && b->state == CacheBuf::State::valid) start_write(b);
  }
  for (usize i = 0; i < count_; i++) {
    CacheBuf* b = &bufs_[i];
    while (b->writing) {
      co_await io_done(b);
    }
  }
  co_return stats_.write_errors == errors_before ? Error::ok : Error::io;
}
