// fs/fat_name.cc: FAT names (see fat_name.hh). Layer: fs, pure.
#include "kernel/fs/fat_name.hh"

namespace {
bool is_short_char(u16 c) {
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '(': case ')':
    case '-': case '@': case '^': case '_': case '`': case '{': case '}': case '~':
      return true;
    default:
      return false;
  }
}

bool is_forbidden(u32 c) {
  if (c < 0x20 || c == 0x7f) return true;
  switch (c) {
    case '"': case '*': case '/': case ':': case '<': case '>': case '?': case '\\': case '|':
      return true;
    default:
      return false;
  }
}

u16 ascii_upper(u16 c) { return c >= 'a' && c <= 'z' ? u16(c - 32) : c; }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; }

// decode_utf8(s, len, i, cp): one code point at s[*i] (BMP only); false on bad input.
bool decode_utf8(const u8* s, usize len, usize* i, u32* cp) {
  u8 b = s[*i];
  if (b < 0x80) {
    *cp = b;
    *i += 1;
    return true;
  }
  usize extra = (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : 0;
  if (extra == 0 || *i + extra >= len) return false;  // not a 2- or 3-byte lead, or cut short
  u32 v = extra == 1 ? b & 0x1f : b & 0x0f;
  for (usize k = 1; k <= extra; k++) {
    u8 c = s[*i + k];
    if ((c & 0xc0) != 0x80) return false;
    v = (v << 6) | (c & 0x3f);
  }
  if ((extra == 1 && v < 0x80) || (extra == 2 && v < 0x800)) return false;  // overlong
  if (v >= 0xd800 && v <= 0xdfff) return false;                             // surrogate
  *cp = v;
  *i += extra + 1;
  return true;
}
}  // namespace

Error fat_name_to_ucs2(const char* name, usize len, u16* out, usize* out_len) {
  if (len == 0) return Error::invalid;
  if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) return Error::invalid;
  if (name[len - 1] == ' ' || name[len - 1] == '.') return Error::invalid;
  const u8* s = reinterpret_cast<const u8*>(name);
  usize n = 0;
  for (usize i = 0; i < len;) {
    u32 cp;
    if (!decode_utf8(s, len, &i, &cp) || is_forbidden(cp) || n == kFatNameMax) return Error::invalid;
    out[n++] = u16(cp);
  }
  *out_len = n;
  return Error::ok;
}

bool fat_ucs2_to_utf8(const u16* in, usize n, char* out, usize cap) {
  usize o = 0;
  for (usize i = 0; i < n; i++) {
    u16 c = in[i];
    if (c >= 0xd800 && c <= 0xdfff) c = '?';
    usize need = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (o + need + 1 > cap) return false;
    if (need == 1) {
      out[o++] = char(c);
    } else if (need == 2) {
      out[o++] = char(0xc0 | (c >> 6));
      out[o++] = char(0x80 | (c & 0x3f));
    } else {
      out[o++] = char(0xe0 | (c >> 12));
      out[o++] = char(0x80 | ((c >> 6) & 0x3f));
      out[o++] = char(0x80 | (c & 0x3f));
    }
  }
  out[o] = '\0';
  return true;
}

u8 fat_lfn_checksum(const u8* sfn) {
  u8 sum = 0;
  for (int i = 0; i < 11; i++) sum = u8(((sum & 1) << 7) + (sum >> 1) + sfn[i]);
  return sum;
}

void fat_short_to_name(const u8* sfn, u8 nt_flags, char* out) {
  usize o = 0;
  int base_end = 8, ext_end = 11;
  while (base_end > 0 && sfn[base_end - 1] == ' ') base_end--;
  while (ext_end > 8 && sfn[ext_end - 1] == ' ') ext_end--;
  for (int i = 0; i < base_end; i++) {
    u8 c = (i == 0 && sfn[0] == 0x05) ? 0xe5 : sfn[i];
    char ch = c < 0x80 && c >= 0x20 ? char(c) : '?';  // OEM code page: not decoded
    out[o++] = (nt_flags & 0x08) ? ascii_lower(ch) : ch;
  }
  if (ext_end > 8) {
    out[o++] = '.';
    for (int i = 8; i < ext_end; i++) {
      char ch = sfn[i] < 0x80 && sfn[i] >= 0x20 ? char(sfn[i]) : '?';
      out[o++] = (nt_flags & 0x10) ? ascii_lower(ch) : ch;
    }
  }
  out[o] = '\0';
}

bool fat_exact_short(const char* name, usize len, u8* sfn) {
  for (int i = 0; i < 11; i++) sfn[i] = ' ';
  usize i = 0, base = 0;
  for (; i < len && name[i] != '.'; i++) {
    if (base == 8 || !is_short_char(u8(name[i]))) return false;
    sfn[base++] = u8(name[i]);
  }
  if (base == 0) return false;
  if (i == len) return true;
  i++;  // the dot
  usize ext = 0;
  for (; i < len; i++) {
    if (ext == 3 || !is_short_char(u8(name[i]))) return false;
    sfn[8 + ext++] = u8(name[i]);
  }
  return ext > 0;
}

void fat_alias(const u16* ucs, usize n, u32 tail, u8* sfn) {
  for (int i = 0; i < 11; i++) sfn[i] = ' ';
  usize start = 0;
  while (start < n && (ucs[start] == '.' || ucs[start] == ' ')) start++;
  usize last_dot = n;
  for (usize i = n; i > start; i--)
    if (ucs[i - 1] == '.') {
      last_dot = i - 1;
      break;
    }
  char base[8];
  usize nbase = 0;
  for (usize i = start; i < last_dot && nbase < 8; i++) {
    u16 c = ascii_upper(ucs[i]);
    if (c == ' ' || c == '.') continue;
    base[nbase++] = is_short_char(c) ? char(c) : '_';
  }
  if (nbase == 0) base[nbase++] = '_';
  usize next = 0;
  for (usize i = last_dot + 1; i < n && next < 3; i++) {
    u16 c = ascii_upper(ucs[i]);
    if (c == ' ') continue;
    sfn[8 + next++] = is_short_char(c) ? u8(c) : u8('_');
  }
  char digits[8];
  usize nd = 0;
  if (tail == 0) tail = 1;
  for (u32 t = tail; t && nd < 6; t /= 10) digits[nd++] = char('0' + t % 10);
  usize keep = min_of(nbase, usize(7 - nd));
  usize o = 0;
  for (; o < keep; o++) sfn[o] = u8(base[o]);
  sfn[o++] = '~';
  while (nd) sfn[o++] = u8(digits[--nd]);
}

bool fat_name_equal(const char* a, usize alen, const char* b) {
  for (usize i = 0; i < alen; i++) {
    if (b[i] == '\0' || ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return b[alen] == '\0';
}
