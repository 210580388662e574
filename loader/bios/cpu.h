/**
 * @file cpu.h
 *
 * CPU features for the loader, from CPUID leaf 1: the time-stamp counter
 * (timer.c) and SSE (the driver's raw copy may use it).
 */
#ifndef MEMBOOT_CPU_H
#define MEMBOOT_CPU_H

#include <stdint.h>

/** CPUID leaf 1, EDX. */
static inline uint32_t cpu_features(void)
{
	uint32_t a = 1, b, c, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	return d;
}

/** Does the CPU have a time-stamp counter? */
static inline int cpu_has_tsc(void)
{
	return (cpu_features() >> 4) & 1;
}

/** Does the CPU have SSE? */
static inline int cpu_has_sse(void)
{
	return (cpu_features() >> 25) & 1;
}

#endif /* MEMBOOT_CPU_H */
