// fs/fat_name.hh: FAT names: long (VFAT) names as UCS-2, 8.3 short names and aliases.
// Layer: fs (pure functions, no I/O). Long names are taken from UTF-8 restricted to
// the Basic Multilingual Plane (UCS-2, as VFAT stores them) and given back as UTF-8.
// Short names are the 11 bytes of a directory entry ("BASE    EXT").
#pragma once
#include "lib/error.hh"
#include "lib/types.hh"

inline constexpr usize kFatNameMax = 255;                 // UCS-2 units of a long name
inline constexpr usize kFatNameBytes = 3 * kFatNameMax + 1;  // its UTF-8 form, NUL included
inline constexpr usize kFatLfnChars = 13;                 // UCS-2 units per LFN entry

// fat_name_to_ucs2(name, len, out, out_len): check a new entry's name and convert it.
// Error::invalid for: empty, "." or "..", more than kFatNameMax units, bad UTF-8 or a
// code point outside the BMP, a control character or one of "*/:<>?\|, a trailing
// space or dot.
Error fat_name_to_ucs2(const char* name, usize len, u16* out, usize* out_len);

// fat_ucs2_to_utf8(in, n, out, cap): UTF-8 of n units, NUL-terminated (surrogates
// become '?'); false if it does not fit in cap bytes.
bool fat_ucs2_to_utf8(const u16* in, usize n, char* out, usize cap);

// fat_lfn_checksum(sfn): the checksum of an 11-byte short name kept in LFN entries.
u8 fat_lfn_checksum(const u8* sfn);

// fat_short_to_name(sfn, nt_flags, out): "BASE.EXT" (13 bytes with NUL), lower-cased
// where the entry's NT flags say so (0x08: base, 0x10: extension).
void fat_short_to_name(const u8* sfn, u8 nt_flags, char* out);

// fat_exact_short(name, len, sfn): true when the name is already a valid upper-case
// 8.3 name; then it needs no long entries and sfn holds it.
bool fat_exact_short(const char* name, usize len, u8* sfn);

// fat_alias(ucs, n, tail, sfn): the 8.3 alias "BASIS~tail.EXT" of a long name
// (tail 1..999999): upper-cased, spaces and leading dots dropped, other characters
// not allowed in short names turned into '_'.
void fat_alias(const u16* ucs, usize n, u32 tail, u8* sfn);

// fat_name_equal(a, alen, b): a[0..alen) equals the NUL-terminated b, ASCII letters
// compared without case (as FAT lookups are).
bool fat_name_equal(const char* a, usize alen, const char* b);
