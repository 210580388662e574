/**
 * @file memmap.h
 *
 * The machine's physical memory map as Linux shows it in /proc/iomem: parsed
 * from text (pure logic), then asked two questions: where base memory ends
 * (the finder's scan base) and whether a range is RAM that a memdisk could
 * have put an image in.
 */
#ifndef MEMBOOT_MEMMAP_H
#define MEMBOOT_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#define MEMMAP_MAX_ENTRIES 1024
#define MEMMAP_NAME_MAX 48

/** Kinds of /proc/iomem entries that matter here. */
enum memmap_kind {
	MEMMAP_OTHER = 0,       /**< a device window, ROM, PCI bus... */
	MEMMAP_RAM,             /**< "System RAM" */
	MEMMAP_RESERVED,        /**< "Reserved" / "reserved" (E820 type 2) */
	MEMMAP_PMEM,            /**< "Persistent Memory (legacy)" / "Persistent Memory" */
};

/** One line of /proc/iomem. */
struct memmap_entry {
	uint64_t start;         /**< first byte */
	uint64_t end;           /**< last byte (inclusive, as /proc/iomem prints it) */
	unsigned depth;         /**< nesting level: 0 for top-level entries */
	enum memmap_kind kind;
	char name[MEMMAP_NAME_MAX];
};

/** A parsed memory map. */
struct memmap {
	size_t n;
	int truncated;          /**< more entries than MEMMAP_MAX_ENTRIES: do not trust */
	int all_zero;           /**< every address was 0 (read without privilege) */
	struct memmap_entry e[MEMMAP_MAX_ENTRIES];
};

/**
 * Parse the text of /proc/iomem. Malformed lines are skipped, and so are
 * entries nested deeper than one level (only top-level entries and their
 * direct children matter here).
 *
 * @param text  NUL-terminated text
 * @param m     out
 * @return number of entries kept
 */
size_t memmap_parse_iomem(const char *text, struct memmap *m);

/**
 * The finder's scan base: the end of the last "System RAM" range that starts
 * below 0xA0000, capped at 0xA0000 and rounded down to @p page.
 *
 * @return the scan base, or 0 when there is none
 */
uint32_t memmap_scan_base(const struct memmap *m, uint32_t page);

/** Verdicts of memmap_check_image(). */
enum memmap_verdict {
	MEMMAP_IN_RAM = 0,      /**< covered by Reserved or pmem entries */
	MEMMAP_NOT_COVERED,     /**< some byte lies in no such entry */
	MEMMAP_OVERLAPS_DEVICE, /**< a device or firmware claim lies inside */
	MEMMAP_IS_SYSTEM_RAM,   /**< some byte is System RAM: the kernel's, not an image */
	MEMMAP_UNTRUSTED,       /**< the map was truncated */
};

/**
 * Is [start, start+len) memory a memdisk could have loaded an image into?
 * A memdisk reserves its image in the E820 map, so it must be covered by
 * top-level Reserved or Persistent Memory entries, no byte may be System RAM
 * (which belongs to the running kernel), and no device claim nested in a
 * Reserved entry may overlap it.
 *
 * @param m       the map
 * @param start   first byte
 * @param len     length in bytes (> 0)
 * @param culprit out, optional: the entry that made the range fail
 * @return a verdict
 */
enum memmap_verdict memmap_check_image(const struct memmap *m, uint64_t start,
				       uint64_t len,
				       const struct memmap_entry **culprit);

#endif /* MEMBOOT_MEMMAP_H */
