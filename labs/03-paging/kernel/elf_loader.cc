// kernel/elf_loader.cc: checking an ELF executable before anything is mapped, and the
// user stack. Layer: kernel/proc (exec). The file comes from outside the kernel: every
// field is checked, every sum is checked for overflow, and the headers are copied out
// with memcpy because the file need not be aligned. elf_map is in kernel/elf_map.cc.
#include "kernel/elf_loader.hh"
#include "lib/elf.hh"
#include "lib/string.hh"

namespace {

Error refuse(const char** why, const char* reason) {
  if (why) *why = reason;
  return Error::invalid;
}

// Checks one PT_LOAD header against the file and the user address space; null if fine.
const char* check_segment(const elf::Phdr& ph, u64 size) {
  if (ph.p_filesz > ph.p_memsz) return "segment filesz > memsz";
  if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset) return "segment data outside the file";
  if (ph.p_vaddr % kPageSize != ph.p_offset % kPageSize) return "segment vaddr and offset differ mod 4096";
  if (ph.p_vaddr < kUserBase || ph.p_vaddr > kUserImageTop || ph.p_memsz > kUserImageTop - ph.p_vaddr)
    return "segment outside user memory";
  if ((ph.p_flags & elf::PF_W) && (ph.p_flags & elf::PF_X)) return "segment writable and executable";
  if (!(ph.p_flags & (elf::PF_R | elf::PF_X))) return "segment neither readable nor executable";
  if ((ph.p_flags & elf::PF_W) && !(ph.p_flags & elf::PF_R)) return "segment writable but not readable";
  return nullptr;
}

// Do the pages of [a, a + a_size) and [b, b + b_size) (both non-empty) meet?
bool share_page(u64 a, u64 a_size, u64 b, u64 b_size) {
  u64 a_first = align_down(a, kPageSize), a_end = align_up(a + a_size, kPageSize);
  u64 b_first = align_down(b, kPageSize), b_end = align_up(b + b_size, kPageSize);
  return a_first < b_end && b_first < a_end;
}

}  // namespace

Result<ElfImage> elf_check(const u8* data, u64 size, const char** why) {
  if (!data || size < sizeof(elf::Ehdr)) return refuse(why, "file smaller than an ELF header");
  elf::Ehdr eh;
  memcpy(&eh, data, sizeof eh);
  if (eh.e_ident[elf::EI_MAG0] != elf::ELFMAG0 || eh.e_ident[1] != elf::ELFMAG1 || eh.e_ident[2] != elf::ELFMAG2 ||
      eh.e_ident[3] != elf::ELFMAG3)
    return refuse(why, "bad ELF magic");
  if (eh.e_ident[elf::EI_CLASS] != elf::ELFCLASS64) return refuse(why, "not a 64-bit ELF (ELFCLASS64)");
  if (eh.e_ident[elf::EI_DATA] != elf::ELFDATA2LSB) return refuse(why, "not little-endian");
  if (eh.e_ident[elf::EI_VERSION] != elf::EV_CURRENT || eh.e_version != elf::EV_CURRENT)
    return refuse(why, "bad ELF version");
  if (eh.e_machine != elf::EM_RISCV) return refuse(why, "not a RISC-V file (EM_RISCV)");
  if (eh.e_type != elf::ET_EXEC) return refuse(why, "not an executable (ET_EXEC)");
  if (eh.e_phentsize != sizeof(elf::Phdr)) return refuse(why, "bad program header size");
  if (eh.e_phoff > size || u64(eh.e_phnum) * sizeof(elf::Phdr) > size - eh.e_phoff)
    return refuse(why, "program headers outside the file");

  ElfImage image{};
  image.entry = eh.e_entry;
  bool entry_ok = false;
  for (u32 i = 0; i < eh.e_phnum; i++) {
    elf::Phdr ph;
    memcpy(&ph, data + eh.e_phoff + u64(i) * sizeof ph, sizeof ph);
    if (ph.p_type == elf::PT_INTERP || ph.p_type == elf::PT_DYNAMIC) return refuse(why, "not a static executable");
    if (ph.p_type != elf::PT_LOAD || ph.p_memsz == 0) continue;
    if (image.count == kMaxElfSegments) return refuse(why, "more than 8 loadable segments");
    if (const char* reason = check_segment(ph, size)) return refuse(why, reason);
    for (u32 j = 0; j < image.count; j++)
      if (share_page(ph.p_vaddr, ph.p_memsz, image.segments[j].vaddr, image.segments[j].memsz))
        return refuse(why, "segments overlap (share a page)");
    image.segments[image.count++] = ElfSegment{ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_flags};
    if ((ph.p_flags & elf::PF_X) && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz)
      entry_ok = true;
  }
  if (image.count == 0) return refuse(why, "no loadable segment");
  if (!entry_ok) return refuse(why, "entry point not in an executable segment");
  if (why) *why = nullptr;
  return image;
}

Error map_user_stack(PageTable& table) {
  for (u64 i = 1; i <= kUserStackPages; i++) {
    Result<u64> frame = frame_alloc();
    if (!frame.ok()) return frame.error();
    Error e = table.map(kUserStackTop - i * kPageSize, frame.value(), pte::R | pte::W | pte::U | pte::owned);
    if (e != Error::ok) {
      frame_free(frame.value());
      return e;
    }
  }
  return Error::ok;
}
