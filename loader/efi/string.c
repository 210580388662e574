/**
 * @file string.c
 *
 * memcpy and memmove for the x86_64 UEFI loader (the rest of lib/libc.h is
 * in lib/libc.c). memcpy uses the string instructions: the own block device
 * copies every byte the boot loader reads through it.
 */
#include "libc.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;

	/* Eight bytes a step, then the tail: QEMU's TCG runs rep movsb a byte
	 * at a time (bench: 253 against 335 MB/s for a whole image). */
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

