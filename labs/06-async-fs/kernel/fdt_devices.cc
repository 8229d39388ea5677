// kernel/fdt_devices.cc: one walk over the structure block that collects, per node, the
// properties a driver needs. Layer: kernel/drivers. Properties come before subnodes
// (Devicetree spec 5.4.1), so a node's #address-cells is known before its children.
#include "kernel/fdt_devices.hh"
#include "lib/string.hh"

namespace {
constexpr int kDepths = 16;  // as deep as FdtCursor allows

// Does the string list `token` (NUL-separated) hold `want`?
bool list_holds(const FdtToken& token, const char* want) {
  const char* p = reinterpret_cast<const char*>(token.data);
  const char* end = p + token.length;
  while (p < end) {
    usize n = strnlen(p, usize(end - p));
    if (n < usize(end - p) && strcmp(p, want) == 0) return true;
    p += n + 1;
  }
  return false;
}
}  // namespace

u32 fdt_find_devices(const Fdt& fdt, const char* compatible, FdtDevice* out, u32 max) {
  struct Node {
    FdtDevice device;
    bool matches;
    u32 address_cells, size_cells;  // for this node's children
  } nodes[kDepths];
  u32 found = 0;
  FdtCursor cursor = fdt.cursor();
  for (;;) {
    Result<FdtToken> r = cursor.next();
    if (!r.ok()) return found;
    const FdtToken& t = r.value();
    if (t.kind == FdtToken::Kind::end) return found;
    if (t.depth < 0 || t.depth >= kDepths) continue;
    Node& node = nodes[t.depth];
    if (t.kind == FdtToken::Kind::begin_node) {
      node = Node{FdtDevice{}, false, 2, 1};  // the spec's defaults
      continue;
    }
    if (t.kind == FdtToken::Kind::end_node) {
      if (node.matches && found++ < max) out[found - 1] = node.device;
      continue;
    }
    u32 cell = t.length >= 4 ? be32(t.data) : 0;
    if (strcmp(t.name, "#address-cells") == 0 && t.length == 4) node.address_cells = cell;
    else if (strcmp(t.name, "#size-cells") == 0 && t.length == 4) node.size_cells = cell;
    else if (strcmp(t.name, "compatible") == 0) node.matches = list_holds(t, compatible);
    else if (strcmp(t.name, "interrupts") == 0) node.device.irq = cell;
    else if (strcmp(t.name, "riscv,ndev") == 0) node.device.sources = cell;
    else if (strcmp(t.name, "interrupts-extended") == 0) node.device.extended = t;
    else if (strcmp(t.name, "reg") == 0 && t.depth > 0) {
      u32 a = nodes[t.depth - 1].address_cells, s = nodes[t.depth - 1].size_cells;
      if (a >= 1 && a <= 2 && s <= 2 && t.length >= 4 * (a + s)) {
        node.device.base = read_cells(t.data, a);
        node.device.size = read_cells(t.data + 4 * a, s);
      }
    }
  }
}
