// kernel/syscall_handlers.cc: the syscalls of the full path, and the fast functions.
// Layer: kernel/syscall.
#include "kernel/console.hh"
#include "kernel/main.hh"
#include "kernel/panic.hh"
#include "kernel/process.hh"
#include "kernel/syscall.hh"
#include "kernel/timer.hh"
#include "kernel/trap.hh"
#include "kernel/uaccess.hh"

namespace {

long do_write(TrapFrame& f) {
  u64 buffer = f.a(0), length = min_of(f.a(1), kMaxWrite);
  char chunk[256];
  for (u64 done = 0; done < length;) {
    u64 n = min_of(length - done, u64(sizeof chunk));
    if (copy_from_user(chunk, buffer + done, n) != Error::ok) return done ? long(done) : error_return(Error::fault);
    console_write(chunk, n);
    done += n;
  }
  return long(length);
}

long do_report(TrapFrame& f) {
  u64 buffer = f.a(0), length = f.a(1);
  if (length > kMaxReportLine) return error_return(Error::invalid);
  char line[kMaxReportLine + 1];
  if (copy_from_user(line, buffer, length) != Error::ok) return error_return(Error::fault);
  usize n = 0;
  while (n < length && line[n] != '\n' && line[n] != '\0') n++;  // one line, no newline
  line[n] = '\0';
  report("%s", line);
  return long(n);
}

long do_exit(TrapFrame& f) {
  process_exit(i64(f.a(0)));
  return 0;
}

long do_getpid(TrapFrame&) { return current_process().pid; }
long do_time(TrapFrame&) { return long(read_csr_time()); }
long do_yield(TrapFrame&) {
  process_yield();
  return 0;
}
long do_echo(TrapFrame& f) { return long(echo_mix(f.a(0), f.a(1), f.a(2), f.a(3), f.a(4), f.a(5))); }
long do_ticks(TrapFrame&) { return long(timer_ticks()); }

}  // namespace

SyscallHandler g_syscall_table[kMaxSyscalls] = {
    nullptr,  // 0: the fast calls
    do_write, do_exit, do_getpid, do_time, do_yield, do_report, do_echo, do_ticks,
};

void syscall_register(long number, SyscallHandler handler) {
  if (number <= 0 || number >= kMaxSyscalls || g_syscall_table[number])
    panic("syscall_register: number %ld is out of range or taken", number);
  g_syscall_table[number] = handler;
}

// ---- fast functions: called from the fast path with no trap frame saved -------------
// They must not switch programs (there is no saved context to come back to). They
// skip the frame-pointer prologue: every instruction on this path counts.
#define FAST_FUNCTION [[gnu::optimize("omit-frame-pointer")]]

namespace {
FAST_FUNCTION long fast_null(long, long, long, long, long, long) { return 0; }
FAST_FUNCTION long fast_echo(long a0, long a1, long a2, long a3, long a4, long a5) {
  return long(echo_mix(u64(a0), u64(a1), u64(a2), u64(a3), u64(a4), u64(a5)));
}
FAST_FUNCTION long fast_getpid(long, long, long, long, long, long) { return current_process().pid; }
FAST_FUNCTION long fast_add(long value, long, long, long, long, long) {
  return long(current_process().fast_sum += u64(value));
}
}  // namespace

FastFunction g_fast_table[kMaxFastCalls] = {fast_null, fast_echo, fast_getpid, fast_add};

void fast_register(long id, FastFunction function) {
  if (id < 0 || id >= kMaxFastCalls || g_fast_table[id])
    panic("fast_register: id %ld is out of range or taken", id);
  g_fast_table[id] = function;
}

FAST_FUNCTION long fast_syscall(long a0, long a1, long a2, long a3, long a4, long a5, long function) {
  if (u64(function) >= u64(kMaxFastCalls) || !g_fast_table[function]) return error_return(Error::no_sys);
  return g_fast_table[function](a0, a1, a2, a3, a4, a5);
}
