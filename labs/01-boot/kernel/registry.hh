// kernel/registry.hh: link-time tables. Any file of any layer adds an entry; the linker
// gathers the entries of one table into one array (kernel.ld keeps the .registry.*
// sections sorted by name). Layer: kernel/boot.
//
//   REGISTRY_DECLARE(Type, name)  in a header: the table exists
//   REGISTRY_DEFINE(Type, name)   in exactly one .cc: its two bounds
//   REGISTRY_ENTRY(name, order)   on a const object: it is an entry (order: a short
//                                 string; entries sort by it, e.g. a stage "04")
//   registry_begin(name), registry_end(name)   the entries, as a [begin, end) array
//
// The bounds are empty arrays in the sections ".registry.NAME.0" and ".registry.NAME.2";
// the entries sit in ".registry.NAME.1.ORDER", between them.
#pragma once

#define REGISTRY_DECLARE(Type, name) \
  extern "C" const Type registry_##name##_begin[], registry_##name##_end[]

#define REGISTRY_DEFINE(Type, name)                                                 \
  REGISTRY_DECLARE(Type, name);                                                     \
  extern "C" [[gnu::used, gnu::section(".registry." #name ".0")]] const Type       \
      registry_##name##_begin[0] = {};                                              \
  extern "C" [[gnu::used, gnu::section(".registry." #name ".2")]] const Type       \
      registry_##name##_end[0] = {}

#define REGISTRY_ENTRY(name, order) [[gnu::used, gnu::section(".registry." #name ".1." order)]]

// The bounds are distinct objects to the compiler, which may then "know" that begin !=
// end, or that end is out of reach from begin: registry_bound() hides where they point.
template <class T> inline T* registry_bound(T* p) {
  asm("" : "+r"(p));
  return p;
}
#define registry_begin(name) (registry_bound(registry_##name##_begin))
#define registry_end(name) (registry_bound(registry_##name##_end))
