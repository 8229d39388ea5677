// kernel/payload_map.cc: mapping the payload into a page table. Layer: kernel/sched.
// (Lab 04 hole.)
#include "kernel/payload.hh"

Error payload_map_into(PageTable& table, const PayloadImage& image, bool for_user) {
  // TODO(lab04): map page i of the payload (VA kPayloadBase + i * kPageSize, frame
  // image.frames[i], i < image.pages) with the flags of the section it lies in, using
  // the section bounds of image.header (rodata_start/rodata_end, text_start/text_end,
  // data_start/end):
  //              kernel table          user table
  //   rodata     R                     R | U
  //   text       R | X                 X | U        (execute-only: users cannot read it)
  //   data       R | W                 R | W | U    (the seed's admitted flaw)
  // Never pte::owned (the frames are shared by every table) and never global (the same
  // VA has different flags in different tables).
  (void)table, (void)image, (void)for_user;
  return Error::not_implemented;
}
