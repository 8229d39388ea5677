// lib/payload_check_test.cc: host unit test of payload_check_header (lib/payload_check.cc).
// Builds a well-formed payload image in memory (the layout of payload/payload.ld), then
// breaks one thing at a time: each must be refused, with a reason that names it. Then
// seeded random bytes over the header: never an access outside the image (ASan).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host_check.hh"
#include "lib/payload_check.cc"
#include "lib/random.hh"

constexpr u64 kPage = kPayloadPageSize, kBase = kPayloadBase;
constexpr u64 kSize = 4 * kPage;  // rodata, 2 pages of text, data

static PayloadHeader good_header() {
  PayloadHeader h{};
  h.magic = kPayloadMagic;
  h.abi_major = kPayloadAbiMajor;
  h.abi_minor = kPayloadAbiMinor;
  h.header_size = sizeof(PayloadHeader);
  h.entry_count = kPayloadEntryCount;
  h.rodata_start = kBase;
  h.rodata_end = h.text_start = kBase + kPage;
  h.text_end = h.data_start = kBase + 3 * kPage;
  h.end = kBase + kSize;
  h.state = h.data_start + 64;
  h.state_size = 2048;
  h.ready_summary = h.state + 8;
  h.capacity = kPayloadMaxTasks;
  h.levels = kPayloadLevels;
  memcpy(h.name, "prio", 4);
  u64* e = &h.entries.init;
  for (u32 i = 0; i < kPayloadEntryCount; i++) e[i] = h.text_start + 0x40 * i + 2;
  h.yield_task = h.text_start + 0x40 * kPayloadEntryCount + 2;
  return h;
}

static unsigned char* g_image;  // kSize bytes, exactly (ASan guards both ends)

// check(h, size): h written at the image's start, then checked.
static PayloadCheck check(const PayloadHeader& h, u64 size = kSize, u16 required_minor = kPayloadAbiMinor) {
  memcpy(g_image, &h, sizeof h);
  return payload_check_header(g_image, size, kBase, required_minor);
}

// refused(h, word): refused, with a reason that contains `word`.
static bool refused(const PayloadCheck& r, const char* word) {
  bool ok = !r.ok && r.reason && strstr(r.reason, word);
  if (!ok) fprintf(stderr, "  expected a refusal naming '%s', got %s: %s\n", word, r.ok ? "ok" : "refused", r.reason);
  return ok;
}

int main() {
  g_image = static_cast<unsigned char*>(malloc(kSize));
  memset(g_image, 0, kSize);
  PayloadHeader h = good_header();
  PayloadCheck r = check(h);
  if (!r.ok && strstr(r.reason, "not implemented")) {
    printf("payload_check_test: skipped: payload_check_header not implemented\n");
    return 0;
  }
  CHECK(r.ok && strcmp(r.reason, "ok") == 0);
  CHECK(check(h, kSize, 0).ok);  // a newer minor than required is fine
  h.abi_minor = 3, h.header_size = sizeof(PayloadHeader) + 16, h.entry_count = kPayloadEntryCount + 2;
  CHECK(check(h).ok);  // a later minor: bigger header, more entries
  // Misaligned image: the header is copied, not cast.
  memcpy(g_image + 1, &h, sizeof h);
  CHECK(payload_check_header(g_image + 1, kSize - 1, kBase).ok == false);  // size no longer covers `end`

  CHECK(refused(payload_check_header(nullptr, kSize, kBase), "no image"));
  CHECK(refused(check(good_header(), sizeof(PayloadHeader) - 1), "smaller"));
  CHECK(refused(check(good_header(), kPayloadMaxSize + 1), "larger"));
  CHECK(refused(payload_check_header(g_image, kSize, kBase + 8), "load base"));
  CHECK(refused(payload_check_header(g_image, kSize, kBase + kPage), "load base"));  // header elsewhere

  h = good_header(), h.magic ^= 0x100;
  CHECK(refused(check(h), "magic"));
  h = good_header(), h.abi_major++;
  CHECK(refused(check(h), "major"));
  h = good_header(), h.abi_major = 0;
  CHECK(refused(check(h), "major"));
  CHECK(refused(check(good_header(), kSize, kPayloadAbiMinor + 1), "minor"));  // kernel needs newer
  h = good_header(), h.header_size = sizeof(PayloadHeader) - 8;
  CHECK(refused(check(h), "header size"));
  h = good_header(), h.header_size = kSize + 1;
  CHECK(refused(check(h), "header size"));
  h = good_header(), h.header_size = 2 * kPage;
  CHECK(refused(check(h), "rodata"));
  h = good_header(), h.entry_count = kPayloadEntryCount - 1;
  CHECK(refused(check(h), "entry table"));
  h = good_header(), h.entry_count = 1000;
  CHECK(refused(check(h), "entry table"));

  h = good_header(), h.text_end += 8;
  CHECK(refused(check(h), "page-aligned"));
  h = good_header(), h.text_start = h.rodata_start;  // text over rodata
  CHECK(refused(check(h), "order"));
  h = good_header(), h.data_start = h.text_start;  // data before text ends
  CHECK(refused(check(h), "order"));
  h = good_header(), h.ready_summary = h.text_start;  // ABI 1.1: the summary in text
  CHECK(refused(check(h), "ready summary"));
  h = good_header(), h.ready_summary = h.end;
  CHECK(refused(check(h), "ready summary"));
  h = good_header(), h.text_end = h.text_start;  // empty text
  CHECK(refused(check(h), "order"));
  h = good_header(), h.end = kBase + kSize + kPage;
  CHECK(refused(check(h), "past the image"));
  h = good_header(), h.end = kBase + 2 * kSize, h.data_start = h.text_end = kBase + kSize + kPage;
  CHECK(refused(check(h), "past the image"));
  h = good_header(), h.end = ~0ull & ~(kPage - 1);  // far beyond, no wrap-around
  CHECK(refused(check(h), "past the image"));

  h = good_header(), h.state = h.text_start;
  CHECK(refused(check(h), "state"));
  h = good_header(), h.state_size = kPage;  // runs past `end`
  CHECK(refused(check(h), "state"));
  h = good_header(), h.state_size = ~0ull;
  CHECK(refused(check(h), "state"));
  h = good_header(), h.state += 4;
  CHECK(refused(check(h), "state"));
  h = good_header(), h.levels = 9;
  CHECK(refused(check(h), "level"));

  const char* names[] = {"init", "add_task", "pop_task", "set_task_state", "remove_task", "stats", "count_in_as"};
  for (u32 i = 0; i < kPayloadEntryCount; i++) {
    h = good_header();
    u64* e = &h.entries.init;
    e[i] = h.text_end;  // one past text
    CHECK(refused(check(h), names[i]) && refused(check(h), "outside text"));
    e[i] = h.rodata_start + 0x100;  // in rodata: readable, not code
    CHECK(refused(check(h), names[i]));
    e[i] = 0;
    CHECK(refused(check(h), names[i]));
    e[i] = h.text_start + 1;  // not an instruction boundary
    CHECK(refused(check(h), names[i]));
  }

  u64 bad_yield_task[] = {h.text_end, h.rodata_start + 0x100, 0, h.text_start + 1};  // ABI 1.2
  for (u64 bad : bad_yield_task) {
    h = good_header(), h.yield_task = bad;
    CHECK(refused(check(h), "yield_task") && refused(check(h), "outside text"));
  }
  h = good_header(), h.abi_minor = 1, h.yield_task = 0;  // ABI 1.1 has no yield_task
  CHECK(check(h, kSize, 1).ok);

  // Random headers: refused or accepted, never a read outside the image.
  SplitMix64 rng(0x9a71);
  int accepted = 0;
  for (int round = 0; round < 200000; round++) {
    h = good_header();
    unsigned char* bytes = reinterpret_cast<unsigned char*>(&h);
    for (u64 k = rng.below(3) + 1; k; k--) bytes[rng.below(sizeof h)] = u8(rng.next() >> (8 * rng.below(8)));
    r = check(h, rng.below(8) ? kSize : rng.below(kSize + 1));
    accepted += r.ok;
    CHECK(r.reason != nullptr && (r.ok == (strcmp(r.reason, "ok") == 0)));
  }
  printf("payload_check_test: %d of 200000 scribbled headers accepted\n", accepted);
  free(g_image);
  return host_check_summary("payload_check_test");
}
