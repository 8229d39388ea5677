// kernel/ktask.hh: KTask<T>, the coroutine type of kernel modules (the file system).
// Layer: kernel/sched (lab 06). The kernel-side twin of user/lib/task.hh:
//   - lazy: calling an async function only builds its frame; nothing runs yet;
//   - the frame comes from the kernel heap (kheap_alloc); when it is full the call
//     returns an invalid KTask (valid() == false) whose body never runs, and
//     co_await of it gives ktask_oom_value<T>() (-ENOMEM for Error and i64, else
//     T()) and counts ktask_detail::invalid_awaits: no crash;
//   - co_await std::move(task) (or co_await f(...)) runs the callee at once on the
//     same task. If the callee ends without suspending (a cache hit, a device that
//     completes at once), the caller simply goes on: await_suspend returns false, so
//     a loop of such awaits never deepens the stack, whatever the optimiser does with
//     tail calls. If the callee suspends, the caller suspends too, and the callee's
//     end later resumes it (symmetric transfer). A flag in the promise, swapped
//     atomically by both sides, decides which of the two happened;
//   - task.detach(done, ctx) turns a top-level task into a handle the kernel executor
//     resumes when it likes; at its end done(ctx, value) runs and the frame is freed.
// A KTask suspends only in awaitables that arrange a wake (the block cache's I/O
// waits): whoever completes the wait posts the innermost coroutine's handle to the
// executor, which resumes it from task context, never from a trap.
// T must be default-constructible and movable. No exceptions: unhandled_exception panics.
#pragma once
#include <coroutine>
#include <utility>
#include "kernel/kheap.hh"

template <class T = void>
class KTask;

// ktask_panic(what): a broken contract of the task machinery (panic in the kernel).
[[noreturn]] void ktask_panic(const char* what);

// ktask_running(): the kernel task the executor is resuming now (an opaque token; null
// outside one, and always in host tests). An awaitable that arranges a wake records it,
// so the waker knows which task of the shared scheduler to make ready.
namespace ktask_detail {
inline void* g_running = nullptr;
}
inline void* ktask_running() { return ktask_detail::g_running; }

// ktask_oom_value<T>(): what co_await of an invalid (out of memory) KTask<T> gives.
template <class T> inline T ktask_oom_value() { return T(); }
template <> inline Error ktask_oom_value<Error>() { return Error::no_memory; }
template <> inline i64 ktask_oom_value<i64>() { return -i64(Error::no_memory); }

namespace ktask_detail {
// co_awaits of an invalid KTask so far (each also got T()).
inline usize invalid_awaits = 0;

struct PromiseBase {
  std::coroutine_handle<> continuation;   // awaited inline: the caller
  void (*finish)(PromiseBase*) = nullptr;  // detached: calls the completion callback
  // Awaited inline: set by whichever side comes second of "the callee reached its end"
  // and "the caller's await_suspend is done with it" (u32: a word-sized atomic).
  u32 handoff = 0;

  // take_handoff(): true if the other side got there first.
  bool take_handoff() { return __atomic_exchange_n(&handoff, 1u, __ATOMIC_ACQ_REL) != 0; }

  static void* operator new(usize size) noexcept { return kheap_alloc(size); }
  static void operator delete(void* frame) noexcept { kheap_free(frame); }

  std::suspend_always initial_suspend() noexcept { return {}; }

  // The end: resume the inline caller, or (detached) report and free the frame.
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> self) const noexcept {
      PromiseBase& p = self.promise();
      if (p.continuation) {
        // The caller is suspended: resume it. Else it is still in await_suspend and
        // goes on by itself when that returns false.
        if (p.take_handoff()) return p.continuation;
        return std::noop_coroutine();
      }
      if (p.finish) {
        p.finish(&p);
        self.destroy();
      }
      return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { ktask_panic("exception in a KTask"); }
};

template <class T>
struct Promise : PromiseBase {
  using DoneFn = void (*)(void* ctx, T value);
  T value{};
  DoneFn done = nullptr;
  void* done_ctx = nullptr;
  KTask<T> get_return_object() noexcept;
  static KTask<T> get_return_object_on_allocation_failure() noexcept;
  void return_value(T v) noexcept { value = std::move(v); }
  T take_value() { return std::move(value); }
  static void finish_detached(PromiseBase* base) {
    Promise* p = static_cast<Promise*>(base);
    if (p->done) p->done(p->done_ctx, p->take_value());
  }
};

template <>
struct Promise<void> : PromiseBase {
  using DoneFn = void (*)(void* ctx);
  DoneFn done = nullptr;
  void* done_ctx = nullptr;
  KTask<void> get_return_object() noexcept;
  static KTask<void> get_return_object_on_allocation_failure() noexcept;
  void return_void() noexcept {}
  void take_value() {}
  static void finish_detached(PromiseBase* base) {
    Promise* p = static_cast<Promise*>(base);
    if (p->done) p->done(p->done_ctx);
  }
};
}  // namespace ktask_detail

template <class T>
class [[nodiscard]] KTask {
 public:
  using promise_type = ktask_detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;
  using DoneFn = typename promise_type::DoneFn;

  KTask() = default;  // an invalid task
  KTask(KTask&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  KTask& operator=(KTask&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  KTask(const KTask&) = delete;
  KTask& operator=(const KTask&) = delete;
  ~KTask() { reset(); }

  // valid(): the frame exists (false after an allocation failure, a move or detach).
  bool valid() const { return bool(handle_); }

  // detach(done, ctx): give the task up to the executor. The returned handle starts
  // it (resume it, or post it to the run queue); at its end done(ctx, value) runs
  // (done may be null) and the frame is freed. An invalid task gives a null handle
  // and done never runs: the caller handles the failure.
  std::coroutine_handle<> detach(DoneFn done, void* ctx) {
    if (!handle_) return nullptr;
    promise_type& p = handle_.promise();
    p.done = done;
    p.done_ctx = ctx;
    p.finish = &promise_type::finish_detached;
    return std::exchange(handle_, nullptr);
  }

  // Awaited inline: run the body now on the awaiting task; its result is the value.
  struct InlineAwaiter {
    Handle child;
    bool await_ready() const noexcept { return !child; }
    // Run the callee now; suspend the caller only if the callee has not ended.
    bool await_suspend(std::coroutine_handle<> caller) noexcept {
      child.promise().continuation = caller;
      child.resume();
      return !child.promise().take_handoff();
    }
    T await_resume() {
      if (!child) {
        ktask_detail::invalid_awaits++;
        return ktask_oom_value<T>();
      }
      return child.promise().take_value();
    }
  };
  // The KTask (a temporary or moved-from local) keeps the frame until the end of the
  // full expression, after await_resume has taken the value; then it frees it.
  InlineAwaiter operator co_await() && noexcept { return InlineAwaiter{handle_}; }

 private:
  friend promise_type;
  explicit KTask(Handle handle) : handle_(handle) {}
  void reset() {
    if (handle_) std::exchange(handle_, nullptr).destroy();
  }
  Handle handle_;
};

namespace ktask_detail {
template <class T>
KTask<T> Promise<T>::get_return_object() noexcept {
  return KTask<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
template <class T>
KTask<T> Promise<T>::get_return_object_on_allocation_failure() noexcept {
  return KTask<T>();
}
inline KTask<void> Promise<void>::get_return_object() noexcept {
  return KTask<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
inline KTask<void> Promise<void>::get_return_object_on_allocation_failure() noexcept { return KTask<void>(); }
}  // namespace ktask_detail
