// kernel/cxxrt.cc: the few C++ runtime hooks a freestanding kernel must supply.
// Layer: kernel/boot. No exceptions, no RTTI, no heap in lab 01.
#include "kernel/panic.hh"

extern "C" {
void* __dso_handle = nullptr;

// Destructors of globals never run in a kernel; accept and forget them.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }

void __cxa_pure_virtual() { panic("pure virtual function called"); }
}

// Deleting destructors reference these; nothing in the kernel frees through delete
// before a heap exists, so reaching them is a bug.
void operator delete(void*) noexcept { panic("operator delete without a heap"); }
void operator delete(void*, unsigned long) noexcept { panic("operator delete without a heap"); }
