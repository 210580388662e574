/**
 * @file iomem.h
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

#define IOMEM_MAX_ENTRIES 1024
#define IOMEM_NAME_MAX 48

/** Kinds of /proc/iomem entries that matter here. */
enum iomem_kind {
	IOMEM_OTHER = 0,       /**< a device window, ROM, PCI bus... */
	IOMEM_RAM,             /**< "System RAM" */
	IOMEM_RESERVED,        /**< "Reserved" / "reserved" (E820 type 2) */
	IOMEM_PMEM,            /**< "Persistent Memory (legacy)" / "Persistent Memory" */
	IOMEM_NVDIMM,          /**< an nvdimm driver's claim: "namespaceN.M", "bttN.M",
				*   "pfnN.M", "daxN.M" (nd_pmem over a UEFI RAM disk's
				*   NFIT range, inside Reserved) */
};

/** One line of /proc/iomem. */
struct iomem_entry {
	uint64_t start;         /**< first byte */
	uint64_t end;           /**< last byte (inclusive, as /proc/iomem prints it) */
	unsigned depth;         /**< nesting level: 0 for top-level entries */
	enum iomem_kind kind;
	char name[IOMEM_NAME_MAX];
};

/** A parsed memory map. */
struct iomem_map {
	size_t n;
	int truncated;          /**< more entries than IOMEM_MAX_ENTRIES: do not trust */
	int all_zero;           /**< every address was 0 (read without privilege) */
	struct iomem_entry e[IOMEM_MAX_ENTRIES];
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
size_t iomem_parse(const char *text, struct iomem_map *m);

/**
 * The finder's scan base: the end of the last "System RAM" range that starts
 * below 0xA0000, capped at 0xA0000 and rounded down to @p page.
 *
 * @return the scan base, or 0 when there is none
 */
uint32_t iomem_scan_base(const struct iomem_map *m, uint32_t page);

/** Verdicts of iomem_check_image(). */
enum iomem_verdict {
	IOMEM_IN_RAM = 0,      /**< covered by Reserved or pmem entries */
	IOMEM_NOT_COVERED,     /**< some byte lies in no such entry */
	IOMEM_OVERLAPS_DEVICE, /**< a device or firmware claim lies inside */
	IOMEM_IS_SYSTEM_RAM,   /**< some byte is System RAM: the kernel's, not an image */
	IOMEM_UNTRUSTED,       /**< the map was truncated */
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
enum iomem_verdict iomem_check_image(const struct iomem_map *m, uint64_t start,
				       uint64_t len,
				       const struct iomem_entry **culprit);

#endif /* MEMBOOT_MEMMAP_H */
