// lib/error.cc: names for Error values, for messages.
// Layer: lib.
#include "lib/error.hh"

const char* error_name(Error e) {
  switch (e) {
#define ERROR(name, number, text) \
  case Error::name: return text;
#include "lib/error_list.inc"
#undef ERROR
  }
  return "unknown error";
}
