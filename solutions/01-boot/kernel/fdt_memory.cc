// kernel/fdt_memory.cc: finding RAM in the device tree.
// Layer: kernel/boot. Reference solution of the lab 01 hole.
#include "kernel/fdt.hh"
#include "lib/string.hh"

// fdt_find_memory(fdt): see kernel/fdt.hh.
Result<MemoryRange> fdt_find_memory(const Fdt& fdt) {
  const u32 address_cells = fdt.root_address_cells();
  const u32 size_cells = fdt.root_size_cells();
  if (address_cells < 1 || address_cells > 2 || size_cells < 1 || size_cells > 2) return Error::invalid;
  FdtCursor cursor = fdt.cursor();
  bool in_memory = false;
  for (;;) {
    Result<FdtToken> next = cursor.next();
    if (!next.ok()) return next.error();
    FdtToken t = next.value();
    if (t.kind == FdtToken::Kind::end) return Error::not_found;
    if (t.kind == FdtToken::Kind::begin_node && t.depth == 1) in_memory = starts_with(t.name, "memory@");
    if (t.kind == FdtToken::Kind::end_node && t.depth == 1) in_memory = false;
    if (in_memory && t.kind == FdtToken::Kind::property && t.depth == 1 && strcmp(t.name, "reg") == 0) {
      if (t.length < 4 * (address_cells + size_cells)) return Error::invalid;
      MemoryRange range;
      range.base = read_cells(t.data, address_cells);
      range.size = read_cells(t.data + 4 * address_cells, size_cells);
      return range;
    }
  }
}
