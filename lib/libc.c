/**
 * @file libc.c
 *
 * The shim functions of libc.h that are the same for both loaders (x86,
 * i386 and x86_64): memset, memcmp, strlen, strncmp. memcpy and memmove
 * stay with each loader (loader/bios/string.c, loader/efi/string.c): they
 * copy images and move in the loader's native word. Hosted builds (the
 * tools, the tests) use the C library's, and this file is empty there.
 */
#include "libc.h"

#ifdef MEMBOOT_FREESTANDING

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

#else
typedef int libc_hosted_build_is_empty;
#endif
