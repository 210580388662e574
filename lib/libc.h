/**
 * @file libc.h
 *
 * The few C library functions lib/ code may use, so that the same sources
 * build hosted (tools, tests) and freestanding (the loader, which supplies
 * its own implementations in loader/string.c).
 */
#ifndef MEMBOOT_LIBC_H
#define MEMBOOT_LIBC_H

#include <stddef.h>
#include <stdint.h>

#ifdef MEMBOOT_FREESTANDING
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
#else
#include <string.h>
#endif

#endif /* MEMBOOT_LIBC_H */
