// user/lib/runtime_test.cc: host unit test of the user async runtime (task.hh,
// runtime.cc, heap.cc) over the REAL shared scheduler payload, both flavours. Layer:
// host tests. The host kernel is in runtime_test_util.hh. Seeded programs, each checked
// against a reference: spawn + join sums (also with another AS taking turns, and with
// our executor's stack dropped and restarted), fork/call/callback trees, and the
// yield_now interleaving against a model of the FIFO queue. After every program the heap and the
// payload must be empty. runtime_limits_test.cc covers the failures and the kernel's
// side. RUNTIME_TEST_SEED=n repeats a run; RUNTIME_TEST_VERBOSE=1 shows reports.
#include "user/lib/runtime_test_util.hh"

namespace {
u64 g_answer, g_expected;  // what a program computed, and what it should have

u64 leaf_value(u64 seed) { return SplitMix64(seed).next() % 100000; }
u64 compute_ref(u64 seed, int yields) { return leaf_value(seed) + u64(yields * (yields - 1) / 2); }

Task<u64> compute(u64 seed, int yields) {
  u32 me = current_task_id();
  CHECK(me != 0 && g_preempt_mailbox.current_task == me);
  u64 v = leaf_value(seed);
  for (int i = 0; i < yields; i++) {
    co_await yield_now();
    CHECK(current_task_id() == me && g_preempt_mailbox.current_task == me);
    v += u64(i);
  }
  co_return v;
}

// ---- spawn N, join N ------------------------------------------------------------------
u16 g_foreign_as;  // non-zero: every child first adds a task of this AS to the payload

Task<u64> compute_with_guest(u64 seed, int yields) {
  if (g_foreign_as) g_host.flavour->add(&g_host_sched, seed, g_foreign_as, 4);
  co_return co_await compute(seed, yields);
}

Task<int> sum_main(u64 seed) {
  constexpr int kMax = 40;
  SplitMix64 rng(seed);
  int n = 1 + int(rng.below(kMax));
  JoinHandle<u64> handles[kMax];
  g_expected = 0;
  for (int i = 0; i < n; i++) {
    u64 s = rng.next();
    int yields = int(rng.below(4));
    g_expected += compute_ref(s, yields);
    SpawnResult<u64> r = spawn(compute_with_guest(s, yields));
    if (!r.ok()) co_return 2;
    handles[i] = std::move(r.handle());
  }
  g_answer = 0;
  for (int i = 0; i < n; i++) g_answer += co_await handles[i];
  co_return g_answer == g_expected ? 0 : 3;
}

// ---- trees: fork (spawn + join), call (inline co_await), callback (detached) ----------
constexpr int kMaxFan = 3;
struct CallbackSlot {
  u64 value;
  bool done;
};
int g_spawn_errors;

u64 tree_ref(u64 seed, int depth, int fan) {
  if (depth == 0) return leaf_value(seed);
  SplitMix64 rng(seed);
  u64 total = u64(depth);
  for (int i = 0; i < fan; i++) total += tree_ref(rng.next(), depth - 1, fan) * u64(i + 1);
  return total;
}

Task<u64> tree_node(u64 seed, int depth, int fan);

Task<void> callback_child(u64 seed, int depth, int fan, CallbackSlot* slot) {
  slot->value = co_await tree_node(seed, depth, fan);
  slot->done = true;  // the callback: the parent polls for it
}

Task<u64> tree_node(u64 seed, int depth, int fan) {
  if (depth == 0) co_return leaf_value(seed);
  SplitMix64 rng(seed);
  u64 total = u64(depth);
  JoinHandle<u64> forks[kMaxFan];
  CallbackSlot slots[kMaxFan] = {};
  u64 style[kMaxFan];
  for (int i = 0; i < fan; i++) {
    u64 child = rng.next();
    style[i] = child % 3;
    if (style[i] == 0) {
      SpawnResult<u64> r = spawn(tree_node(child, depth - 1, fan));
      if (r.ok()) forks[i] = std::move(r.handle());
      g_spawn_errors += !r.ok();
    } else if (style[i] == 1) {
      total += co_await tree_node(child, depth - 1, fan) * u64(i + 1);
    } else {
      SpawnResult<void> r = spawn(callback_child(child, depth - 1, fan, &slots[i]));
      g_spawn_errors += !r.ok();
      r.handle().detach();
    }
  }
  for (int i = 0; i < fan; i++) {
    if (style[i] == 0) total += co_await forks[i] * u64(i + 1);
    if (style[i] == 2) {
      while (!slots[i].done) co_await yield_now();
      total += slots[i].value * u64(i + 1);
    }
  }
  co_return total;
}

Task<int> tree_main(u64 seed) {
  SplitMix64 rng(seed);
  int depth = int(rng.below(4)), fan = 1 + int(rng.below(kMaxFan));
  u64 root = rng.next();
  g_expected = tree_ref(root, depth, fan);
  g_spawn_errors = 0;
  g_answer = co_await tree_node(root, depth, fan);
  co_return g_spawn_errors ? 2 : g_answer == g_expected ? 0 : 3;
}

// ---- yield_now interleaving against a model of the FIFO queue -------------------------
constexpr int kMaxLog = 256, kMaxInterleavers = 8;
int g_log[kMaxLog], g_log_len;
void log_step(int task, int step) {
  if (g_log_len < kMaxLog) g_log[g_log_len++] = task * 100 + step;
}

Task<int> interleaver(int index, int rounds) {
  for (int step = 0;; step++) {
    log_step(index, step);
    if (step == rounds) co_return index;
    co_await yield_now();
  }
}

// interleave_model(rounds, k): the log the runtime must produce, from first principles:
// one ready queue; t0 spawns 1..k, then joins them in order, sleeping on an unfinished one.
int interleave_model(const int* rounds, int k, int* log) {
  int queue[kMaxLog], head = 0, tail = 0, len = 0, progress[kMaxInterleavers + 1] = {};
  bool finished[kMaxInterleavers + 1] = {}, spawned = false;
  int waiting_on = 0, next_join = 1;
  queue[tail++] = 0;
  while (head < tail) {
    int t = queue[head++];
    if (t == 0) {
      if (!spawned)
        for (int i = 1; i <= k; i++) queue[tail++] = i;
      spawned = true;
      while (next_join <= k && finished[next_join]) next_join++;
      if (next_join <= k) {
        waiting_on = next_join;
        continue;
      }
      log[len++] = 0;
      continue;
    }
    log[len++] = t * 100 + progress[t];
    if (progress[t] == rounds[t]) {
      finished[t] = true;
      if (waiting_on == t) waiting_on = 0, queue[tail++] = 0;
    } else {
      progress[t]++;
      queue[tail++] = t;
    }
  }
  return len;
}

int g_rounds[kMaxInterleavers + 1], g_interleavers;

Task<int> interleave_main(u64 seed) {
  SplitMix64 rng(seed);
  g_interleavers = 1 + int(rng.below(kMaxInterleavers));
  JoinHandle<int> handles[kMaxInterleavers + 1];
  for (int i = 1; i <= g_interleavers; i++) {
    g_rounds[i] = int(rng.below(4));
    SpawnResult<int> r = spawn(interleaver(i, g_rounds[i]));
    if (!r.ok()) co_return 2;
    handles[i] = std::move(r.handle());
  }
  for (int i = 1; i <= g_interleavers; i++)
    if (co_await handles[i] != i) co_return 3;
  log_step(0, 0);
  co_return 0;
}

void check_interleaving(u64 seed) {
  g_log_len = 0;
  CHECK(run_program(interleave_main(seed)) == 0);
  int expected[kMaxLog];
  int len = interleave_model(g_rounds, g_interleavers, expected);
  CHECK(len == g_log_len);
  bool same = len == g_log_len;
  for (int i = 0; same && i < len; i++) same = expected[i] == g_log[i];
  CHECK(same);
}
}  // namespace

int g_foreign_checks, g_task_yield_runs;  // runs with another AS's tasks; fast_yield_task calls

// check_all(f, seed): each program once, on an empty payload; nothing may be left after.
void check_all(const Flavour& f, u64 seed) {
  host_reset(f);
  CHECK(run_program(sum_main(seed)) == 0);
  CHECK(g_answer == g_expected);
  CHECK(g_host.entry == u64(&runtime_executor_entry) && g_host.mailbox == &g_preempt_mailbox);
  check_clean();
  RuntimeStats st = runtime_stats();
  CHECK(st.spawned == st.finished && st.spawn_failures == 0 && st.fast_yields == 0);

  // Another AS's tasks take turns: the executor yields to the kernel (fast_yield), which
  // either comes back (1) or drops our stack and restarts us at the executor entry,
  // with no task or (mode 2) with our next task, popped for us, in a1/a2.
  for (int mode = 0; mode < 3; mode++) {
    bool switch_away = mode > 0;
    host_reset(f);
    g_host.switch_away = switch_away;
    g_host.hand_over = mode == 2;
    g_foreign_as = 7;
    CHECK(run_program(sum_main(seed)) == 0);
    g_foreign_as = 0;
    CHECK(g_answer == g_expected);
    check_clean();
    CHECK(g_host.foreign_runs == int(runtime_stats().spawned) - 1);
    CHECK(int(runtime_stats().fast_yields) >= (g_host.foreign_runs ? 1 : 0));
    CHECK(switch_away ? g_host.restarts >= 1 : g_host.restarts == 0);
    CHECK(g_host.handoffs == (mode == 2 ? g_host.restarts : 0));
    g_task_yield_runs += g_host.task_yields;
  }
  g_foreign_checks++;

  host_reset(f);
  CHECK(run_program(tree_main(seed)) == 0);
  CHECK(g_answer == g_expected);
  check_clean();

  host_reset(f);
  check_interleaving(seed);
  check_clean();
  CHECK(g_host.reports == 0);
}

int main() {
  int status = run_seeded("runtime_test", check_all);
  // Over all seeds, some yields went to the kernel with their task (fast_yield_task).
  if (status == 0 && g_foreign_checks && !g_task_yield_runs) {
    fprintf(stderr, "runtime_test: no yield ever used fast_yield_task\n");
    return 1;
  }
  return status;
}
