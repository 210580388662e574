/**
 * @file physmem.h
 *
 * Mapping the image's physical range through /dev/mem. The kernel's
 * read() of /dev/mem stops at the end of its direct map, which is below a
 * memdisk image at the top of RAM, so the range is mapped with mmap(),
 * page by page as the kernel allows. A page that the image shares with
 * System RAM (SYSLINUX MEMDISK reserves only the image's bytes, not whole
 * pages) is refused by the kernel: such bytes are reported, never guessed.
 */
#ifndef MEMBOOT_PHYSMEM_H
#define MEMBOOT_PHYSMEM_H

#include <stddef.h>
#include <stdint.h>

/** A mapping of [addr, addr+len) of physical memory. */
struct physmem {
	uint8_t *map;           /**< mapping of the whole pages around the image */
	size_t map_len;
	uint8_t *image;         /**< the image's first byte inside the mapping */
	uint64_t addr, len;
	uint64_t head_missing;  /**< bytes at the start that could not be mapped */
	uint64_t tail_missing;  /**< bytes at the end that could not be mapped */
};

/**
 * Map the image. On success every byte is readable (and writable with
 * @p rw) through m->image. When only a partial first or last page is
 * refused, fails with the missing byte counts filled in.
 *
 * @return 0 on success, -1 with a message printed
 */
int physmem_map(struct physmem *m, const char *devmem, uint64_t addr, uint64_t len, int rw);

/** Undo physmem_map(). */
void physmem_unmap(struct physmem *m);

/**
 * Keep @p m's bytes readable when the kernel revokes the /dev/mem mapping:
 * on UEFI the booted system's udev loads nfit and nd_pmem for the image's
 * NFIT range, nd_pmem claims the range and the kernel takes /dev/mem's
 * mappings of it away. A SIGBUS handler then maps the same pages from the
 * /dev/pmemN that now holds them, in place (the nbd server goes on serving).
 */
void physmem_follow_pmem(struct physmem *m, int rw);

#endif /* MEMBOOT_PHYSMEM_H */
