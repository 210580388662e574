/**
 * @file loop.h
 *
 * Loop devices (loop.c).
 */
#ifndef MEMBOOT_LOOP_H
#define MEMBOOT_LOOP_H

#include <stddef.h>
#include <stdint.h>

/**
 * Attach @p backing to a free loop device, showing [offset, offset+sizelimit)
 * of it (sizelimit 0: to the end), read-only unless @p rw.
 *
 * @return 0 with the device path in @p dev, -1 with a message printed
 */
int loop_attach(const char *backing, uint64_t offset, uint64_t sizelimit, int rw,
		char *dev, size_t n);

/** The loop device backed by @p backing at @p offset; 1 if found. */
int loop_find(const char *backing, uint64_t offset, char *dev, size_t n);

/** Detach /dev/NAME (a loop device). 0 on success. */
int loop_detach(const char *name);

#endif /* MEMBOOT_LOOP_H */
