// kernel/fdt.cc: DTB header validation and the structure-block cursor.
// Layer: kernel/boot.
#include "kernel/fdt.hh"
#include "lib/param.hh"
#include "lib/string.hh"

namespace {

constexpr u32 kFdtMagic = 0xd00dfeed;
constexpr u32 kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;

const char* g_last_error = "none";

Error fail(const char* why) {
  g_last_error = why;
  return Error::invalid;
}

}  // namespace

const char* Fdt::last_error() { return g_last_error; }

u64 read_cells(const u8* p, u32 cells) {
  u64 value = 0;
  for (u32 i = 0; i < cells; i++) value = (value << 32) | be32(p + 4 * i);
  return value;
}

Result<Fdt> Fdt::create(const void* blob) {
  if (blob == nullptr || (uptr(blob) & 7) != 0) return fail("device tree pointer null or misaligned");
  const u8* b = static_cast<const u8*>(blob);
  if (be32(b) != kFdtMagic) return fail("bad magic (not a device tree)");
  Fdt fdt;
  fdt.blob_ = b;
  fdt.total_size_ = be32(b + 4);
  fdt.struct_offset_ = be32(b + 8);
  fdt.strings_offset_ = be32(b + 12);
  u32 version = be32(b + 20);
  u32 last_compatible = be32(b + 24);
  fdt.strings_size_ = be32(b + 32);
  fdt.struct_size_ = be32(b + 36);
  if (fdt.total_size_ < 40 || fdt.total_size_ > kFdtMaxSize) return fail("totalsize out of range");
  if (version < 17 && last_compatible > 17) return fail("unsupported version");
  if (last_compatible > 17) return fail("unsupported last_comp_version");
  auto inside = [&](u32 offset, u32 size) {
    return offset >= 40 && offset <= fdt.total_size_ && size <= fdt.total_size_ - offset;
  };
  if (!inside(fdt.struct_offset_, fdt.struct_size_)) return fail("structure block outside the blob");
  if (!inside(fdt.strings_offset_, fdt.strings_size_)) return fail("strings block outside the blob");
  if ((fdt.struct_offset_ & 3) != 0 || (fdt.struct_size_ & 3) != 0) return fail("structure block misaligned");
  // Walk the whole tree once, so later cursors over a valid tree cannot fail.
  FdtCursor cursor(fdt);
  for (;;) {
    Result<FdtToken> token = cursor.next();
    if (!token.ok()) return token.error();
    if (token.value().kind == FdtToken::Kind::end) break;
  }
  return fdt;
}

FdtCursor::FdtCursor(const Fdt& fdt) : fdt_(fdt), offset_(0), depth_(-1), finished_(false) {}

Result<FdtToken> FdtCursor::next() {
  const u8* base = fdt_.blob_ + fdt_.struct_offset_;
  const u32 size = fdt_.struct_size_;
  FdtToken token;
  for (;;) {
    if (finished_) {
      token.kind = FdtToken::Kind::end;
      return token;
    }
    if (size - offset_ < 4 || offset_ > size) return fail("structure block ends without FDT_END");
    u32 tag = be32(base + offset_);
    offset_ += 4;
    switch (tag) {
      case kNop:
        continue;
      case kBeginNode: {
        const char* name = reinterpret_cast<const char*>(base + offset_);
        usize len = strnlen(name, size - offset_);
        if (len == size - offset_) return fail("node name not terminated");
        offset_ = align_up<u32>(offset_ + u32(len) + 1, 4);
        if (++depth_ >= kFdtMaxDepth) return fail("nodes nested too deeply");
        token.kind = FdtToken::Kind::begin_node;
        token.name = name;
        token.depth = depth_;
        return token;
      }
      case kEndNode:
        if (depth_ < 0) return fail("unbalanced FDT_END_NODE");
        token.kind = FdtToken::Kind::end_node;
        token.depth = depth_--;
        return token;
      case kProp: {
        if (depth_ < 0) return fail("property outside any node");
        if (size - offset_ < 8) return fail("truncated property header");
        u32 length = be32(base + offset_);
        u32 name_offset = be32(base + offset_ + 4);
        offset_ += 8;
        if (length > size - offset_) return fail("property value runs past the structure block");
        if (name_offset >= fdt_.strings_size_) return fail("property name offset outside strings");
        const char* name = reinterpret_cast<const char*>(fdt_.blob_ + fdt_.strings_offset_ + name_offset);
        if (strnlen(name, fdt_.strings_size_ - name_offset) == fdt_.strings_size_ - name_offset)
          return fail("property name not terminated");
        token.kind = FdtToken::Kind::property;
        token.name = name;
        token.data = base + offset_;
        token.length = length;
        token.depth = depth_;
        offset_ = align_up<u32>(offset_ + length, 4);
        if (offset_ > size) offset_ = size;
        return token;
      }
      case kEnd:
        if (depth_ != -1) return fail("FDT_END inside a node");
        finished_ = true;
        continue;
      default:
        return fail("unknown structure token");
    }
  }
}

namespace {

// Does node `name` match path component `want` ("cpus" matches "cpus", "cpu@0" matches "cpu")?
bool component_matches(const char* name, const char* want, usize want_len) {
  if (strncmp(name, want, want_len) != 0) return false;
  return name[want_len] == '\0' || (name[want_len] == '@' && !find_char(want, want_len, '@'));
}

}  // namespace

Result<FdtToken> Fdt::find_property(const char* node_path, const char* name) const {
  // Match the path one component per depth; `matched` = how many components matched.
  const char* components[kFdtMaxDepth];
  usize lengths[kFdtMaxDepth];
  int count = 0;
  for (const char* p = node_path; *p;) {
    while (*p == '/') p++;
    if (!*p) break;
    if (count == kFdtMaxDepth) return Error::invalid;
    const char* end = p;
    while (*end && *end != '/') end++;
    components[count] = p;
    lengths[count++] = usize(end - p);
    p = end;
  }
  int matched = 0;
  FdtCursor c = cursor();
  for (;;) {
    Result<FdtToken> r = c.next();
    if (!r.ok()) return r.error();
    FdtToken t = r.value();
    switch (t.kind) {
      case FdtToken::Kind::end:
        return Error::not_found;
      case FdtToken::Kind::begin_node:
        if (t.depth >= 1 && t.depth == matched + 1 && matched < count &&
            component_matches(t.name, components[matched], lengths[matched]))
          matched++;
        break;
      case FdtToken::Kind::end_node:
        if (t.depth <= matched && t.depth >= 1) matched = t.depth - 1;
        break;
      case FdtToken::Kind::property:
        if (matched == count && t.depth == count && strcmp(t.name, name) == 0) return t;
        break;
    }
  }
}

namespace {
u32 root_cells(const Fdt& fdt, const char* name, u32 fallback) {
  Result<FdtToken> t = fdt.find_property("/", name);
  if (!t.ok() || t.value().length != 4) return fallback;
  return be32(t.value().data);
}
}  // namespace

u32 Fdt::root_address_cells() const { return root_cells(*this, "#address-cells", 2); }
u32 Fdt::root_size_cells() const { return root_cells(*this, "#size-cells", 1); }

Result<u32> fdt_count_harts(const Fdt& fdt) {
  FdtCursor c = fdt.cursor();
  bool in_cpus = false;
  u32 harts = 0;
  for (;;) {
    Result<FdtToken> r = c.next();
    if (!r.ok()) return r.error();
    FdtToken t = r.value();
    if (t.kind == FdtToken::Kind::end) break;
    if (t.kind == FdtToken::Kind::begin_node && t.depth == 1) in_cpus = strcmp(t.name, "cpus") == 0;
    if (t.kind == FdtToken::Kind::begin_node && t.depth == 2 && in_cpus && starts_with(t.name, "cpu@")) harts++;
  }
  return harts;
}
