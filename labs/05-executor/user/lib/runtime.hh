// user/lib/runtime.hh: the async runtime of a user process (lab 05; seed items 4, 10,
// 11): spawn, join, yield_now, and the executor that runs them on the shared scheduler.
// Layer: user/lib. A task is a Task<> coroutine (user/lib/task.hh); its representation
// in the payload is its frame's address. The executor (runtime.cc) is the seed's user
// start-up function: pop, then run a task of this AS, or yield to the kernel
// (fast_yield) when the next task lives elsewhere, or stop when nothing is ready.
//
//   Task<int> async_main(u64 seed) {
//     auto child = spawn(work(seed));               // a new task, ready at once
//     if (!child.ok()) co_return 2;                 // -ENOMEM, -no_space (quota), ...
//     u64 v = co_await child.handle();              // join: sleep until it is done
//     co_await yield_now();                         // let the other ready tasks run
//     co_return int(v);
//   }
//   SQUALL_ASYNC_MAIN(async_main)
#pragma once
#include "lib/payload_abi.hh"
#include "lib/syscall_abi.hh"
#include "user/lib/task.hh"

inline constexpr u64 kDefaultPriority = 4;  // the middle of 0 (highest) .. 7

struct RuntimeStats;

// The non-template half of the runtime, in runtime.cc. Not for programs.
namespace runtime_detail {
using task_detail::PromiseBase;
// add_task(task, frame, priority): the spawn primitive's payload half: task (a spawned
// task, set up by spawn_task) enters the shared scheduler. Its repr is its frame's
// address; its metadata, our AS and the priority, go into the payload: a ready task, or
// with kPayloadAddClaimed in priority a `running` one that stays ours. -> its id (also
// in task.task_id), or the payload's refusal. (Lab 05 hole: user/lib/spawn.cc.)
i64 add_task(PromiseBase& task, void* frame, u64 priority);
// task_id_of(task): task's payload id; a live task the payload does not know yet is
// registered now (`running`: it stays ours). 0 if that fails or the task is gone.
u32 task_id_of(PromiseBase& task);
// executor_loop(): the seed's start-up loop; returns when nothing is ready anywhere.
// (Lab 05 hole: user/lib/executor_loop.cc.)
void executor_loop();
// yield_to_kernel(me, behind_others): the AS switch on the yield path, from the task's
// side. Task `me` yields (in runtime mode, its resume point saved); behind_others: a
// task in the payload waits at its level or above and no local task is ahead of it.
// true: the kernel took the yield (fast_yield_task) and came back, so me is ready in
// the payload and one of ours is next: the caller pops. false: me goes to the local
// queue. (Lab 05 hole: user/lib/yield_path.cc.)
bool yield_to_kernel(PromiseBase& me, bool behind_others);
// next_task(): the executor's pop: a local task when the payload has nobody ahead of it,
// else the payload's pop (task_pop). Run / Yield / Done / corrupt as PopResult.
PopResult next_task();
// run_task(id, repr): resume task `id` (its frame at repr) where it parked, or hand it
// back to the kernel if the timer had taken it (resume_preempted); returns when the
// tasks it transferred to hand control back to the executor.
void run_task(u32 id, u64 repr);
RuntimeStats& stats();
// The switches: the coroutine to transfer to next (the awaiting one itself when it
// need not wait: child done, or not inside a task).
std::coroutine_handle<> join_switch(PromiseBase& child, std::coroutine_handle<> awaiting);
std::coroutine_handle<> yield_switch(std::coroutine_handle<> awaiting);
void detach(PromiseBase& task, std::coroutine_handle<> frame);
// spawn_task(task, frame, priority): spawn's non-template half. When nobody waits in the
// payload at its level or above, the new task goes to our local queue with no payload
// call (add_task runs later, if another party must see it: a flush, a wait on the
// kernel, a tick); else our local tasks go back to the payload and it joins them there
// through add_task, ready. -> its payload id (0: local for now), or -error.
i64 spawn_task(PromiseBase& task, void* frame, u64 priority);
void report_empty_join();
// external_switch: park in an ExternalWait (sets *slept when it did).
std::coroutine_handle<> external_switch(volatile u32* word, u32 done, u32 parked, std::coroutine_handle<> awaiting,
                                        bool* slept);
void external_resumed();
}  // namespace runtime_detail

// JoinHandle<T>: the right to join a spawned task; move-only. co_await on it (join)
// gives the task's result, sleeping until the task is done, and frees its frame.
// Dropping it without a join detaches the task: its frame is freed when it ends.
template <class T>
class [[nodiscard]] JoinHandle {
 public:
  using Handle = std::coroutine_handle<task_detail::Promise<T>>;
  JoinHandle() = default;
  explicit JoinHandle(Handle handle) : handle_(handle) {}
  JoinHandle(JoinHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  JoinHandle& operator=(JoinHandle&& other) noexcept {
    if (this != &other) {
      detach();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~JoinHandle() { detach(); }

  bool valid() const { return bool(handle_); }  // false once joined, detached or moved
  // task_id(): the task's payload id (registering it now if it has none yet), 0 if none.
  u32 task_id() const { return handle_ ? runtime_detail::task_id_of(handle_.promise()) : 0; }
  bool finished() const { return handle_ && handle_.promise().finished; }
  void detach() {
    if (!handle_) return;
    Handle frame = std::exchange(handle_, nullptr);
    runtime_detail::detach(frame.promise(), frame);
  }

  // co_await handle: join. (An awaiter object of its own: GCC 12 copies an lvalue
  // awaitable that has the await_* members itself.)
  struct JoinAwaiter {
    JoinHandle* join;
    bool await_ready() const noexcept { return !join->handle_ || join->handle_.promise().finished; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) {
      return runtime_detail::join_switch(join->handle_.promise(), awaiting);
    }
    T await_resume() { return join->take_result(); }
  };
  JoinAwaiter operator co_await() & noexcept { return JoinAwaiter{this}; }
  JoinAwaiter operator co_await() && noexcept { return JoinAwaiter{this}; }

 private:
  // take_result(): the finished task's result; frees its frame.
  T take_result() {
    if (!handle_) {
      runtime_detail::report_empty_join();
      return T();
    }
    struct FreeFrame {
      Handle frame;
      ~FreeFrame() { frame.destroy(); }
    } done{std::exchange(handle_, nullptr)};
    return done.frame.promise().take_value();
  }

  Handle handle_;
};

// SpawnResult<T>: a JoinHandle, or why spawn failed.
template <class T>
class [[nodiscard]] SpawnResult {
 public:
  SpawnResult(JoinHandle<T>&& handle) : handle_(std::move(handle)) {}
  explicit SpawnResult(i64 error) : error_(error) {}
  bool ok() const { return error_ == 0; }
  // error(): 0, error_return(Error::no_memory) (no frame), -no_space (the AS's quota or the payload's
  // table is full), -io (the payload is corrupt) or another payload error.
  i64 error() const { return error_; }
  JoinHandle<T>& handle() { return handle_; }

 private:
  JoinHandle<T> handle_;
  i64 error_ = 0;
};

// spawn(task, priority): the seed's spawn: task's frame address becomes a new ready
// task of this AS in the shared scheduler. A failed frame allocation (an invalid
// task) gives error_return(Error::no_memory); a payload refusal gives its error. Never crashes.
template <class T>
SpawnResult<T> spawn(Task<T>&& task, u64 priority = kDefaultPriority) {
  typename Task<T>::Handle handle = task.release();
  if (!handle) return SpawnResult<T>(error_return(Error::no_memory));
  i64 id = runtime_detail::spawn_task(handle.promise(), handle.address(), priority);
  if (id < 0) {
    handle.destroy();
    return SpawnResult<T>(id);
  }
  return SpawnResult<T>(JoinHandle<T>(handle));
}

// spawn_error_text(error): a SpawnResult error in words, for reports.
const char* spawn_error_text(i64 error);

// co_await yield_now(): back to the tail of the ready queue; the next task runs (between
// two tasks of this AS: a jump, no payload call, no kernel entry). Outside a task: nothing.
struct YieldAwaiter {
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    return runtime_detail::yield_switch(awaiting);
  }
  void await_resume() const noexcept {}
};
[[nodiscard]] inline YieldAwaiter yield_now() { return {}; }

// co_await ExternalWait{&word, done, parked}: sleep until the kernel sets *word to `done`
// and makes this task ready again in the shared scheduler (how a kernel service that
// completes requests later wakes its caller). The task parks with one atomic swap of `parked` into *word: if the old
// value was `done` already, it puts it back and never sleeps; the kernel, which changes
// *word only at a trap, wakes the task only if it saw `parked`. The
// executor does not end while such a wait is pending: with nothing ready it asks the
// kernel (fast_yield), which waits for the device. A stray wake (the payload is writable
// by all) is harmless: await in a loop on the word.
struct ExternalWait {
  volatile u32* word;
  u32 done, parked;
  bool slept = false;  // it did park (and is counted as waiting until it resumes)
  bool await_ready() const noexcept { return *word == done; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    return runtime_detail::external_switch(word, done, parked, awaiting, &slept);
  }
  void await_resume() const noexcept {
    if (slept) runtime_detail::external_resumed();
  }
};

// current_task_id(): the payload id of the task the executor is running (0: none). A task
// the payload does not know yet is registered now (a kernel service that wakes it later
// needs the id).
u32 current_task_id();

// runtime_start(main_task): the seed's user start-up: wrap main_task as task t0, spawn
// it, register the executor with the kernel and run it until nothing is ready; returns
// t0's value (the exit status), or 1 after "runtime deadlock" (t0 never finished) or a
// failed start. If the kernel switches this AS away, the process continues at
// runtime_executor_entry and exits from there, with the same status: code after
// runtime_start may never run, so report from inside the tasks.
int runtime_start(Task<int> main_task);

// runtime_executor_entry(arg, handed_id, handed_repr): where the kernel restarts the
// executor, on a fresh stack (registered by runtime_start). handed_id != 0: the kernel
// popped that task of ours for us on its way here; it runs first. Runs the loop again,
// then exits with t0's status.
extern "C" [[noreturn]] void runtime_executor_entry(u64 arg, u64 handed_id, u64 handed_repr);

struct RuntimeStats {
  u64 spawned;            // tasks spawned (in the payload at once, or local at first)
  u64 registered;         // tasks that entered the payload (add_task; the kernel's are not counted)
  u64 spawn_failures;     // adds refused (payload or quota; not counting frame allocation failures)
  u64 finished;           // tasks that ran to their end
  u64 resumes;            // tasks resumed by the executor loop (not counting switches)
  u64 payload_switches;   // yields, joins and ends whose next task the payload picked
  u64 joins_parked;       // joins that had to sleep
  u64 preempted_resumes;  // Run(t) answered with resume_preempted(t)
  u64 fast_yields;        // pop said Yield: fast_yield calls
};
RuntimeStats runtime_stats();

// SQUALL_ASYNC_MAIN(fn): the program's main() runs `Task<int> fn(u64 seed)` as t0.
#define SQUALL_ASYNC_MAIN(fn) \
  int main(u64 seed) { return runtime_start(fn(seed)); }
