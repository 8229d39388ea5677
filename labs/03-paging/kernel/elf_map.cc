// kernel/elf_map.cc: copying an executable's segments into fresh user pages.
// Layer: kernel/proc (exec). Lab 03 hole: see labs/03-paging/README.md, task "elf_map".
#include "kernel/elf_loader.hh"
#include "lib/elf.hh"
#include "lib/string.hh"

// elf_map(table, data, image): see kernel/elf_loader.hh.
Error elf_map(PageTable& table, const u8* data, const ElfImage& image) {
  // TODO(lab03): for every segment s of image, for every page from
  // align_down(s.vaddr, kPageSize) up to align_up(s.vaddr + s.memsz, kPageSize):
  //  - take a frame with frame_alloc() (it comes zeroed; pass on its error);
  //  - copy into it the file bytes data[s.offset, s.offset + s.filesz) that land in
  //    this page: byte k of the segment goes to virtual address s.vaddr + k. Bytes of
  //    the page outside [s.vaddr, s.vaddr + s.filesz) stay zero (that is the .bss);
  //  - map it with table.map(page, frame, flags): flags = pte::U | pte::owned, plus
  //    pte::R / pte::W / pte::X for elf::PF_R / PF_W / PF_X. If map fails, free the
  //    frame (it is not in the table) and return the error.
  // elf_check has refused segments that share a page, so each page is mapped once.
  (void)table;
  (void)data;
  (void)image;
  return Error::not_implemented;
}
