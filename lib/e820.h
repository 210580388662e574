/**
 * @file e820.h
 *
 * The BIOS memory map (INT 15h AX=E820h) as memdisk edits and serves it:
 * reading the BIOS's records, sanitizing (sort, merge, resolve overlaps with
 * the higher type winning, as Linux does), marking ranges (the image and
 * the resident driver as reserved, or the image as persistent memory),
 * mem= truncation, the answers of the older INT 15h memory calls (E801h,
 * 88h), and finding room for a decompressed image.
 *
 * The map lives in storage the caller provides (e820_init); no function
 * allocates. Addresses are 64-bit; an entry that would run past 2^64 is cut
 * at the last byte (an entry covering all 2^64 bytes loses its last byte).
 *
 * Pure logic: no allocation, no I/O, no global state.
 */
#ifndef MEMBOOT_E820_H
#define MEMBOOT_E820_H

/** Bytes of an E820 record as the memdisk INT 15h hook returns it (the
 *  driver's assembly uses it too: the rest of this header is C only). */
#define E820_BIOS_RECORD 20
/** Bytes of an ACPI 3.0 record (with extended attributes). */
#define E820_BIOS_RECORD_EXT 24

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/** Address range types. */
enum e820_type {
	E820_RAM = 1,           /**< usable */
	E820_RESERVED = 2,
	E820_ACPI = 3,          /**< ACPI reclaimable */
	E820_NVS = 4,           /**< ACPI NVS */
	E820_UNUSABLE = 5,
	E820_DISABLED = 6,
	E820_PMEM = 7,          /**< ACPI 6 persistent memory */
	E820_PRAM = 12,         /**< legacy persistent memory (Linux "pmem" driver) */
};

/** Return codes. */
enum e820_status {
	E820_OK = 0,
	E820_E_ARG = -1,        /**< NULL pointer, bad count, size 0 */
	E820_E_FULL = -2,       /**< the result would not fit the map's capacity */
	E820_E_RANGE = -3,      /**< a range that runs past 2^64 */
	E820_E_NOTFOUND = -4,   /**< no such entry / no room */
	E820_E_ALIGN = -5,      /**< alignment not a power of two */
};

/** One address range. */
struct e820_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type;          /**< enum e820_type (other values are kept) */
	uint32_t attr;          /**< ACPI 3.0 extended attributes (1 = enabled) */
};

/** A memory map in caller-provided storage. */
struct e820_map {
	struct e820_entry *e;   /**< storage for cap entries */
	uint32_t n;             /**< entries in use */
	uint32_t cap;           /**< capacity */
};

/**
 * Start an empty map.
 *
 * @param m        map
 * @param storage  room for @p cap entries
 * @param cap      capacity
 */
void e820_init(struct e820_map *m, struct e820_entry *storage, uint32_t cap);

/**
 * Append a range as is (no merging; call e820_sanitize afterwards).
 * A zero-length range is dropped; one running past 2^64 is cut.
 *
 * @param m     map
 * @param base  first byte
 * @param len   length in bytes
 * @param type  enum e820_type
 * @return E820_OK, E820_E_FULL, E820_E_ARG
 */
int e820_add(struct e820_map *m, uint64_t base, uint64_t len, uint32_t type);

/**
 * Append a record returned by INT 15h AX=E820h. With 24 bytes or more, the
 * extended attributes are read and a record whose bit 0 (enabled) is clear
 * is ignored, as ACPI 3.0 says.
 *
 * @param m        map
 * @param rec      the record: base u64, length u64, type u32 [, attributes u32]
 * @param rec_len  bytes the BIOS returned (ECX): at least 20
 * @return E820_OK (also when ignored), E820_E_FULL, E820_E_ARG
 */
int e820_add_bios(struct e820_map *m, const uint8_t *rec, size_t rec_len);

/**
 * Sanitize: drop zero-length entries, sort by address, give each byte the
 * highest type of the entries covering it, merge adjacent entries of the
 * same type. A map whose resolution needs more room than its capacity
 * returns E820_E_FULL and is left describing the same memory, only not
 * fully sanitized.
 *
 * @param m  map
 * @return E820_OK, E820_E_FULL, E820_E_ARG
 */
int e820_sanitize(struct e820_map *m);

/**
 * Give a range a type, whatever covered it before (entries are cut or
 * split around it), then sanitize. Used to mark the image and the resident
 * driver reserved (E820_RESERVED) or the image as E820_PRAM.
 *
 * @param m     map
 * @param base  first byte
 * @param len   length (0: the map is only sanitized)
 * @param type  new type
 * @return E820_OK, E820_E_FULL (the map is sanitized first; when that
 *         or the carve does not fit, it still describes the same memory),
 *         E820_E_RANGE (map unchanged), E820_E_ARG
 */
int e820_set_range(struct e820_map *m, uint64_t base, uint64_t len, uint32_t type);

/**
 * mem=: RAM at or above @p limit becomes reserved; then sanitize.
 *
 * @param m      map
 * @param limit  first address no longer reported as RAM
 * @return E820_OK, E820_E_FULL (the limit not applied; the map is
 *         sanitized first and still describes the same memory), E820_E_ARG
 */
int e820_limit_ram(struct e820_map *m, uint64_t limit);

/**
 * The end (exclusive) of the usable RAM that runs contiguously from
 * @p start, across adjacent RAM entries.
 *
 * @param m      map
 * @param start  address
 * @return the end, @p start when @p start is not in RAM (2^64 - 1 when
 *         the RAM runs to the top)
 */
uint64_t e820_contiguous_end(const struct e820_map *m, uint64_t start);

/** The bytes of all usable RAM (E820_RAM entries) in the map: the machine's RAM. */
uint64_t e820_ram_bytes(const struct e820_map *m);

/**
 * The INT 15h AX=E801h answer from the map: contiguous usable RAM from
 * 1 MiB; AX (= CX) the KiB of it below 16 MiB (at most 3C00h), BX (= DX)
 * the 64 KiB blocks of it from 16 MiB to 4 GiB (0 unless it reaches
 * 16 MiB).
 *
 * @param m      map
 * @param kib    AX/CX
 * @param blocks BX/DX
 */
void e820_e801(const struct e820_map *m, uint16_t *kib, uint16_t *blocks);

/**
 * The INT 15h AH=88h answer: KiB of contiguous usable RAM from 1 MiB,
 * capped at FFFFh.
 *
 * @param m  map
 * @return AX
 */
uint16_t e820_int1588(const struct e820_map *m);

/**
 * The highest address at which @p size bytes of usable RAM fit, aligned,
 * inside [@p min, @p limit). The map must be sanitized.
 *
 * @param m      map
 * @param size   bytes needed (> 0)
 * @param align  power of two (0 or 1: none)
 * @param min    lowest acceptable address
 * @param limit  end (exclusive) of the acceptable area, e.g. 4 GiB
 * @param addr   result
 * @return E820_OK, E820_E_NOTFOUND, E820_E_ALIGN, E820_E_ARG
 */
int e820_find_top(const struct e820_map *m, uint64_t size, uint64_t align,
		  uint64_t min, uint64_t limit, uint64_t *addr);

/**
 * The first and the last byte of usable RAM.
 *
 * @param m      map
 * @param first  lowest RAM address
 * @param last   highest RAM address (inclusive)
 * @return E820_OK or E820_E_NOTFOUND (no RAM)
 */
int e820_usable_bounds(const struct e820_map *m, uint64_t *first, uint64_t *last);

/**
 * Is a range entirely covered by entries of one type? The map must be
 * sanitized.
 *
 * @param m     map
 * @param base  first byte
 * @param len   length (> 0, not past 2^64)
 * @param type  type
 * @return 1 or 0
 */
int e820_range_is(const struct e820_map *m, uint64_t base, uint64_t len, uint32_t type);

/**
 * One record as the INT 15h AX=E820h hook returns it (20 bytes: base,
 * length, type), with the continuation value for EBX.
 *
 * @param m     map
 * @param cont  EBX on entry: 0 for the first record
 * @param out   20 bytes
 * @param next  EBX on return: 0 after the last record
 * @return E820_OK or E820_E_NOTFOUND (@p cont past the end)
 */
int e820_bios_record(const struct e820_map *m, uint32_t cont, uint8_t out[20], uint32_t *next);

#endif /* !__ASSEMBLY__ */

#endif /* MEMBOOT_E820_H */
