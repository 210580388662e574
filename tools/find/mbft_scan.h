/**
 * @file mbft_scan.h
 *
 * The finder's scan: look for a valid mBFT in a copy of base memory and
 * check everything it says before anyone trusts it. Pure logic (no I/O), so
 * that the same code runs in memdiskfind, memdisk-attach, the unit tests
 * (test_mbft_scan.c) and the fuzz target (fuzz_mbft_scan.c). The I/O around
 * it is finder.c.
 */
#ifndef MEMBOOT_MBFT_SCAN_H
#define MEMBOOT_MBFT_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "memdisk_abi.h"
#include "iomem.h"

/** Longest command line the finder copies out of the driver. */
#define MBFT_SCAN_CMDLINE_MAX 4096

/** Why a candidate "mBFT" signature was not accepted. */
enum mbft_scan_reject {
	MBFT_SCAN_OK = 0,
	MBFT_SCAN_BAD_LENGTH,        /**< shorter than 66 or runs past the scanned range */
	MBFT_SCAN_BAD_MDI_LENGTH,    /**< length != 40 + MDI bytes (+ the 64-bit extension) */
	MBFT_SCAN_BAD_CHECKSUM,      /**< bytes do not sum to zero */
	MBFT_SCAN_BAD_SAFE_HOOK,     /**< safe hook pointer outside the range, wrong signature, or not pointing back */
	MBFT_SCAN_BAD_CMDLINE,       /**< command line pointer outside the range or unterminated */
	MBFT_SCAN_BAD_SECTOR_SHIFT,  /**< sector shift not 0, 9, 10, 11 or 12 */
	MBFT_SCAN_BAD_IMAGE_RANGE,   /**< image empty, below 1 MiB, or past 4 GiB (past 2^52 with the extension) */
	MBFT_SCAN_IMAGE_NOT_IN_RAM,  /**< image not in reserved memory according to the memory map */
};

/** A candidate that was looked at and turned down (for --verbose). */
struct mbft_scan_candidate {
	uint32_t addr;          /**< physical address of the signature */
	enum mbft_scan_reject why;
};

#define MBFT_SCAN_MAX_CANDIDATES 8

/** Everything the scan learnt. */
struct mbft_scan_result {
	int found;              /**< 1 if a valid table was accepted */
	uint32_t table_addr;    /**< physical address of the accepted mBFT */
	struct mbft table;      /**< its bytes (header and the 30-byte MDI) */
	uint32_t mdi_bytes;     /**< MDI bytes as declared by the table */
	uint64_t image_addr;    /**< mdi.diskbuf, or the 64-bit extension's base */
	int ext64;              /**< the table carries memboot's 64-bit extension */
	uint64_t image_len;     /**< image length in bytes */
	unsigned sector_shift;  /**< effective shift (0 read as 9) */
	int has_cmdline;        /**< 1 if cmdline holds the driver's command line */
	int from_acpi;          /**< read from the ACPI copy (table_addr is then 0) */
	char cmdline[MBFT_SCAN_CMDLINE_MAX];
	uint32_t scan_start;    /**< first address scanned */
	uint32_t scan_end;      /**< one past the last address scanned */
	unsigned n_candidates;  /**< rejected candidates seen (may exceed the array) */
	struct mbft_scan_candidate candidates[MBFT_SCAN_MAX_CANDIDATES];
};

/**
 * Scan a copy of physical memory for the mBFT the way SYSLINUX's memdiskfind
 * does, with memboot's extra checks on top.
 *
 * @param mem       bytes of physical memory starting at address @p base
 * @param len       number of bytes in @p mem
 * @param base      physical address of mem[0]
 * @param start     first physical address to scan (16-byte aligned, >= base)
 * @param ram       the machine's memory map, or NULL when unknown
 * @param res       result, filled in every case
 * @return 1 if a table was accepted, 0 if none
 */
int mbft_scan(const uint8_t *mem, size_t len, uint32_t base, uint32_t start,
	      const struct iomem_map *ram, struct mbft_scan_result *res);

/**
 * Check memboot's ACPI copy of the mBFT (MBFT_ACPI_SIGNATURE, as
 * /sys/firmware/acpi/tables/MBFT shows it): signature, length, checksum,
 * MDI, the command line after it, and the same rules on the image as the
 * scan's.
 *
 * @param p    the table's bytes
 * @param len  how many were read (the table's length when complete)
 * @param ram  the machine's memory map, or NULL when unknown
 * @param res  result, filled in every case
 * @return MBFT_SCAN_OK when the table was accepted (res->found is then 1)
 */
enum mbft_scan_reject mbft_parse_acpi(const uint8_t *p, size_t len, const struct iomem_map *ram,
				      struct mbft_scan_result *res);

/** A short English phrase for a rejection reason. */
const char *mbft_scan_reject_str(enum mbft_scan_reject why);

/**
 * Compute the first address to scan from the BIOS base-memory word and the
 * scan base, as SYSLINUX's memdiskfind does.
 *
 * @param basemem_kib  the word at 0040:0013 (KiB of base memory)
 * @param scan_base    page-aligned end of low System RAM (from the memory map)
 * @param start        out: first address to scan
 * @return 0 when a scan makes sense, 1 when base memory is out of range
 */
int mbft_scan_start(uint16_t basemem_kib, uint32_t scan_base, uint32_t *start);

#endif /* MEMBOOT_MBFT_SCAN_H */
