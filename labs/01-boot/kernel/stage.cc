// kernel/stage.cc: what the stage-01 kernel does after boot: nothing more yet.
// Layer: kernel/boot. Later labs replace this file with their own stage.
#include "kernel/main.hh"
#include "kernel/console.hh"

bool stage_run() {
  kprintf("stage 01: boot complete\n");
  return true;
}
