/**
 * @file attach.h
 *
 * memdisk-attach's backends: the interface each one implements. Each
 * backend recognises a device it made before (so a second run reports it),
 * makes a new one, and says whether a device is its own (so --detach never
 * touches anyone else's). pmem.c, phram.c and copy.c are here; nbd is a
 * folder of its own (tools/nbd). The helpers they share: blockdev.h,
 * loop.h, kmod.h, physmem.h.
 */
#ifndef MEMBOOT_ATTACH_H
#define MEMBOOT_ATTACH_H

#include <stddef.h>
#include <stdint.h>

/** The image being attached. */
struct image {
	uint64_t addr, len;
	int rw;                 /**< a writable device was asked for */
};

/** Result of a backend's attach. */
enum attach_rc {
	ATTACH_OK = 0,
	ATTACH_UNAVAILABLE,     /**< the kernel lacks what the backend needs */
	ATTACH_FAILED,          /**< it should have worked but did not */
};

/** A backend. */
struct backend {
	const char *name;
	/** 1 if the backend may change an existing device's read-only state. */
	int ro_switchable;
	/** Put an existing device for the image into dev; 1 if there is one. */
	int (*existing)(const struct image *im, char *dev, size_t n);
	/** Make the device; on failure put the reason in why. */
	enum attach_rc (*attach)(const struct image *im, char *dev, size_t n,
				 char *why, size_t wn);
	/** Is /sys/block/NAME a device this backend made? (NULL: never) */
	int (*owns)(const char *name);
	/** Undo the device; 0 on success (message printed on failure). */
	int (*detach)(const char *name);
};

extern const struct backend backend_pmem, backend_phram, backend_nbd, backend_copy;

#endif /* MEMBOOT_ATTACH_H */
