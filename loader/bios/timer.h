/**
 * @file timer.h
 *
 * Time for the loader: the TSC, calibrated against the PIT
 * once at start-up, to report how long long work (inflating) took.
 */
#ifndef MEMBOOT_TIMER_H
#define MEMBOOT_TIMER_H

#include <stdint.h>

/** Calibrate the TSC (about 10 ms). */
void timer_init(void);
/** Microseconds since an arbitrary origin; 0 if there is no usable TSC. */
uint64_t timer_us(void);

#endif /* MEMBOOT_TIMER_H */
