/**
 * @file cpio.h
 *
 * Writing and reading "newc" cpio archives, the format of Linux initramfs
 * segments (Documentation/driver-api/early-userspace/buffer-format.rst):
 * a 110-byte ASCII header ("070701" and 13 eight-digit hex fields), the
 * NUL-terminated name, padding to 4 bytes, the data, padding to 4 bytes;
 * the archive ends with the entry "TRAILER!!!". memboot appends one such
 * archive to a distribution's initrd (the next issue's injection); the
 * reader walks an uncompressed segment's entries.
 *
 * Pure logic: the writer fills a caller buffer, the reader checks every
 * field against the bytes it has.
 */
#ifndef MEMBOOT_CPIO_H
#define MEMBOOT_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_BYTES 110
#define CPIO_TRAILER "TRAILER!!!"
#define CPIO_S_IFDIR 0040000u
#define CPIO_S_IFREG 0100000u
#define CPIO_S_IFLNK 0120000u

/** An archive being written into a caller's buffer. */
struct cpio_writer {
	uint8_t *buf;
	size_t cap, len;
	uint32_t ino;           /**< the next inode number */
	uint32_t mtime;         /**< given to every entry */
	int overflow;           /**< something did not fit: the archive is unusable */
};

/** Start an archive in @p buf (@p cap bytes); entries get @p mtime. */
void cpio_init(struct cpio_writer *w, uint8_t *buf, size_t cap, uint32_t mtime);

/**
 * Add an entry: a folder (@p mode with CPIO_S_IFDIR, no data), a file
 * (CPIO_S_IFREG, @p data of @p size bytes) or a symbolic link (CPIO_S_IFLNK,
 * the target as data). @p path is relative ("scripts/init-premount/x").
 *
 * @return 0, or -1 when it does not fit (then w->overflow is set)
 */
int cpio_add(struct cpio_writer *w, const char *path, uint32_t mode, const void *data,
	     size_t size);

/**
 * End the archive (the trailer entry) and pad it to @p align bytes (a
 * power of two, at least 4; 512 keeps a following segment block-aligned).
 *
 * @return the archive's length, or 0 when it did not fit
 */
size_t cpio_finish(struct cpio_writer *w, size_t align);

/** One entry found by cpio_next. */
struct cpio_entry {
	const char *name;       /**< not NUL-terminated: name_len bytes */
	size_t name_len;
	uint32_t mode;
	const uint8_t *data;
	size_t size;
};

/**
 * The entry at *@p off of an uncompressed archive of @p len bytes; *@p off
 * moves past it.
 *
 * @return 1 for an entry, 0 at the trailer (or the end of the bytes), -1
 *         when the bytes are not a well-formed newc entry
 */
int cpio_next(const uint8_t *p, size_t len, size_t *off, struct cpio_entry *e);

#endif /* MEMBOOT_CPIO_H */
