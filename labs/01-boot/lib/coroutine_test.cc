// lib/coroutine_test.cc: host unit test of Squall's own <coroutine>, <utility>, <type_traits>
// and <new> (lib/std/). Built with -nostdinc++, so only our headers are visible. Checks that
// coroutines really suspend and resume where they should, that handles round-trip through
// address()/from_address()/from_promise(), and that destroy() frees the frame (LeakSanitizer).
#include <coroutine>
#include <new>
#include <type_traits>
#include <utility>
#include <stdlib.h>
#include "host_check.hh"

// The host C++ runtime supplies the allocation operators; count frames to see them freed.
static int g_frames_live;
void* operator new(size_t size) {
  g_frames_live++;
  return malloc(size);
}
void operator delete(void* p) noexcept {
  if (p) g_frames_live--;
  free(p);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }

// A generator: each co_yield hands one value out and suspends.
struct Generator {
  struct promise_type {
    int current = 0;
    Generator get_return_object() { return Generator{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int v) noexcept {
      current = v;
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { abort(); }
  };
  std::coroutine_handle<promise_type> handle;
  explicit Generator(std::coroutine_handle<promise_type> h) : handle(h) {}
  Generator(Generator&& other) noexcept : handle(std::exchange(other.handle, nullptr)) {}
  ~Generator() {
    if (handle) handle.destroy();
  }
  bool next() {
    handle.resume();
    return !handle.done();
  }
};

static int g_steps;  // how far the body has run, to see exactly where it suspended

static Generator count_to(int n) {
  for (int i = 1; i <= n; i++) {
    g_steps = i;
    co_yield i * i;
  }
  g_steps = -1;
}

// A task that awaits an external event: the awaiter parks the handle in a slot and the
// "event source" resumes it later; the value passed in comes back from co_await.
struct Event {
  std::coroutine_handle<> waiter;
  int value = 0;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept { waiter = h; }
  int await_resume() const noexcept { return value; }
  void fire(int v) {
    value = v;
    std::exchange(waiter, nullptr).resume();
  }
};

struct Task {
  struct promise_type {
    int result = 0;
    Task get_return_object() { return Task{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_value(int v) noexcept { result = v; }
    void unhandled_exception() noexcept { abort(); }
  };
  std::coroutine_handle<promise_type> handle;
};

static Task add_two_events(Event& a, Event& b) {
  int x = co_await a;
  int y = co_await b;
  co_return x * 100 + y;
}

// Symmetric transfer: await_suspend returns the handle to run next (here, nobody).
struct ToNoop {
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<>) noexcept { return std::noop_coroutine(); }
  void await_resume() const noexcept {}
};
static Task symmetric() {
  co_await ToNoop{};
  co_return 7;
}

static_assert(std::is_same_v<std::remove_cvref_t<const int&>, int>);
static_assert(!std::is_same_v<int, long>);
static_assert(std::is_integral_v<unsigned> && !std::is_integral_v<float>);
static_assert(std::is_unsigned_v<unsigned long> && !std::is_unsigned_v<int>);
static_assert(std::is_same_v<std::conditional_t<true, int, char>, int>);

int main() {
  // Generator: suspended before the body runs, then one step per resume.
  {
    Generator gen = count_to(3);
    CHECK(g_steps == 0);
    CHECK(!gen.handle.done());
    int sum = 0, yields = 0;
    while (gen.next()) {
      CHECK(g_steps == yields + 1);
      sum += gen.handle.promise().current;
      yields++;
    }
    CHECK(yields == 3);
    CHECK(sum == 1 + 4 + 9);
    CHECK(g_steps == -1);
    CHECK(gen.handle.done());
  }
  CHECK(g_frames_live == 0);

  // Handles round-trip through the frame address and the promise.
  {
    Generator gen = count_to(1);
    void* frame = gen.handle.address();
    CHECK(frame != nullptr);
    auto again = std::coroutine_handle<Generator::promise_type>::from_address(frame);
    CHECK(again == gen.handle);
    CHECK(&again.promise() == &gen.handle.promise());
    auto from_promise = std::coroutine_handle<Generator::promise_type>::from_promise(gen.handle.promise());
    CHECK(from_promise.address() == frame);
    std::coroutine_handle<> erased = gen.handle;
    CHECK(erased.address() == frame && bool(erased));
    CHECK(!std::coroutine_handle<>());
    // Destroying a coroutine that never ran to the end frees its frame too.
  }
  CHECK(g_frames_live == 0);

  // Task: runs eagerly to the first co_await, then resumes only when the event fires.
  {
    Event a, b;
    Task t = add_two_events(a, b);
    CHECK(bool(a.waiter) && !b.waiter);
    CHECK(!t.handle.done());
    a.fire(4);
    CHECK(!a.waiter && bool(b.waiter));
    CHECK(!t.handle.done());
    b.fire(2);
    CHECK(t.handle.done());
    CHECK(t.handle.promise().result == 402);
    t.handle.destroy();
  }
  CHECK(g_frames_live == 0);

  // Symmetric transfer to noop_coroutine() returns control to the resumer.
  {
    Task t = symmetric();
    CHECK(!t.handle.done());
    std::noop_coroutine().resume();  // does nothing
    t.handle.resume();
    CHECK(t.handle.done() && t.handle.promise().result == 7);
    t.handle.destroy();
  }
  CHECK(g_frames_live == 0);

  // Placement new constructs in caller storage.
  {
    alignas(long) unsigned char storage[sizeof(long)];
    long* p = new (storage) long(42);
    CHECK(static_cast<void*>(p) == storage && *p == 42);
    int x = 1, y = 2;
    std::swap(x, y);
    CHECK(x == 2 && y == 1);
  }
  return host_check_summary("coroutine_test");
}
