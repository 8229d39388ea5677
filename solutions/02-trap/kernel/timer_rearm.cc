// kernel/timer_rearm.cc: re-arming the timer. Layer: kernel/trap. (Reference solution.)
#include "kernel/timer.hh"
#include "kernel/trap.hh"

void timer_rearm() {
  // Relative to now, not to the last deadline: a slow tick cannot make the next one
  // due at once, so the kernel can never be flooded by its own timer.
  timer_set_deadline(read_csr_time() + timer_slice());
}
