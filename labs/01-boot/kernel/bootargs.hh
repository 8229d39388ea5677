// kernel/bootargs.hh: the kernel command line (/chosen/bootargs), as key=value words.
// Layer: kernel/boot. The grader passes seed=, nonce= and test= here (QEMU -append).
#pragma once
#include "lib/types.hh"

void bootargs_init(const char* command_line);
const char* bootargs_line();
// bootargs_get(key): the value of `key=value`, or nullptr when absent.
const char* bootargs_get(const char* key);
// bootargs_u64(key, fallback): the value as a number (decimal, or hex with 0x).
u64 bootargs_u64(const char* key, u64 fallback);
// parse_u64(text, out): strict number parsing; false on junk.
bool parse_u64(const char* text, u64* out);
