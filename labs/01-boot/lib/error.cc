// lib/error.cc: names for Error values, for messages.
// Layer: lib.
#include "lib/error.hh"

const char* error_name(Error e) {
  switch (e) {
    case Error::ok: return "ok";
    case Error::not_implemented: return "not implemented";
    case Error::invalid: return "invalid argument";
    case Error::no_memory: return "out of memory";
    case Error::fault: return "bad address";
    case Error::no_sys: return "no such syscall";
    case Error::no_space: return "no space left";
    case Error::not_found: return "not found";
    case Error::io: return "I/O error";
    case Error::busy: return "busy";
    case Error::exists: return "already exists";
    case Error::too_big: return "too big";
    case Error::unsupported: return "unsupported";
    case Error::bad_fd: return "bad file descriptor";
    case Error::no_device: return "no such device";
    case Error::not_dir: return "not a directory";
    case Error::is_dir: return "is a directory";
  }
  return "unknown error";
}
