// user/lib/task.hh: Task<T>, the stackless coroutine every async function returns.
// Layer: user/lib (lab 05). In the style of libasync: a Task starts lazily (nothing of
// its body runs until someone awaits or spawns it) and owns its frame, which the
// promise allocates from the user heap (user/lib/heap.hh). Two ways to run one:
//   co_await std::move(task)   a plain nested call: the caller suspends, the callee runs
//                              at once on the same task, and its end resumes the caller
//                              (symmetric transfer: a tail call at -O2);
//   spawn(std::move(task))     a new task of the shared scheduler (user/lib/runtime.hh).
// Out of memory is not a crash: the coroutine call then returns an invalid Task
// (valid() == false) and its body never runs. Task<T> needs T default-constructible.
// A task may suspend only through the runtime's awaitables (Task, JoinHandle,
// yield_now): the executor finds where to resume it in its top promise.
#pragma once
#include <coroutine>
#include <utility>
#include "user/lib/heap.hh"
#include "user/lib/preempt.hh"

template <class T = void>
class Task;

// task_panic(what): a broken promise of the runtime's contract: report, exit 6.
[[noreturn]] void task_panic(const char* what);

namespace task_detail {
inline constexpr u32 kSpawnedMagic = 0x4b534154;  // "TASK": the frame is a live scheduler task

// PromiseBase: what the runtime needs of every task, whatever its result type.
// Promise<T> derives from it first, so a frame address alone reaches it.
struct PromiseBase;
// task_ended(p, frame): a spawned task ran to its end (user/lib/runtime.cc): out of the
// scheduler, its joiner woken; returns the coroutine to transfer to next.
std::coroutine_handle<> task_ended(PromiseBase& p, std::coroutine_handle<> frame) noexcept;

// TaskPlace: where a spawned task queues (the runtime's local queue mirrors the payload's).
struct TaskPlace {
  u8 level = 0;        // its ready level in the payload (0 in the FIFO one)
  u8 above = 0;        // bits of the levels above it: (1 << level) - 1
  u8 at_or_above = 1;  // and with its own: (2 << level) - 1
  u8 priority = 0;     // as spawned (the payload's metadata, when registered)
};

struct PromiseBase {
  std::coroutine_handle<> continuation;  // awaited inline: the caller, resumed at the end
  std::coroutine_handle<> resume_point;  // spawned: where the executor resumes the task next
  u32 magic = 0;                         // kSpawnedMagic while the scheduler holds the task
  u32 task_id = 0;                       // its id in the payload, once registered (0: not yet)
  PromiseBase* joiner = nullptr;         // the task sleeping in a join on this one
  PromiseBase* next_local;               // the runtime's local ready queue (set when queued)
  TaskPlace place;                       // its ready level and priority
  bool finished = false;                 // spawned and done: the executor has removed it
  bool detached = false;                 // no JoinHandle left: the executor frees the frame

  // The frame comes from the user heap. Failure gives an invalid Task (the caller
  // checks valid()); GCC then requires this operator new to be noexcept.
  static void* operator new(usize size) noexcept { return heap_alloc(size); }
  static void operator delete(void* frame, usize size) noexcept { heap_free_sized(frame, size); }

  std::suspend_always initial_suspend() noexcept { return {}; }

  // The end: resume an inline caller at once; a spawned task goes to task_ended (in
  // runtime mode), which picks the next task to transfer to.
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> self) const noexcept {
      PromiseBase& p = self.promise();
      if (p.continuation) return p.continuation;
      return task_ended(p, self);
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { task_panic("exception in a task"); }
};

// frame_promise(frame): the PromiseBase of the coroutine whose frame is at `frame`.
inline PromiseBase& frame_promise(void* frame) {
  return std::coroutine_handle<PromiseBase>::from_address(frame).promise();
}

template <class T>
struct Promise : PromiseBase {
  T value{};
  Task<T> get_return_object() noexcept;
  static Task<T> get_return_object_on_allocation_failure() noexcept;
  void return_value(T v) noexcept { value = std::move(v); }
  T take_value() { return std::move(value); }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  static Task<void> get_return_object_on_allocation_failure() noexcept;
  void return_void() noexcept {}
  void take_value() {}
};

// report_invalid_await(): a co_await of an invalid Task (out of memory) is reported.
void report_invalid_await();
}  // namespace task_detail

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = task_detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;
  // The promise sits right after GCC's two frame pointers for every T: frame_promise
  // relies on it.
  static_assert(alignof(promise_type) <= 16, "Task<T>: T may not be over-aligned");

  Task() = default;  // an invalid task
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  // valid(): the frame was allocated (false after an allocation failure or a move).
  bool valid() const { return bool(handle_); }
  // release(): hand the frame over (spawn takes it); the Task becomes invalid.
  Handle release() { return std::exchange(handle_, nullptr); }

  // Awaited inline: run the body now, on the awaiting task; its result is the value.
  struct InlineAwaiter {
    Handle child;
    bool await_ready() const noexcept { return !child; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
      child.promise().continuation = caller;
      return child;
    }
    T await_resume() {
      if (!child) {
        task_detail::report_invalid_await();
        return T();
      }
      return child.promise().take_value();
    }
  };
  InlineAwaiter operator co_await() && noexcept { return InlineAwaiter{handle_}; }

 private:
  friend promise_type;
  explicit Task(Handle handle) : handle_(handle) {}
  void reset() {
    if (handle_) std::exchange(handle_, nullptr).destroy();
  }
  Handle handle_;
};

namespace task_detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
template <class T>
Task<T> Promise<T>::get_return_object_on_allocation_failure() noexcept {
  return Task<T>();
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object_on_allocation_failure() noexcept { return Task<void>(); }
}  // namespace task_detail
