/**
 * @file string.c
 *
 * memcpy and memmove for the BIOS loader (the rest of lib/libc.h is in
 * lib/libc.c), and the 64-bit division helpers i386 code calls.
 */
#include <stddef.h>
#include <stdint.h>

#include "libc.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 4, rest = n % 4;

	/* Dwords, then the odd bytes: large copies (moving an image) count. */
	__asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(rest) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t words, rest;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping, upwards: copy from the end, the odd bytes first. */
	rest = n % 4;
	words = n / 4;
	d += n - 1;
	s += n - 1;
	__asm__ volatile("std\n\trep movsb" : "+D"(d), "+S"(s), "+c"(rest) : : "memory");
	d -= 3;
	s -= 3;
	__asm__ volatile("rep movsl\n\tcld" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
	return dst;
}

/*
 * 64-bit division for the 32-bit freestanding build (the compiler calls
 * these for uint64_t / and %; there is no libgcc for -m32 here).
 */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);

/** Shift-and-subtract division; @p d must not be 0. */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;
	int i;

	if (!(n >> 32) && !(d >> 32)) {
		if (rem)
			*rem = (uint32_t)n % (uint32_t)d;
		return (uint32_t)n / (uint32_t)d;
	}
	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	if (rem)
		*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return __udivmoddi4(n, d, NULL);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	__udivmoddi4(n, d, &r);
	return r;
}
