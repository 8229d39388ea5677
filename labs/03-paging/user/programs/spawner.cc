// user/programs/spawner.cc: spawns and waits for `empty` many times; frames must all
// come back, and the instructions per spawn+run+exit+wait are the lab 03 benchmark.
#include "user/lib/process.hh"
#include "user/lib/ulib.hh"

int main(u64 seed) {
  long rounds = 200;
  long before = sys_frames();
  u64 start = read_instret();
  long bad = 0;
  for (long i = 0; i < rounds; i++) {
    long pid = sys_spawn("empty");
    if (pid < 0 || sys_wait(pid) != 7) bad++;
  }
  u64 spent = read_instret() - start;
  long after = sys_frames();
  ureport("spawner rounds=%ld bad=%ld leaked=%ld", rounds, bad, before - after);
  ureport("bench spawn_wait %lu", spent / u64(rounds));
  long missing = sys_wait(12345);
  ureport("spawner wait_stranger=%ld", missing);
  return 0;
}
