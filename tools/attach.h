/**
 * @file attach.h
 *
 * memdisk-attach's backends and the block-device helpers they share. Each
 * backend recognises a device it made before (so a second run reports it),
 * makes a new one, and says whether a device is its own (so --detach never
 * touches anyone else's).
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

/** The NBD server daemon (memdisk-attach re-executed with --nbd-daemon). */
int nbd_daemon_main(int argc, char **argv);

/* ---- helpers (attach_util.c) ---- */

/**
 * Call @p fn for every /sys/block entry whose name starts with @p prefix,
 * until it returns non-zero.
 *
 * @return what @p fn returned last (0 if none stopped the walk)
 */
int for_each_block(const char *prefix, int (*fn)(const char *name, void *ctx), void *ctx);

/** Size in bytes of /sys/block/NAME. */
int block_size(const char *name, uint64_t *bytes);

/** Read-only state of /sys/block/NAME: 1 read-only, 0 writable, -1 unknown. */
int block_ro(const char *name);

/** Set a block device read-only or writable (BLKROSET). 0 on success. */
int block_set_ro(const char *dev, int ro);

/** Contents of /sys/block/NAME/FILE without the trailing newline (free it). */
char *block_attr(const char *name, const char *file);

/** Is a kernel module available (loaded, built in, or in modules.dep)? */
int module_available(const char *name);

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

#endif /* MEMBOOT_ATTACH_H */
