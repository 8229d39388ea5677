// user/programs/sharer.cc: processes in one AS see each other's writes; in different
// ASes they do not. Each writes a seeded token into its box, lets the others run, then
// reports what all boxes hold.
#include "user/lib/ulib.hh"

static volatile u64 g_boxes[4];

int main(u64 seed) {
  long pid = sys_getpid();
  g_boxes[pid % 4] = SplitMix64(seed).next() & 0xffffff;
  for (int i = 0; i < 4; i++) sys_yield();
  ureport("sharer pid=%ld boxes=%lx,%lx,%lx,%lx", pid, g_boxes[0], g_boxes[1], g_boxes[2], g_boxes[3]);
  for (int i = 0; i < 4; i++) sys_yield();  // the others report before anyone exits
  return 0;
}
