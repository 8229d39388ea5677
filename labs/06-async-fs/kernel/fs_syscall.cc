// kernel/fs_syscall.cc: sys::fs, the asynchronous file system call (lib/fs_abi.hh), and
// each process's table of open files. Layer: kernel/fs (lab 06).
//
// do_fs copies the FsOp in and checks it. A read that the block cache holds whole is
// done right there (Fat32::read_now: no request, no kernel task). Anything else starts
// as a kernel task (kernel_tasks.hh), which runs at once until it first waits for the
// disk. If it ends there (no I/O), the result is in the FsOp when the call returns 1.
// Otherwise the call returns 0 and the program's task sleeps; when the kernel task ends
// it writes the FsOp's result and state, and makes the program's task ready in the
// shared scheduler if it had parked (the handshake of lib/fs_abi.hh). User memory is
// touched only when its owner is known to be alive, with no wait in between (it could
// exit while its request waits for the disk: then the result is dropped).
#include <new>
#include "kernel/address_space.hh"
#include "kernel/executor.hh"
#include "kernel/fs_service.hh"
#include "kernel/kernel_tasks.hh"
#include "kernel/payload.hh"
#include "kernel/process.hh"
#include "kernel/uaccess.hh"
#include "kernel/user_pages.hh"
#include "lib/fs_abi.hh"
#include "lib/string.hh"

namespace {
constexpr u64 kChunk = 4096;  // bytes moved per step of a write

// An open file: shared by the fd table and the requests in flight on it.
struct OpenFile {
  FatFile file;
  u64 offset;
  u32 flags;
  u32 refs;
};

struct FdTable {
  int pid;  // the process the table belongs to (a slot is reused by later processes)
  OpenFile* fds[kFsMaxOpen];
};
// Cleared by fs_tables_init, so kept out of .bss: boot does not clear it.
[[gnu::section(".noinit.fds")]] FdTable g_fd_tables[kMaxProcesses];

struct FsRequest {
  FsOp op;           // the kernel's copy
  u64 user_op;       // where the program's FsOp is
  int pid, slot;     // the owner
  OpenFile* file;    // fd operations: a reference
  char path[kFsMaxPath + 1];
  u8* buffer;        // kChunk bytes, or nullptr
  i64 result;
};

// One writer at a time. The FAT code has no per-directory locks: operations that change
// the volume (create, write, mkdir, unlink, sync) take this mutex for their whole run;
// reads, readdir, stat and plain opens go on beside them. FIFO: no writer starves.
struct LockWaiter {
  std::coroutine_handle<> handle;
  void* task;
  LockWaiter* next;
};
struct VolumeLock {
  bool held;
  LockWaiter* head;
  LockWaiter* tail;
};
VolumeLock g_volume_lock;

struct LockAwaiter {
  LockWaiter node{};
  bool await_ready() {
    if (g_volume_lock.held) return false;
    g_volume_lock.held = true;
    return true;
  }
  void await_suspend(std::coroutine_handle<> h) {
    node = LockWaiter{h, ktask_running(), nullptr};
    (g_volume_lock.tail ? g_volume_lock.tail->next : g_volume_lock.head) = &node;
    g_volume_lock.tail = &node;
  }
  void await_resume() {}  // the unlocker handed the lock over: held stays true
};

void unlock_volume() {
  LockWaiter* next = g_volume_lock.head;
  if (!next) {
    g_volume_lock.held = false;
    return;
  }
  g_volume_lock.head = next->next;
  if (!g_volume_lock.head) g_volume_lock.tail = nullptr;
  kernel_task_wake(nullptr, next->handle, next->task);
}

bool changes_volume(const FsOp& op) {
  FsKind k = FsKind(op.kind);
  return k == FsKind::write || k == FsKind::mkdir || k == FsKind::unlink || k == FsKind::sync ||
         (k == FsKind::open && (op.flags & kFsCreate));
}

FsRequest* g_starting;     // the request do_fs is starting now
long g_started_answer;     // and what answer() said if it ended before kernel_task_start
                           // returned (1, or -fault), else 0

void put_file(OpenFile* f) {
  if (f && --f->refs == 0) {
    if (Fat32* fs = fs_volume()) fs->close(f->file);
    f->~OpenFile();
    kheap_free(f);
  }
}

FdTable& table_of(const Process& p) {
  FdTable& t = g_fd_tables[&p - g_processes];
  if (t.pid != p.pid) {  // a new process in this slot: drop what the last one left open
    for (OpenFile*& f : t.fds) put_file(std::exchange(f, nullptr));
    t.pid = p.pid;
  }
  return t;
}

// alive(slot, pid): the process pid in that slot, if it is still alive.
Process* alive(int slot, int pid) {
  Process& p = g_processes[slot];
  return p.state == ProcessState::runnable && p.pid == pid ? &p : nullptr;
}

// owner(r): the process that made r, if it is still alive.
Process* owner(const FsRequest& r) { return alive(r.slot, r.pid); }

// copy_to_owner / copy_from_owner: user memory of r's owner, page by page through the
// direct map; Error::fault for a bad range, Error::not_found when the owner is gone.
Error copy_with_owner(const FsRequest& r, u64 va, u8* kernel, u64 n, bool to_user) {
  Process* p = owner(r);
  if (!p) return Error::not_found;
  while (n > 0) {
    u64 in_page = min_of(n, kPageSize - va % kPageSize);
    Result<u64> pa = user_page_address(p->space->table, va, to_user);
    if (!pa.ok()) return Error::fault;
    u8* at = reinterpret_cast<u8*>(pa.value());
    if (to_user)
      memcpy(at, kernel, in_page);
    else
      memcpy(kernel, at, in_page);
    va += in_page, kernel += in_page, n -= in_page;
  }
  return Error::ok;
}

// answer(user_op, result): an operation that ends inside the call: result and state.
long answer(u64 user_op, i64 result) {
  struct {
    i64 result;
    u32 state;
  } tail = {result, kFsDone};
  static_assert(__builtin_offsetof(FsOp, state) == __builtin_offsetof(FsOp, result) + 8);
  if (copy_to_user(user_op + __builtin_offsetof(FsOp, result), &tail, 12) != Error::ok) return error_return(Error::fault);
  return 1;
}

// finish(r): deliver the result, wake the program's task if it parked, free the request.
void finish(FsRequest& r) {
  if (&r == g_starting) {  // it ended inside do_fs: the caller is running, it never parked
    g_started_answer = answer(r.user_op, r.result);
  } else {
    i64 result = r.result;
    u32 state = kFsPending, done = kFsDone;
    u64 at_state = r.user_op + __builtin_offsetof(FsOp, state);
    if (copy_with_owner(r, at_state, reinterpret_cast<u8*>(&state), sizeof state, false) == Error::ok &&
        copy_with_owner(r, r.user_op + __builtin_offsetof(FsOp, result), reinterpret_cast<u8*>(&result),
                        sizeof result, true) == Error::ok &&
        copy_with_owner(r, at_state, reinterpret_cast<u8*>(&done), sizeof done, true) == Error::ok &&
        state == kFsParked) {
      payload_set_state(r.op.task_id, TaskState::ready);  // it sleeps until now
      // Its executor's fast yields were waits for this I/O, not a yield storm (lab 05).
      if (Process* p = owner(r)) executor_state(*p).idle_yields = 0;
    }
  }
  put_file(r.file);
  if (r.buffer) kheap_free(r.buffer);
  r.~FsRequest();
  kheap_free(&r);
}

// install(r, f): a new descriptor of r's owner for f -> fd, or -error.
i64 install(const FsRequest& r, OpenFile* f) {
  Process* p = owner(r);
  if (!p) return error_return(Error::not_found);
  FdTable& t = table_of(*p);
  for (u32 fd = 0; fd < kFsMaxOpen; fd++)
    if (!t.fds[fd]) {
      t.fds[fd] = f;
      f->refs++;
      return fd;
    }
  return error_return(Error::no_space);
}

KTask<i64> do_open(FsRequest& r) {
  Fat32& fs = *fs_volume();
  OpenFile* f = static_cast<OpenFile*>(kheap_alloc(sizeof(OpenFile)));
  if (!f) co_return error_return(Error::no_memory);
  new (f) OpenFile{};
  f->flags = r.op.flags;
  Error e = co_await fs.open(r.path, f->file);
  if (e == Error::ok && (r.op.flags & kFsExclusive) && (r.op.flags & kFsCreate)) {
    fs.close(f->file);
    e = Error::exists;
  } else if (e == Error::not_found && (r.op.flags & kFsCreate)) {
    e = co_await fs.create(r.path, f->file);
  }
  i64 fd = e == Error::ok ? install(r, f) : error_return(e);
  if (fd < 0 && e == Error::ok) fs.close(f->file);
  if (fd < 0) {
    f->~OpenFile();
    kheap_free(f);
  }
  co_return fd;
}

// OwnerSink: read_to's bytes straight into a program's buffer, a page at a time through
// the direct map: the program checked alive at each ask (read_to copies at once after).
class OwnerSink final : public ReadSink {
 public:
  OwnerSink(int slot, int pid, u64 buffer) : slot_(slot), pid_(pid), buffer_(buffer) {}
  u8* window(u64 at, u64* room, Error* error) override {
    Process* p = alive(slot_, pid_);
    if (!p) {
      *error = Error::not_found;
      return nullptr;
    }
    u64 va = buffer_ + at;
    Result<u64> pa = user_page_address(p->space->table, va, true);
    if (!pa.ok()) {
      *error = Error::fault;
      return nullptr;
    }
    *room = kPageSize - va % kPageSize;
    return reinterpret_cast<u8*>(pa.value());  // the direct map: physical = kernel address
  }

 private:
  int slot_, pid_;
  u64 buffer_;
};

KTask<i64> do_read(FsRequest& r) {
  OpenFile& f = *r.file;
  if (f.file.is_dir) co_return error_return(Error::is_dir);
  bool at_offset = r.op.flags & kFsAtOffset;
  OwnerSink sink(r.slot, r.pid, r.op.buf);
  i64 n = co_await fs_volume()->read_to(f.file, at_offset ? r.op.offset : f.offset, sink, r.op.len);
  if (n > 0 && !at_offset) f.offset += u64(n);
  co_return n;
}

KTask<i64> do_write(FsRequest& r) {
  Fat32& fs = *fs_volume();
  OpenFile& f = *r.file;
  if (f.file.is_dir) co_return error_return(Error::is_dir);
  u64 total = 0;
  while (total < r.op.len) {
    u64 want = min_of(r.op.len - total, kChunk);
    Error e = copy_with_owner(r, r.op.buf + total, r.buffer, want, false);
    if (e != Error::ok) co_return total ? i64(total) : error_return(e);
    if (f.flags & kFsAppend) f.offset = f.file.size;
    i64 n = co_await fs.write(f.file, f.offset, r.buffer, want);
    if (n < 0) co_return total ? i64(total) : n;
    f.offset += u64(n), total += u64(n);
    if (u64(n) < want) break;  // the disk is full: a short write
  }
  co_return i64(total);
}

KTask<i64> do_readdir(FsRequest& r) {
  OpenFile& f = *r.file;
  if (!f.file.is_dir) co_return error_return(Error::not_dir);
  FatDirEntry* entry = reinterpret_cast<FatDirEntry*>(r.buffer);
  u32 cookie = u32(f.offset);
  i64 got = co_await fs_volume()->readdir(f.file, &cookie, *entry);
  if (got <= 0) co_return got;
  f.offset = cookie;
  FsDirent out{};
  memcpy(out.name, entry->name, min_of(strlen(entry->name), usize(kFsMaxName)));
  out.is_dir = entry->is_dir;
  out.size = entry->size;
  Error e = copy_with_owner(r, r.op.buf, reinterpret_cast<u8*>(&out), sizeof out, true);
  co_return e == Error::ok ? 1 : error_return(e);
}

KTask<i64> do_stat(FsRequest& r) {
  FatStat st{};
  Error e = co_await fs_volume()->stat(r.path, st);
  if (e != Error::ok) co_return error_return(e);
  FsStat out{st.size, st.first_cluster, st.is_dir ? 1u : 0u};
  e = copy_with_owner(r, r.op.buf, reinterpret_cast<u8*>(&out), sizeof out, true);
  co_return e == Error::ok ? 0 : error_return(e);
}

KTask<i64> do_path_op(FsRequest& r) {
  Error e = Error::invalid;
  if (FsKind(r.op.kind) == FsKind::mkdir) e = co_await fs_volume()->mkdir(r.path);
  if (FsKind(r.op.kind) == FsKind::unlink) e = co_await fs_volume()->unlink(r.path);
  if (FsKind(r.op.kind) == FsKind::sync) e = co_await fs_volume()->sync();
  co_return error_return(e);
}

// execute(r): the kernel task of one request.
KTask<void> execute(FsRequest& r) {
  bool locked = changes_volume(r.op);
  if (locked) co_await LockAwaiter{};
  switch (FsKind(r.op.kind)) {
    case FsKind::open: r.result = co_await do_open(r); break;
    case FsKind::read: r.result = co_await do_read(r); break;
    case FsKind::write: r.result = co_await do_write(r); break;
    case FsKind::readdir: r.result = co_await do_readdir(r); break;
    case FsKind::stat: r.result = co_await do_stat(r); break;
    default: r.result = co_await do_path_op(r); break;
  }
  if (locked) unlock_volume();
  finish(r);
}

bool needs_path(FsKind k) {
  return k == FsKind::open || k == FsKind::mkdir || k == FsKind::unlink || k == FsKind::stat;
}
bool needs_fd(FsKind k) {
  return k == FsKind::close || k == FsKind::read || k == FsKind::write || k == FsKind::seek ||
         k == FsKind::readdir;
}

// read_at_once(p, op, f, result): a read that the cache holds whole, done inside the
// call: no request, no kernel task (true). false: it needs the disk.
bool read_at_once(const Process& p, const FsOp& op, OpenFile& f, i64* result) {
  bool at_offset = op.flags & kFsAtOffset;
  OwnerSink sink(int(&p - g_processes), p.pid, op.buf);
  if (!fs_volume()->read_now(f.file, at_offset ? op.offset : f.offset, sink, op.len, result)) return false;
  if (*result > 0 && !at_offset) f.offset += u64(*result);
  return true;
}
}  // namespace

void fs_tables_init() {
  for (FdTable& t : g_fd_tables) t = FdTable{};
}

long do_fs(TrapFrame& frame) {
  Process& p = current_process();
  u64 user_op = frame.a(0);
  FsOp op;
  if (copy_from_user(&op, user_op, sizeof op) != Error::ok) return error_return(Error::fault);
  FsKind kind = FsKind(op.kind);
  if (op.kind < u32(FsKind::open) || op.kind > u32(FsKind::sync)) return error_return(Error::invalid);
  if (!fs_volume()) return error_return(Error::no_device);
  FdTable& table = table_of(p);
  OpenFile* file = nullptr;
  if (needs_fd(kind)) {
    if (op.fd < 0 || u32(op.fd) >= kFsMaxOpen || !table.fds[op.fd]) return error_return(Error::bad_fd);
    file = table.fds[op.fd];
  }
  if (kind == FsKind::close) {  // no I/O: the directory entry is already up to date
    if (file->refs > 1) return error_return(Error::busy);  // a request on it is still in flight
    put_file(std::exchange(table.fds[op.fd], nullptr));
    return answer(user_op, 0);
  }
  if (kind == FsKind::seek) {
    file->offset = op.len;
    return answer(user_op, i64(op.len));
  }
  i64 result;
  if (kind == FsKind::read && read_at_once(p, op, *file, &result))
    return answer(user_op, result);
  FsRequest* r = static_cast<FsRequest*>(kheap_alloc(sizeof(FsRequest)));
  if (!r) return error_return(Error::no_memory);
  new (r) FsRequest;  // not FsRequest{}: no need to zero the path buffer
  r->op = op;
  r->file = nullptr;
  r->buffer = nullptr;
  r->result = 0;
  r->path[0] = 0;
  r->user_op = user_op;
  r->pid = p.pid;
  r->slot = int(&p - g_processes);
  if (needs_path(kind)) {
    Result<u64> n = copy_string_from_user(r->path, op.path, sizeof r->path);
    if (!n.ok()) {
      kheap_free(r);
      return error_return(n.error() == Error::too_big ? Error::invalid : n.error());
    }
  }
  if (kind == FsKind::write || kind == FsKind::readdir) {
    r->buffer = static_cast<u8*>(kheap_alloc(max_of(kChunk, sizeof(FatDirEntry))));
    if (!r->buffer) {
      kheap_free(r);
      return error_return(Error::no_memory);
    }
  }
  if (file) {
    r->file = file;
    file->refs++;
  }
  g_starting = r;
  g_started_answer = 0;
  bool started = kernel_task_start(execute(*r));
  g_starting = nullptr;
  if (!started) {
    put_file(r->file);
    if (r->buffer) kheap_free(r->buffer);
    kheap_free(r);
    return error_return(Error::busy);  // too many requests in flight: try again later
  }
  return g_started_answer;
}
