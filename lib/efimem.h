/**
 * @file efimem.h
 *
 * Choices over a UEFI memory map (GetMemoryMap's descriptors, which are
 * desc_size bytes apart: type u32 at 0, physical start u64 at 8, pages u64
 * at 24): where an image of a given size can go at a given alignment, and
 * which page below 640 KiB can hold the MEMDISK tables so that no RAM that
 * Linux will use lies between it and 0xA0000 (the rule SYSLINUX's
 * memdiskfind scans by).
 *
 * Pure logic over the map's bytes.
 */
#ifndef MEMBOOT_EFIMEM_H
#define MEMBOOT_EFIMEM_H

#include <stddef.h>
#include <stdint.h>

#define EFIMEM_PAGE 4096ull
/** UEFI memory types this file needs to tell apart. */
enum {
	EFIMEM_RESERVED = 0, EFIMEM_LOADER_CODE = 1, EFIMEM_LOADER_DATA = 2,
	EFIMEM_BS_CODE = 3, EFIMEM_BS_DATA = 4, EFIMEM_CONVENTIONAL = 7,
};
/** Bytes of a descriptor that this file reads. */
#define EFIMEM_DESC_MIN 32

/**
 * The highest address @p align-aligned in a free (conventional) range of
 * the map where @p bytes fit inside [lo, hi).
 *
 * @param map        the descriptors
 * @param map_size   their bytes
 * @param desc_size  the distance between descriptors (>= EFIMEM_DESC_MIN)
 * @param bytes      the size to place (a multiple of EFIMEM_PAGE)
 * @param align      a power of two, at least EFIMEM_PAGE
 * @param lo         lowest acceptable start
 * @param hi         the range must end at or below this (exclusive bound)
 * @param addr       the chosen start
 * @return 0, or -1 when nothing fits
 */
int efimem_pick(const void *map, size_t map_size, size_t desc_size, uint64_t bytes,
		uint64_t align, uint64_t lo, uint64_t hi, uint64_t *addr);

/**
 * The largest size efimem_pick() could place with the same @p align, @p lo
 * and @p hi: the longest free (conventional) stretch inside [lo, hi) that
 * starts on an @p align boundary (for "not enough memory" messages).
 */
uint64_t efimem_largest_free(const void *map, size_t map_size, size_t desc_size, uint64_t align,
			     uint64_t lo, uint64_t hi);

/** Does Linux count memory of this UEFI type as RAM once it runs? */
int efimem_is_os_ram(uint32_t type);

/** The bytes of all memory Linux will count as RAM (efimem_is_os_ram). */
uint64_t efimem_os_ram_bytes(const void *map, size_t map_size, size_t desc_size);

/**
 * The page for the MEMDISK tables: the highest free page below 0xA0000 with
 * no memory that Linux counts as RAM above it below 0xA0000.
 *
 * @return 0 and *@p page, or -1 when the top of base memory is RAM that is
 *         not free (then no such page exists)
 */
int efimem_low_table_page(const void *map, size_t map_size, size_t desc_size, uint64_t *page);

#endif /* MEMBOOT_EFIMEM_H */
