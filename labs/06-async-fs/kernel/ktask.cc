// kernel/ktask.cc: the kernel's end of KTask (kernel/ktask.hh). Layer: kernel/sched.
#include "kernel/ktask.hh"
#include "kernel/panic.hh"

void ktask_panic(const char* what) { panic("ktask: %s", what); }
