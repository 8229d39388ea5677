// kernel/timer.hh: the timer, the seed's fallback (保底) against a program that never
// yields. Layer: kernel/trap. One tick every `slice`; each tick may switch programs.
#pragma once
#include "lib/types.hh"

// timer_init(): learn the timebase frequency from the device tree (10 MHz on virt) and
// whether the hart has Sstc (its own stimecmp CSR). Bootargs timer=sbi forces the SBI.
void timer_init(const void* dtb);
// timer_set_deadline(time): the next timer interrupt at `time`; also clears the one
// pending now. Writes stimecmp directly with Sstc, else asks the SBI (set_timer).
void timer_set_deadline(u64 time);
bool timer_uses_sstc();
u64 timer_frequency();
u64 microseconds_to_time(u64 microseconds);

// timer_start(slice): a tick every `slice` time units (timer_start(0) = no ticks).
void timer_start(u64 slice_in_time_units);
void timer_stop();
// timer_tick(): called on each timer interrupt; counts it and re-arms (timer_rearm).
void timer_tick();
// timer_rearm(): ask the SBI for the next interrupt one slice from now. (Lab 02 hole:
// kernel/timer_rearm.cc.)
void timer_rearm();

u64 timer_ticks();   // interrupts taken since boot
u64 timer_slice();   // the current slice (0 = no timer)
