// fs/block_cache.hh: the asynchronous block cache under the file system (lab 06).
// Layer: fs. Unit of caching: one 512-byte sector (FAT32 reads and writes in sectors;
// a cluster is 1..128 of them). A fixed number of buffers, chosen at create(), kept in
// LRU order (nearly: see touch()). A buffer is pinned while a BlockRef holds it; an
// unpinned buffer can be reused for another sector, the least recently used clean one
// first, else the least recently used dirty one after its write-back. Writes are write-back: mark_dirty()
// and the data reaches the device at eviction or at sync().
//
// Below it sits a BlockDevice: submit(req) starts one sector transfer and returns;
// later the device sets req.status and calls req.done(req, req.context) (the virtio driver from
// its IRQ handler, the host test device from its queue, or at once inside submit).
// The cache never resumes a coroutine from that call: it hands each waiting coroutine
// to the environment's wake(ctx, handle), which puts it on a run queue (the kernel's
// shared scheduler; a plain queue in host tests). Concurrent readers of one sector
// all wait on its single read (the buffer's waiter list); no second read is issued.
// Single hart, and done() must not run while a coroutine is in the cache's code:
// FIXME: in the kernel, mask the device IRQ around cache code or defer done() to a
// bottom half that runs in task context.
#pragma once
#include <coroutine>
#include "kernel/ktask.hh"
#include "lib/error.hh"
#include "lib/types.hh"

inline constexpr usize kSectorBytes = 512;
inline constexpr usize kCacheMinBuffers = 4;     // the FAT code pins at most 3 at once
inline constexpr usize kCacheMaxBuffers = 120;   // the data is one kheap block (<= 64 KiB)
inline constexpr u64 kNoSector = ~u64(0);

// One sector transfer. The device owns it from submit() until it calls done().
// (Not named BlockRequest: kernel/virtio_blk.hh has that, the driver's own request of
// 1..n sectors. The fields match it, so the kernel's BlockDevice over VirtioBlk is a
// thin adapter that also queues requests while the virtqueue is full.)
struct SectorRequest {
  u64 sector = 0;
  bool write = false;                      // false: read into buffer; true: write it out
  u8* buffer = nullptr;                    // kSectorBytes of memory
  Error status = Error::ok;                // the device's verdict, set before done()
  void (*done)(SectorRequest& request, void* context) = nullptr;  // called exactly once
  void* context = nullptr;                 // the submitter's
  SectorRequest* next = nullptr;           // free for the device's own queue
};

// The driver's side. Not owned by the cache; lives longer than it.
class BlockDevice {
 public:
  virtual u64 sector_count() const = 0;
  // submit(request): start the transfer; request.done(request, context) follows, maybe
  // before submit returns. A device that is busy queues it: submit never refuses.
  virtual void submit(SectorRequest& request) = 0;

 protected:
  ~BlockDevice() = default;
};

// wake(ctx, h, task): make coroutine h runnable; it must not resume h inside this call.
// task: the ktask_running() of when h suspended (the kernel task h belongs to).
using WakeFn = void (*)(void* ctx, std::coroutine_handle<> handle, void* task);

class BlockCache;

// A coroutine waiting for a buffer's I/O; lives in the waiter's frame (intrusive).
struct CacheWaiter {
  std::coroutine_handle<> handle;
  void* task = nullptr;  // ktask_running() when it suspended
  CacheWaiter* next = nullptr;
};

struct CacheBuf {
  enum class State : u8 { empty, reading, valid, failed };
  u64 sector = kNoSector;
  u32 refs = 0;              // BlockRefs holding it (and readers waiting for it)
  State state = State::empty;
  bool dirty = false;        // changed since it was read or last written
  bool writing = false;      // a write-back is in flight (the data stays readable)
  u16 lru_prev = 0, lru_next = 0;  // indices; the list runs from most to least recent
  u16 hash_next = 0xffff;          // the next buffer in its hash bucket (0xffff: none)
  u32 moved_at = 0;                // the cache's move count when touch() last moved it
  CacheWaiter* waiters = nullptr;  // woken when the current I/O ends
  SectorRequest req;
  u8* data = nullptr;
  BlockCache* owner = nullptr;
};

// BlockRef: a pinned, valid sector of the cache (RAII: unpins when it goes).
class BlockRef {
 public:
  BlockRef() = default;
  BlockRef(BlockRef&& other) noexcept;
  BlockRef& operator=(BlockRef&& other) noexcept;
  BlockRef(const BlockRef&) = delete;
  BlockRef& operator=(const BlockRef&) = delete;
  ~BlockRef() { release(); }

  bool valid() const { return buf_ != nullptr; }
  u8* data() const { return buf_->data; }
  u64 sector() const { return buf_->sector; }
  // mark_dirty(): the data was changed; write it back at eviction or sync().
  void mark_dirty() { buf_->dirty = true; }
  void release();

 private:
  friend class BlockCache;
  BlockRef(BlockCache* cache, CacheBuf* buf) : cache_(cache), buf_(buf) {}
  BlockCache* cache_ = nullptr;
  CacheBuf* buf_ = nullptr;
};

struct CacheStats {
  u64 hits, misses, reads, writes, evictions, read_errors, write_errors, waits;
};

class BlockCache {
 public:
  // create(dev, buffers, wake, wake_ctx): a cache of `buffers` sectors (within
  // kCacheMinBuffers..kCacheMaxBuffers), its memory from the kernel heap; nullptr when
  // out of memory or the count is out of range.
  static BlockCache* create(BlockDevice& dev, usize buffers, WakeFn wake, void* wake_ctx);
  // destroy(cache): free it. Nothing may be pinned or in flight (else Error::busy, kept).
  static Error destroy(BlockCache* cache);

  // get(sector, out): the sector, read from the device unless cached, pinned in `out`
  // (the cached read path, fs/cache_read.cc). Error::invalid past the device's end,
  // Error::io when the read fails, Error::busy when every buffer is pinned (a buffer
  // with I/O in flight is waited for, not counted as pinned).
  KTask<Error> get(u64 sector, BlockRef& out);
  // peek(sector): the data of a valid cached sector, or nullptr (no I/O, nothing waits).
  // Valid until the caller next suspends: copy out of it at once. Counts as a hit.
  const u8* peek(u64 sector);
  // prefetch(sector, count): start reading those of the sectors that are not cached,
  // into clean unpinned buffers while there are any, without waiting: a get() that
  // follows finds them in flight together (one wait for many sectors).
  void prefetch(u64 sector, u32 count);
  // sync(): write back every dirty buffer and wait for all the writes; Error::io if any
  // failed (those stay dirty).
  KTask<Error> sync();

  u64 sector_count() const { return dev_.sector_count(); }
  usize buffer_count() const { return count_; }
  usize pinned_count() const;
  usize dirty_count() const;
  CacheStats stats() const { return stats_; }

 private:
  friend class BlockRef;
  BlockCache(BlockDevice& dev, usize count, CacheBuf* bufs, u8* data, WakeFn wake, void* ctx);

  // Awaitable: suspend until the buffer's current I/O ends (ready at once if none).
  struct IoWait {
    BlockCache* cache;
    CacheBuf* buf;
    CacheWaiter node;
    bool await_ready() const noexcept { return buf->state != CacheBuf::State::reading && !buf->writing; }
    void await_suspend(std::coroutine_handle<> h) noexcept;
    void await_resume() const noexcept {}
  };
  IoWait io_done(CacheBuf* b) { return IoWait{this, b, {}}; }

  CacheBuf* lookup(u64 sector);                 // a reading or valid buffer of `sector`
  static u32 bucket(u64 sector) { return u32(sector * 0x9e3779b1u) >> (32 - kHashBits); }
  void hash_remove(CacheBuf* b);
  void hash_insert(CacheBuf* b);
  // pick_victim(dirty_out, busy_out): the LRU unpinned idle clean buffer; if none,
  // *dirty_out = the LRU unpinned idle dirty one and *busy_out = an unpinned one with
  // I/O in flight (a write-back, or a read nobody holds yet) (either may be null).
  CacheBuf* pick_victim(CacheBuf** dirty_out, CacheBuf** busy_out);
  void claim(CacheBuf* b, u64 sector);          // re-label an idle clean buffer, pin it
  void pin(CacheBuf* b);
  void unpin(CacheBuf* b);
  void touch(CacheBuf* b);                      // move to the most-recent end (nearly)
  void start_read(CacheBuf* b);
  void start_write(CacheBuf* b);
  BlockRef make_ref(CacheBuf* b) { return BlockRef(this, b); }
  static void on_complete(SectorRequest& req, void* context);

  BlockDevice& dev_;
  usize count_;
  CacheBuf* bufs_;
  u8* data_;
  WakeFn wake_;
  void* wake_ctx_;
  u16 lru_head_ = 0;  // most recent
  u32 moves_;         // how many times touch() moved a buffer to the front
  static constexpr u32 kHashBits = 8;
  u16 hash_[1u << kHashBits];  // bucket heads: buffer indices by sector (0xffff: empty)
  CacheStats stats_ = {};
};
