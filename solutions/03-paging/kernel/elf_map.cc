// kernel/elf_map.cc: copying an executable's segments into fresh user pages.
// Layer: kernel/proc (exec). Reference solution of the lab 03 hole.
#include "kernel/elf_loader.hh"
#include "lib/elf.hh"
#include "lib/string.hh"

// elf_map(table, data, image): see kernel/elf_loader.hh.
Error elf_map(PageTable& table, const u8* data, const ElfImage& image) {
  for (u32 i = 0; i < image.count; i++) {
    const ElfSegment& s = image.segments[i];
    u64 flags = pte::U | pte::owned;
    if (s.flags & elf::PF_R) flags |= pte::R;
    if (s.flags & elf::PF_W) flags |= pte::W;
    if (s.flags & elf::PF_X) flags |= pte::X;
    u64 file_end = s.vaddr + s.filesz;  // virtual addresses with bytes from the file
    for (u64 page = align_down(s.vaddr, kPageSize); page < s.vaddr + s.memsz; page += kPageSize) {
      Result<u64> frame = frame_alloc();
      if (!frame.ok()) return frame.error();
      u64 from = max_of(page, s.vaddr), to = min_of(page + kPageSize, file_end);
      if (from < to)
        memcpy(reinterpret_cast<u8*>(frame.value()) + (from - page), data + s.offset + (from - s.vaddr), to - from);
      Error e = table.map(page, frame.value(), flags);
      if (e != Error::ok) {
        frame_free(frame.value());
        return e;
      }
    }
  }
  return Error::ok;
}
