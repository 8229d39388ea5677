// kernel/stage.hh: the extension points of the stage's run (kernel/stage.cc), for the
// layers above lab 03 (kernel/hooks.hh). Layer: kernel/boot.
#pragma once
#include "kernel/hooks.hh"

// stage_reserve_hooks(): the lowest RAM address of an image a layer must keep out of the
// frame allocator (0 = none), asked before the kernel's table is built.
inline HookList<u64(), 4> stage_reserve_hooks{"stage.reserve"};
// stage_start_hooks(): once the kernel's table is active, before any program runs: set
// up what the layer adds. False stops the stage (the layer said why).
inline HookList<bool(), 4> stage_start_hooks{"stage.start"};
// stage_stop_hooks(): once every program has ended, before the run's last report.
inline HookList<void(), 4> stage_stop_hooks{"stage.stop"};
// default_programs_hook(): what to run when BOOTARGS names no program (run=).
inline Hook<const char*()> default_programs_hook{"stage.default_programs"};
