// kernel/fdt.hh: a bounds-checked reader for the flattened device tree (DTB).
// Layer: kernel/boot. Spec: Devicetree Specification v0.4, chapter 5.
// Every read is checked against the blob's size: a malformed tree gives an error,
// never a wild read.
#pragma once
#include "lib/error.hh"
#include "lib/types.hh"

// One token of the structure block, as FdtCursor::next() returns it.
struct FdtToken {
  enum class Kind { begin_node, end_node, property, end };
  Kind kind = Kind::end;
  const char* name = nullptr;  // node name ("memory@80000000") or property name ("reg")
  const u8* data = nullptr;    // property value (big-endian cells or a string)
  u32 length = 0;              // property value length in bytes
  int depth = 0;               // nesting depth: the root node is depth 0
};

class Fdt;

// FdtCursor walks the structure block token by token. Depth of a property is the
// depth of the node that holds it.
class FdtCursor {
 public:
  explicit FdtCursor(const Fdt& fdt);
  Result<FdtToken> next();

 private:
  const Fdt& fdt_;
  u32 offset_;  // into the structure block
  int depth_;
  bool finished_;
};

class Fdt {
 public:
  Fdt() = default;
  // create(blob): validate the header and the block bounds of the DTB at `blob`.
  static Result<Fdt> create(const void* blob);
  // A short description of the last validation failure, for panic messages.
  static const char* last_error();

  u32 total_size() const { return total_size_; }
  const u8* blob() const { return blob_; }
  FdtCursor cursor() const { return FdtCursor(*this); }

  // find_property(node_path, name): the property `name` of the node at `node_path`
  // ("/chosen", "/cpus"; unit addresses may be omitted). Error::not_found if absent.
  Result<FdtToken> find_property(const char* node_path, const char* name) const;

  // Root #address-cells and #size-cells (defaults 2 and 1 per the spec).
  u32 root_address_cells() const;
  u32 root_size_cells() const;

 private:
  friend class FdtCursor;
  const u8* blob_ = nullptr;
  u32 total_size_ = 0;
  u32 struct_offset_ = 0, struct_size_ = 0;
  u32 strings_offset_ = 0, strings_size_ = 0;
};

// Big-endian helpers. read_cells() reads `cells` 32-bit cells (1 or 2) as one number.
inline u32 be32(const u8* p) { return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | p[3]; }
u64 read_cells(const u8* p, u32 cells);

struct MemoryRange {
  u64 base = 0;
  u64 size = 0;
};

// fdt_find_memory(fdt): base and size of the first RAM range (the "reg" property of the
// node named "memory@..." at depth 1). (Lab 01 hole: kernel/fdt_memory.cc.)
Result<MemoryRange> fdt_find_memory(const Fdt& fdt);

// fdt_count_harts(fdt): the number of "cpu@..." nodes under /cpus.
Result<u32> fdt_count_harts(const Fdt& fdt);
