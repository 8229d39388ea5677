// kernel/hooks.cc: running the layers' setup functions and checking the extension points
// they fill. Layer: kernel/boot.
#include "kernel/hooks.hh"
#include "kernel/panic.hh"

REGISTRY_DEFINE(LayerSetup, layer_setup);
REGISTRY_DEFINE(HookNeed, hook_needs);

void hook_refilled(const char* name) { panic("hooks: extension point %s is filled twice", name); }

void layers_setup() {
  for (const LayerSetup* s = registry_begin(layer_setup); s != registry_end(layer_setup); s++) s->run();
}

void hooks_check() {
  for (const HookNeed* n = registry_begin(hook_needs); n != registry_end(hook_needs); n++) {
    if (!n->filled()) panic("hooks: extension point %s is not filled (needed by %s)", n->name(), n->where);
  }
}
