// kernel/hooks.hh: extension points, the one way a later lab adds behaviour to an earlier
// layer. Layer: kernel/boot.
//
// The earlier layer declares a point once, in its own header, and calls through it:
//     inline Hook<void(Thing&)> thing_end_hook{"thing.end"};
//     if (thing_end_hook) thing_end_hook(t);
// A later layer (lab NN) fills it in a setup function of its own. kmain runs every
// layer's setup functions, lowest stage first, before the stage starts:
//     LAYER_SETUP("NN", my_layer) { thing_end_hook.fill(my_thing_end); }
// and the later layer says what its stage cannot work without:
//     NEEDS_HOOK(thing_end_hook);
// Filling is typed: a signature that drifts is a compile error, never a silent null.
// A point is filled once: a second filler panics. hooks_check() panics, naming the point
// and the file that needs it, if a needed point is still empty after setup.
#pragma once
#include "kernel/registry.hh"
#include "lib/types.hh"

[[noreturn]] void hook_refilled(const char* name);

template <class Signature> class Hook;

// Hook<R(Args...)>: one function a later layer provides.
template <class R, class... Args> class Hook<R(Args...)> {
 public:
  using Function = R (*)(Args...);
  constexpr explicit Hook(const char* name) : name_(name) {}
  Hook(const Hook&) = delete;

  void fill(Function f) {
    if (function_) hook_refilled(name_);
    function_ = f;
  }
  bool filled() const { return function_ != nullptr; }
  explicit operator bool() const { return filled(); }
  R operator()(Args... args) const { return function_(args...); }
  const char* name() const { return name_; }

 private:
  const char* name_;
  Function function_ = nullptr;
};

// HookList<R(Args...), N>: up to N functions, called in the order they were added.
template <class Signature, usize N> class HookList;
template <class R, class... Args, usize N> class HookList<R(Args...), N> {
 public:
  using Function = R (*)(Args...);
  constexpr explicit HookList(const char* name) : name_(name) {}
  HookList(const HookList&) = delete;

  void add(Function f) {
    if (count_ == N) hook_refilled(name_);
    functions_[count_++] = f;
  }
  bool filled() const { return count_ > 0; }
  usize size() const { return count_; }
  Function operator[](usize i) const { return functions_[i]; }
  const char* name() const { return name_; }

 private:
  const char* name_;
  Function functions_[N] = {};
  usize count_ = 0;
};

// The tables kmain walks (kernel/hooks.cc).
struct LayerSetup {
  const char* name;
  void (*run)();
};
struct HookNeed {
  const char* where;       // the file that needs the point
  const char* (*name)();   // the point's name, as declared
  bool (*filled)();
};
REGISTRY_DECLARE(LayerSetup, layer_setup);
REGISTRY_DECLARE(HookNeed, hook_needs);

#define HOOKS_CONCAT2(a, b) a##b
#define HOOKS_CONCAT(a, b) HOOKS_CONCAT2(a, b)

// LAYER_SETUP("NN", name) { ... }: lab NN's setup function `name`.
#define LAYER_SETUP(stage, name)                                                  \
  static void layer_setup_##name();                                               \
  REGISTRY_ENTRY(layer_setup, stage) static const LayerSetup layer_setup_entry_##name{ \
      #name, layer_setup_##name};                                                 \
  static void layer_setup_##name()

// NEEDS_HOOK(point): this stage needs `point` filled once every layer has set up.
#define NEEDS_HOOK(point)                                                          \
  REGISTRY_ENTRY(hook_needs, "") static const HookNeed HOOKS_CONCAT(hook_need_, __LINE__){ \
      __FILE__, [] { return (point).name(); }, [] { return (point).filled(); }}

// layers_setup(): run every LAYER_SETUP, lowest stage first. hooks_check(): panic on a
// needed point that is still empty.
void layers_setup();
void hooks_check();
