/**
 * @file timer.c
 *
 * TSC calibration against PIT channel 2 (the speaker channel, one-shot
 * mode, about 10 ms).
 */
#include "timer.h"

#include "cpu.h"
#include "io.h"

static uint64_t tsc_hz;

/** The time-stamp counter. */
static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void timer_init(void)
{
	const uint16_t latch = 11932;  /* 1193182 Hz / 100: 10 ms */
	uint64_t t0, t1;
	uint32_t spin;

	if (!cpu_has_tsc())
		return;  /* no TSC */
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));  /* gate on, speaker off */
	outb(0x43, 0xb0);  /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	t0 = rdtsc();
	for (spin = 0; !(inb(0x61) & 0x20) && spin < 50000000u; spin++)
		;
	t1 = rdtsc();
	if (spin < 50000000u && t1 > t0)
		tsc_hz = (t1 - t0) * 100;
}

uint64_t timer_us(void)
{
	return tsc_hz ? rdtsc() * 1000000 / tsc_hz : 0;
}
