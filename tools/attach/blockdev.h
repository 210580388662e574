/**
 * @file blockdev.h
 *
 * Block devices as /sys/block shows them (blockdev.c).
 */
#ifndef MEMBOOT_BLOCKDEV_H
#define MEMBOOT_BLOCKDEV_H

#include <stddef.h>
#include <stdint.h>

/**
 * Call @p fn for every /sys/block entry whose name starts with @p prefix,
 * until it returns non-zero.
 *
 * @return what @p fn returned last (0 if none stopped the walk)
 */
int blockdev_for_each(const char *prefix, int (*fn)(const char *name, void *ctx), void *ctx);

/** Size in bytes of /sys/block/NAME. */
int blockdev_size(const char *name, uint64_t *bytes);

/** Read-only state of /sys/block/NAME: 1 read-only, 0 writable, -1 unknown. */
int blockdev_ro(const char *name);

/** Set a block device read-only or writable (BLKROSET). 0 on success. */
int blockdev_set_ro(const char *dev, int ro);

/** Contents of /sys/block/NAME/FILE without the trailing newline (free it). */
char *blockdev_attr(const char *name, const char *file);

/**
 * Make sure /dev/NAME exists for the block device NAME in /sys/block,
 * creating the node from /sys/block/NAME/dev when devtmpfs did not.
 *
 * @param name    e.g. "mtdblock0"
 * @param path    out: "/dev/NAME"
 * @param pathlen size of @p path
 * @return 0 on success, -1 on error (message printed)
 */
int blockdev_ensure_node(const char *name, char *path, size_t pathlen);

#endif /* MEMBOOT_BLOCKDEV_H */
