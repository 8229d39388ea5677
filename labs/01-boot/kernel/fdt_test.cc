// kernel/fdt_test.cc: host unit test of the device-tree reader (kernel/fdt.cc and the
// lab 01 fdt_find_memory). It reads QEMU virt's real DTB (argv[1], dumped by
// `make host-test`), then feeds thousands of seeded corruptions of it to the parser
// under AddressSanitizer: every one must give a clean error or sane values, never a
// read outside the blob.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host_check.hh"
#include "lib/string.cc"
#include "kernel/fdt.cc"
#include "kernel/fdt_memory.cc"
#include "lib/random.hh"

static unsigned char* load(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return nullptr;
  static unsigned char buf[1 << 20];
  *size = fread(buf, 1, sizeof buf, f);
  fclose(f);
  return buf;
}

int main(int argc, char** argv) {
  size_t size = 0;
  unsigned char* original = argc > 1 ? load(argv[1], &size) : nullptr;
  if (!original) {
    fprintf(stderr, "fdt_test: usage: fdt_test virt.dtb (make host-test dumps one from QEMU)\n");
    return 2;
  }
  // The real tree: 128 MiB at 0x80000000, one hart, bootargs as given to QEMU.
  {
    void* copy = aligned_alloc(8, (size + 7) & ~size_t(7));
    memcpy(copy, original, size);
    Result<Fdt> fdt = Fdt::create(copy);
    CHECK(fdt.ok());
    if (fdt.ok()) {
      Result<MemoryRange> mem = fdt_find_memory(fdt.value());
      CHECK(mem.ok() && mem.value().base == 0x80000000 && mem.value().size == (128u << 20));
      CHECK(fdt_count_harts(fdt.value()).value_or(0) == 1);
      Result<FdtToken> args = fdt.value().find_property("/chosen", "bootargs");
      CHECK(args.ok() && strcmp(reinterpret_cast<const char*>(args.value().data), "host-test") == 0);
      CHECK(!fdt.value().find_property("/chosen", "no-such-property").ok());
      CHECK(fdt.value().root_address_cells() == 2 && fdt.value().root_size_cells() == 2);
    }
    free(copy);
  }
  // Corruptions: flipped bytes, smashed header fields, truncation. The copy is exactly
  // the blob's size, so ASan catches any read past it.
  SplitMix64 rng(0xfd7);
  int rejected = 0, accepted = 0;
  for (int round = 0; round < 20000; round++) {
    size_t n = size;
    if (round % 5 == 0) n = 40 + rng.below(size - 40);  // truncated blob
    unsigned char* copy = static_cast<unsigned char*>(aligned_alloc(8, (n + 7) & ~size_t(7)));
    memcpy(copy, original, n);
    if (n < size) {  // a truncated blob must not claim more than it has
      copy[4] = u8(n >> 24), copy[5] = u8(n >> 16), copy[6] = u8(n >> 8), copy[7] = u8(n);
    }
    int flips = 1 + int(rng.below(4));
    for (int i = 0; i < flips; i++) {
      size_t at = (round % 3 == 0) ? rng.below(40) : rng.below(n);
      copy[at] ^= u8(1u << rng.below(8));
    }
    Result<Fdt> fdt = Fdt::create(copy);
    if (!fdt.ok()) {
      rejected++;
    } else {
      accepted++;
      (void)fdt_find_memory(fdt.value());
      (void)fdt_count_harts(fdt.value());
      (void)fdt.value().find_property("/chosen", "bootargs");
      (void)fdt.value().find_property("/cpus/cpu@0", "reg");
    }
    free(copy);
  }
  CHECK(rejected > 1000);  // most corruptions are noticed
  printf("fdt_test: %d corrupted trees rejected, %d parsed without harm\n", rejected, accepted);
  return host_check_summary("fdt_test");
}
