// kernel/elf_test.cc: host unit test of the ELF loader (kernel/elf_loader.cc and your
// kernel/elf_map.cc), under AddressSanitizer. Builds executables in memory; elf_check
// must accept the valid ones and refuse, with a reason, every seeded mutation that
// breaks a rule, never reading outside the file. elf_map (once it and the page walk are
// implemented) must put the right bytes at the right addresses with the right flags.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host_check.hh"
#include "kernel/elf_loader.cc"
#include "kernel/elf_map.cc"
#include "kernel/frame_alloc.cc"
#include "kernel/page_table.cc"
#include "kernel/page_walk.cc"
#include "lib/error.cc"
#include "lib/random.hh"

void panic(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vfprintf(stderr, fmt, args);
  abort();
}

using elf::PF_R, elf::PF_W, elf::PF_X;
constexpr u64 kMaxFile = 0x4000;

// An executable before it is laid out: the header, program headers and file size.
// layout() writes the file: seeded content, the header at 0, the headers at e_phoff.
struct Spec {
  elf::Ehdr eh;
  elf::Phdr ph[12];
  u64 size;
};
static u8 g_file[kMaxFile];

static elf::Phdr load(u64 vaddr, u64 offset, u64 filesz, u64 memsz, u32 flags) {
  return elf::Phdr{elf::PT_LOAD, flags, offset, vaddr, vaddr, filesz, memsz, kPageSize};
}

// Text (2 pages, from offset 0, headers included), rodata (2 pages), a non-load
// header, data + bss (4 pages, starting mid-page). The file ends with the data's bytes.
static Spec valid_spec() {
  Spec s{};
  const u8 ident[] = {0x7f, 'E', 'L', 'F', elf::ELFCLASS64, elf::ELFDATA2LSB, 1};
  memcpy(s.eh.e_ident, ident, sizeof ident);
  s.eh.e_type = elf::ET_EXEC, s.eh.e_machine = elf::EM_RISCV, s.eh.e_version = 1;
  s.eh.e_entry = 0x10100, s.eh.e_phoff = sizeof(elf::Ehdr), s.eh.e_ehsize = sizeof(elf::Ehdr);
  s.eh.e_phentsize = sizeof(elf::Phdr), s.eh.e_phnum = 4;
  s.ph[0] = load(0x10000, 0, 0x1800, 0x1800, PF_R | PF_X);
  s.ph[1] = load(0x12800, 0x1800, 0x900, 0x900, PF_R);
  s.ph[2] = elf::Phdr{elf::PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16};
  s.ph[3] = load(0x15100, 0x2100, 0x500, 0x3000, PF_R | PF_W);
  s.size = 0x2600;
  return s;
}
static const int kLoads[3] = {0, 1, 3};  // the PT_LOAD headers of valid_spec

static void layout(const Spec& s) {
  SplitMix64 content(42);
  for (u64 i = 0; i < kMaxFile; i++) g_file[i] = u8(content.next());
  memcpy(g_file, &s.eh, sizeof s.eh);
  for (u64 i = 0; i < s.eh.e_phnum && i < ARRAY_SIZE(s.ph); i++)
    if (s.eh.e_phoff < kMaxFile && (i + 1) * sizeof(elf::Phdr) <= kMaxFile - s.eh.e_phoff)
      memcpy(g_file + s.eh.e_phoff + i * sizeof(elf::Phdr), &s.ph[i], sizeof(elf::Phdr));
}

// check(s, shift): elf_check on an exact-size heap copy of the file, `shift` bytes past
// an aligned address, so ASan sees any read past its end and UBSan any unaligned one.
static Result<ElfImage> check(const Spec& s, const char** why, u64 shift = 0) {
  layout(s);
  u8* block = static_cast<u8*>(malloc(s.size + shift + 1));
  memcpy(block + shift, g_file, s.size);
  Result<ElfImage> r = elf_check(block + shift, s.size, why);
  free(block);
  return r;
}

// Invariants of an accepted image, checked independently of elf_check.
static bool image_sane(const ElfImage& im, u64 size) {
  if (im.count == 0 || im.count > kMaxElfSegments) return false;
  bool entry_ok = false;
  for (u32 i = 0; i < im.count; i++) {
    const ElfSegment& g = im.segments[i];
    if (g.filesz > g.memsz || g.offset > size || size - g.offset < g.filesz) return false;
    if (g.vaddr < kUserBase || g.vaddr >= kUserImageTop || kUserImageTop - g.vaddr < g.memsz) return false;
    if (g.vaddr % kPageSize != g.offset % kPageSize || ((g.flags & PF_W) && (g.flags & PF_X))) return false;
    if (!(g.flags & (PF_R | PF_X)) || ((g.flags & PF_W) && !(g.flags & PF_R))) return false;
    for (u32 j = 0; j < i; j++) {
      const ElfSegment& h = im.segments[j];
      if (align_down(g.vaddr, kPageSize) < align_up(h.vaddr + h.memsz, kPageSize) &&
          align_down(h.vaddr, kPageSize) < align_up(g.vaddr + g.memsz, kPageSize))
        return false;
    }
    entry_ok |= (g.flags & PF_X) && im.entry >= g.vaddr && im.entry - g.vaddr < g.memsz;
  }
  return entry_ok;
}

// A mutation breaks one rule, drawing its details from rng; `reason` is part of the
// expected refusal (null: any reason).
struct Mutation {
  const char *name, *reason;
  void (*apply)(Spec& s, SplitMix64& rng);
};
static elf::Phdr& some_load(Spec& s, SplitMix64& rng) { return s.ph[kLoads[rng.below(3)]]; }
template <typename T> static T other_than(SplitMix64& rng, T good) {
  T v = T(rng.next());
  return v == good ? T(~good) : v;
}
// n one-page text segments, two pages apart.
static void many_segments(Spec& s, int n) {
  s.eh.e_phnum = u16(n), s.eh.e_entry = 0x10080;
  for (int i = 0; i < n; i++) s.ph[i] = load(0x10000 + i * 0x2000, 0, 0x100, 0x100, PF_R | PF_X);
}
static u64 in_page_of(const elf::Phdr& ph, u64 page) { return align_down(page, kPageSize) + ph.p_offset % kPageSize; }

static const Mutation kMutations[] = {
    {"magic", "magic", [](Spec& s, SplitMix64& r) { s.eh.e_ident[r.below(4)] ^= u8(1 + r.below(255)); }},
    {"class", "64-bit", [](Spec& s, SplitMix64& r) { s.eh.e_ident[elf::EI_CLASS] = other_than<u8>(r, 2); }},
    {"endian", "endian", [](Spec& s, SplitMix64& r) { s.eh.e_ident[elf::EI_DATA] = other_than<u8>(r, 1); }},
    {"version", "version", [](Spec& s, SplitMix64& r) {
       if (r.below(2)) s.eh.e_ident[elf::EI_VERSION] = other_than<u8>(r, 1);
       else s.eh.e_version = other_than<u32>(r, 1);
     }},
    {"machine", "RISC-V", [](Spec& s, SplitMix64& r) { s.eh.e_machine = other_than<u16>(r, elf::EM_RISCV); }},
    {"type", "ET_EXEC", [](Spec& s, SplitMix64& r) { s.eh.e_type = other_than<u16>(r, elf::ET_EXEC); }},
    {"phentsize", "header size", [](Spec& s, SplitMix64& r) { s.eh.e_phentsize = other_than<u16>(r, 56); }},
    {"phoff", "program headers outside", [](Spec& s, SplitMix64& r) {
       u64 pick = r.below(3);
       if (pick == 0) s.eh.e_phoff = ~0ull - r.below(1000);  // phoff + table wraps around
       if (pick == 1) s.eh.e_phoff = s.size - 1 - r.below(4 * 56 - 1);  // table runs off the end
       if (pick == 2) s.eh.e_phnum = u16(0x8000 + r.below(0x8000));
     }},
    {"no-load", "no loadable", [](Spec& s, SplitMix64& r) {
       u64 pick = r.below(3);  // no PT_LOAD, only empty ones, or no program headers at all
       for (int i : kLoads) {
         if (pick == 0) s.ph[i].p_type = elf::PT_NOTE;
         if (pick == 1) s.ph[i].p_memsz = s.ph[i].p_filesz = 0;
       }
       if (pick == 2) s.eh.e_phnum = 0;
     }},
    {"memsz<filesz", "filesz > memsz", [](Spec& s, SplitMix64& r) {
       elf::Phdr& ph = some_load(s, r);
       ph.p_memsz = ph.p_filesz - 1 - r.below(ph.p_filesz);
       if (ph.p_memsz == 0) ph.p_memsz = 1;
     }},
    {"past-file", "outside the file", [](Spec& s, SplitMix64& r) {
       elf::Phdr& ph = some_load(s, r);
       if (r.below(2)) {
         ph.p_filesz = s.size - ph.p_offset + 1 + r.below(0x1000);
         ph.p_memsz = ph.p_filesz;
       } else {
         ph.p_offset = ~0ull - r.below(1 << 20) * kPageSize - (kPageSize - ph.p_vaddr % kPageSize) + 1;
       }
     }},
    {"congruence", "mod 4096", [](Spec& s, SplitMix64& r) { some_load(s, r).p_vaddr += 1 + r.below(kPageSize - 1); }},
    {"user-range", "outside user", [](Spec& s, SplitMix64& r) {
       elf::Phdr& ph = some_load(s, r);
       u64 pick = r.below(4);
       if (pick == 0) ph.p_vaddr = in_page_of(ph, kUserTop + r.below(1ull << 40) * kPageSize);  // kernel
       if (pick == 1) ph.p_vaddr = in_page_of(ph, ~0ull - r.below(4) * kPageSize);  // vaddr + memsz wraps
       if (pick == 2) ph.p_vaddr = in_page_of(ph, kUserImageTop - r.below(2) * kPageSize);  // into the guard
       if (pick == 3) ph.p_vaddr = in_page_of(ph, r.below(kUserBase / kPageSize) * kPageSize);  // below the base
     }},
    {"w+x", "writable and executable", [](Spec& s, SplitMix64& r) { some_load(s, r).p_flags |= PF_R | PF_W | PF_X; }},
    {"no-r-or-x", "neither readable", [](Spec& s, SplitMix64& r) { some_load(s, r).p_flags = r.below(2) ? PF_W : 0; }},
    {"overlap", "overlap", [](Spec& s, SplitMix64& r) {
       int a = int(r.below(3)), b = int((a + 1 + r.below(2)) % 3);
       elf::Phdr &moved = s.ph[kLoads[a]], &other = s.ph[kLoads[b]];
       moved.p_vaddr = in_page_of(moved, other.p_vaddr + r.below(other.p_memsz));
     }},
    {"entry", "entry", [](Spec& s, SplitMix64& r) {
       const u64 outside[] = {0, 0x9ffc, 0x11800, 0x12800, 0x12900, 0x15100, 0x17ffc, kUserTop, ~0ull};
       s.eh.e_entry = outside[r.below(ARRAY_SIZE(outside))];
     }},
    {"too-many", "more than 8", [](Spec& s, SplitMix64& r) { many_segments(s, int(9 + r.below(3))); }},
    {"interp", "static", [](Spec& s, SplitMix64& r) { s.ph[2].p_type = r.below(2) ? elf::PT_INTERP : elf::PT_DYNAMIC; }},
    {"truncated", nullptr, [](Spec& s, SplitMix64& r) { s.size = r.below(s.size); }},
};

static void test_check() {
  const char* why = "unset";
  Result<ElfImage> r = check(valid_spec(), &why);
  CHECK(r.ok() && why == nullptr);
  const ElfImage im = r.value();
  Spec s = valid_spec();
  CHECK(im.entry == 0x10100 && im.count == 3 && image_sane(im, s.size));
  for (int i = 0; i < 3; i++) {
    const ElfSegment& g = im.segments[i];
    const elf::Phdr& ph = s.ph[kLoads[i]];
    CHECK(g.vaddr == ph.p_vaddr && g.memsz == ph.p_memsz && g.offset == ph.p_offset && g.filesz == ph.p_filesz &&
          g.flags == ph.p_flags);
  }
  CHECK(!elf_check(nullptr, 0, nullptr).ok());  // why may be null
  // Valid variants: unaligned headers and file, an empty PT_LOAD, 8 segments, the edges.
  s.eh.e_phoff = 0x2003;
  CHECK(check(s, &why, 3).ok());
  s = valid_spec();
  s.ph[2] = load(0x20000, 0, 0, 0, PF_R);
  CHECK(check(s, &why).ok() && check(s, &why).value().count == 3);
  many_segments(s, 9);
  s.ph[8].p_type = elf::PT_NOTE;
  CHECK(check(s, &why).ok() && check(s, &why).value().count == 8);
  s = valid_spec();
  s.ph[3].p_vaddr = kUserImageTop - s.ph[3].p_memsz;  // ends exactly at the guard page
  s.ph[3].p_offset = s.ph[3].p_vaddr % kPageSize, s.ph[3].p_filesz = 0x100;
  s.ph[0].p_vaddr = kUserBase;
  CHECK(check(s, &why).ok());

  // Every mutation, many seeds: refused, with the expected reason.
  SplitMix64 rng(0xe1f);
  for (const Mutation& m : kMutations) {
    int wrong = 0;
    for (int round = 0; round < 300; round++) {
      s = valid_spec();
      m.apply(s, rng);
      why = nullptr;
      r = check(s, &why, rng.below(8));
      bool refused = !r.ok() && r.error() == Error::invalid && why && *why;
      if (!refused || (m.reason && !strstr(why, m.reason))) {
        if (wrong++ == 0) fprintf(stderr, "mutation %s (round %d): %s\n", m.name, round, refused ? why : "accepted");
      }
    }
    CHECK(wrong == 0);
  }
  CHECK(!check(Spec{valid_spec().eh, {}, 63}, &why).ok() && strstr(why, "smaller"));

  // Random damage to the headers (and truncation): refused with a reason, or sane.
  int accepted = 0, refused = 0;
  layout(valid_spec());
  for (int round = 0; round < 20000; round++) {
    u8 file[0x2600];
    memcpy(file, g_file, sizeof file);
    int flips = 1 + int(rng.below(4));
    for (int f = 0; f < flips; f++) {
      u64 at = rng.below(64 + 4 * 56);
      if (rng.below(2)) {
        file[at] ^= u8(1 + rng.below(255));
      } else {
        const u64 values[] = {0, ~0ull, 0x2600, kUserTop, kUserImageTop, rng.next(), rng.below(0x3000)};
        u64 v = values[rng.below(ARRAY_SIZE(values))];
        memcpy(file + align_down(at, u64(8)), &v, 8);
      }
    }
    u64 size = round % 4 == 0 ? rng.below(sizeof file) : sizeof file;
    u8* copy = static_cast<u8*>(malloc(size + 1));
    memcpy(copy, file, size);
    why = nullptr;
    r = elf_check(copy, size, &why);
    free(copy);
    if (r.ok()) {
      accepted++;
      CHECK(image_sane(r.value(), size));
    } else {
      refused++;
      CHECK(r.error() == Error::invalid && why && *why);
    }
  }
  CHECK(accepted > 100 && refused > 100);
}

// The bytes elf_map should have put at va (file bytes, or zero past filesz).
static u8 expected_byte(const ElfImage& im, u64 va) {
  for (u32 i = 0; i < im.count; i++) {
    const ElfSegment& g = im.segments[i];
    if (va >= g.vaddr && va < g.vaddr + g.filesz) return g_file[g.offset + (va - g.vaddr)];
  }
  return 0;
}

constexpr u64 kRamSize = 4 << 20;
alignas(4096) static u8 g_ram[kRamSize];
static void ram_init(u64 bytes) { frame_alloc_init(reinterpret_cast<uptr>(g_ram), reinterpret_cast<uptr>(g_ram) + bytes); }

static void test_map() {
  ram_init(kRamSize);
  const u64 start = frames_free();
  const char* why = nullptr;
  const ElfImage im = check(valid_spec(), &why).value();  // leaves the file in g_file
  PageTable table = PageTable::create().value();
  CHECK(elf_map(table, g_file, im) == Error::ok);
  CHECK(map_user_stack(table) == Error::ok);
  // Every page of [0x10000, 0x19000) and the stack area: mapped exactly where expected.
  struct Expect { u64 first, end, flags; };
  const Expect expect[] = {{0x10000, 0x12000, pte::R | pte::X}, {0x12000, 0x14000, pte::R},
                           {0x15000, 0x19000, pte::R | pte::W}, {kUserStackGuard + kPageSize, kUserStackTop, pte::R | pte::W}};
  const u64 probes[] = {0xf000, 0x14000, 0x19000, kUserStackGuard, kUserStackTop, 0};
  for (const Expect& e : expect)
    for (u64 page = e.first; page < e.end; page += kPageSize) {
      u64 flags = 0;
      Result<u64> pa = table.translate(page, &flags);
      CHECK(pa.ok() && flags == (e.flags | pte::U | pte::owned | pte::V | pte::A | pte::D));
      if (!pa.ok()) continue;
      bool same = true;
      for (u64 k = 0; k < kPageSize; k++)
        same &= reinterpret_cast<const u8*>(pa.value())[k] == (page >= kUserStackGuard ? 0 : expected_byte(im, page + k));
      CHECK(same);
    }
  for (u64 va : probes) CHECK(table.translate(va).error() == Error::not_found);
  CHECK(frames_free() == start - (2 + 2 + 4 + kUserStackPages) - table.count_table_frames());
  table.destroy();
  CHECK(frames_free() == start);

  // A page already taken: the error comes back and nothing leaks.
  table = PageTable::create().value();
  CHECK(table.map(0x15000, 0x1000, pte::R) == Error::ok);
  CHECK(elf_map(table, g_file, im) == Error::exists);
  table.destroy();
  CHECK(frames_free() == start);

  // Out of memory at every possible point: an error, and destroy gives everything back.
  for (u64 frames = 1; frames < 24; frames++) {
    ram_init((frames + 1) * kPageSize);
    Result<PageTable> t = PageTable::create();
    if (!t.ok()) continue;
    table = t.value();
    Error e = elf_map(table, g_file, im);
    if (e == Error::ok) e = map_user_stack(table);
    CHECK(e == (frames >= 15 ? Error::ok : Error::no_memory));  // 3 tables (all in the first 2 MiB), 12 pages
    table.destroy();
    CHECK(frames_free() == frames_total());
  }
}

int main() {
  test_check();
  ram_init(kRamSize);
  PageTable probe = PageTable::create().value();
  Error walk = probe.walk(0x10000, true).error();
  Error map = Error::not_implemented;
  if (walk != Error::not_implemented) {
    const char* why = nullptr;
    map = elf_map(probe, g_file, check(valid_spec(), &why).value());
  }
  probe.destroy();
  if (map == Error::not_implemented) {
    printf("elf_test: skipped elf_map: %s not implemented (elf_check tested)\n",
           walk == Error::not_implemented ? "page_walk" : "elf_map");
    return host_check_summary("elf_test (elf_check only)");
  }
  test_map();
  return host_check_summary("elf_test");
}
