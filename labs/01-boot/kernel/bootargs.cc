// kernel/bootargs.cc: split the command line into words once, at boot.
// Layer: kernel/boot.
#include "kernel/bootargs.hh"
#include "lib/param.hh"
#include "lib/string.hh"

namespace {
char g_line[kBootargsMaxLine];   // the line as given
char g_words[kBootargsMaxLine];  // the line with NULs between words
const char* g_word[kBootargsMaxWords];
usize g_word_count;
}  // namespace

void bootargs_init(const char* command_line) {
  usize n = command_line ? strnlen(command_line, kBootargsMaxLine - 1) : 0;
  memcpy(g_line, command_line, n);
  g_line[n] = '\0';
  memcpy(g_words, g_line, n + 1);
  g_word_count = 0;
  for (usize i = 0; i < n && g_word_count < kBootargsMaxWords;) {
    while (i < n && g_words[i] == ' ') g_words[i++] = '\0';
    if (i < n) g_word[g_word_count++] = &g_words[i];
    while (i < n && g_words[i] != ' ') i++;
  }
}

const char* bootargs_line() { return g_line; }

const char* bootargs_get(const char* key) {
  usize key_len = strlen(key);
  for (usize i = 0; i < g_word_count; i++)
    if (strncmp(g_word[i], key, key_len) == 0 && g_word[i][key_len] == '=') return g_word[i] + key_len + 1;
  return nullptr;
}

bool parse_u64(const char* text, u64* out) {
  if (!text || !*text) return false;
  u64 base = 10, value = 0;
  if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) base = 16, text += 2;
  if (!*text) return false;
  for (; *text; text++) {
    u64 digit;
    char c = *text;
    if (c >= '0' && c <= '9') digit = u64(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') digit = u64(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') digit = u64(c - 'A' + 10);
    else return false;
    if (value > (~0ull - digit) / base) return false;  // overflow
    value = value * base + digit;
  }
  *out = value;
  return true;
}

u64 bootargs_u64(const char* key, u64 fallback) {
  u64 value;
  return parse_u64(bootargs_get(key), &value) ? value : fallback;
}
